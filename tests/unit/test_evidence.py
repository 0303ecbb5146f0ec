"""Evidence images (issue 27 §3): a finding's page region rendered once, the cells outlined; text extracts' lines.

Real parts: a PDF drawn here with reportlab (a ruled row of cells at known coordinates, CJK text in the built-in
STSong-Light font), the real 北京 情况说明 whose p6 states 公务接待费 “2026 年预算数 1.45 万元”, and files on disk.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from pathlib import Path

import numpy as np
import pdfplumber
import pytest
from PIL import Image

from orchestration.reporting.evidence import (
    OUTLINE_STROKE, RESOLUTION, EvidenceRequest, find_needle, read_reason, render_evidence,
)
from tests.bundles import REALDOCS

#: The planted row: 合计 | 1,200.00 at these page coordinates (points, top-left origin), on page 1 of 2.
ROW_TOP, ROW_BOTTOM, ROW_X0, ROW_X1 = 300.0, 320.0, 72.0, 372.0
PAGE_W, PAGE_H = 595.0, 842.0


def planted_pdf() -> bytes:
    """Two A4 pages; page 1 has a ruled row ``合计 | 1,200.00`` between ROW_TOP and ROW_BOTTOM and a sentence."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(PAGE_W, PAGE_H))
    c.setFont("STSong-Light", 10)
    c.drawString(72, PAGE_H - 100, "（二）公务接待费。2026年预算数1.45万元，主要用于会议接待。")
    c.rect(ROW_X0, PAGE_H - ROW_BOTTOM, ROW_X1 - ROW_X0, ROW_BOTTOM - ROW_TOP)
    c.drawString(ROW_X0 + 4, PAGE_H - ROW_BOTTOM + 6, "合计")
    c.drawString(ROW_X0 + 200, PAGE_H - ROW_BOTTOM + 6, "1,200.00")
    c.showPage()
    c.setFont("STSong-Light", 10)
    c.drawString(72, PAGE_H - 100, "第二页")
    c.showPage()
    c.save()
    return out.getvalue()


def stored(tmp_path: Path, data: bytes, name: str) -> tuple[str, Path]:
    path = tmp_path / name
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest(), path


def red_pixels(image: Image.Image) -> list[tuple[int, int]]:
    """(x, y) of every pixel drawn in the outline's stroke colour."""
    ys, xs = np.nonzero((np.asarray(image.convert("RGB")) == OUTLINE_STROKE).all(axis=2))
    return list(zip(xs.tolist(), ys.tolist()))


def test_a_row_is_cropped_with_its_context_and_outlined(tmp_path):
    document_id, pdf = stored(tmp_path, planted_pdf(), "planted.pdf")
    root = tmp_path / "wh"
    request = EvidenceRequest(f"evidence/{document_id}/p1-abc.png", document_id, "pdf", 1, None,
                              (ROW_X0, ROW_TOP, ROW_X1, ROW_BOTTOM))
    [outcome] = render_evidence([request], root, lambda _: pdf)
    assert (outcome.status, outcome.located, outcome.reason) == ("rendered", "bbox", None)
    image = Image.open(root / request.evidence_path)
    scale = RESOLUTION / 72
    # the page's width, the row and 40 pt above and below it
    assert image.size == (outcome.width, outcome.height)
    assert image.size == (pytest.approx(PAGE_W * scale, abs=1), pytest.approx((20 + 80) * scale, abs=1))
    xs, ys = zip(*red_pixels(image))
    # the outline is the row's box, 40 pt below the crop's top edge
    assert min(xs) == pytest.approx(ROW_X0 * scale, abs=3) and max(xs) == pytest.approx(ROW_X1 * scale, abs=3)
    assert min(ys) == pytest.approx(40 * scale, abs=3) and max(ys) == pytest.approx(60 * scale, abs=3)
    # what the image shows is the printed row
    with pdfplumber.open(pdf) as doc:
        text = doc.pages[0].crop((0, ROW_TOP - 40, PAGE_W, ROW_BOTTOM + 40)).extract_text()
    assert "合计" in text and "1,200.00" in text


def test_rendered_once_then_kept(tmp_path):
    document_id, pdf = stored(tmp_path, planted_pdf(), "planted.pdf")
    root = tmp_path / "wh"
    request = EvidenceRequest(f"evidence/{document_id}/p1-abc.png", document_id, "pdf", 1, None,
                              (ROW_X0, ROW_TOP, ROW_X1, ROW_BOTTOM))
    render_evidence([request, request], root, lambda _: pdf)
    first = (root / request.evidence_path).stat().st_mtime_ns
    opened = []
    [again] = render_evidence([request], root, lambda d: opened.append(d) or pdf)
    assert again.status == "present" and opened == []  # the document is not even looked for
    assert (root / request.evidence_path).stat().st_mtime_ns == first


def test_a_sentence_is_found_across_full_width_punctuation(tmp_path):
    document_id, pdf = stored(tmp_path, planted_pdf(), "planted.pdf")
    # the warehouse keeps the sentence NFKC-normalised (half-width comma); the page prints ，
    needle = unicodedata.normalize("NFKC", "2026年预算数1.45万元，主要用于会议接待。")
    request = EvidenceRequest(f"evidence/{document_id}/p1-def.png", document_id, "pdf", 1, None, None, needle)
    [outcome] = render_evidence([request], tmp_path / "wh", lambda _: pdf)
    assert (outcome.status, outcome.located) == ("rendered", "needle")
    with pdfplumber.open(pdf) as doc:
        box = find_needle(doc.pages[0], needle)
        assert "2026年预算数1.45万元" in doc.pages[0].crop(box).extract_text().replace(" ", "")
    # not on the page: the whole page is shown, nothing outlined
    missing = EvidenceRequest(f"evidence/{document_id}/p2-x.png", document_id, "pdf", 2, None, None, "不在此页")
    [whole] = render_evidence([missing], tmp_path / "wh", lambda _: pdf)
    assert whole.located == "page" and whole.height == pytest.approx(PAGE_H * RESOLUTION / 72, abs=1)
    assert red_pixels(Image.open(tmp_path / "wh" / missing.evidence_path)) == []


def test_a_missing_or_changed_source_gives_a_reason_not_an_error(tmp_path):
    document_id, pdf = stored(tmp_path, planted_pdf(), "planted.pdf")
    root = tmp_path / "wh"
    request = EvidenceRequest(f"evidence/{document_id}/p1-abc.png", document_id, "pdf", 1, None, None)
    [gone] = render_evidence([request], root, lambda _: None)
    assert gone.status == "no_source" and "not found" in gone.reason
    assert not (root / request.evidence_path).exists()
    assert read_reason(root, request.evidence_path) == gone.reason
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(pdf.read_bytes() + b"\n%")
    [other] = render_evidence([request], root, lambda _: changed)
    assert other.status == "no_source" and "bytes changed" in other.reason
    # a page beyond the document, and a damaged file: reasons too
    beyond = EvidenceRequest(f"evidence/{document_id}/p9-abc.png", document_id, "pdf", 9, None, None)
    [outside] = render_evidence([beyond], root, lambda _: pdf)
    assert outside.status == "not_renderable" and "page 9" in outside.reason
    broken_id, broken = stored(tmp_path, b"%PDF-1.7\nnot really\n%%EOF\n", "broken.pdf")
    [failed] = render_evidence([EvidenceRequest(f"evidence/{broken_id}/p1-a.png", broken_id, "pdf", 1)], root,
                               lambda _: broken)
    assert failed.status == "failed" and failed.reason
    # once the file is back, the image is rendered and the reason removed
    [back] = render_evidence([request], root, lambda _: pdf)
    assert back.status == "rendered" and read_reason(root, request.evidence_path) is None


def test_a_text_extract_shows_the_lines_around_the_finding(tmp_path):
    text = "项目支出绩效目标表\n单位：万元\n合计\t100.00\n甲单位\t60.00\n乙单位\t30.00\n".encode("gb18030")
    document_id, path = stored(tmp_path, text, "seed.txt")
    request = EvidenceRequest(f"evidence/{document_id}/l3.txt", document_id, "txt", None, 3)
    [outcome] = render_evidence([request], tmp_path / "wh", lambda _: path)
    assert (outcome.status, outcome.located) == ("rendered", "lines")
    assert (tmp_path / "wh" / request.evidence_path).read_text(encoding="utf-8") == (
        "  1 | 项目支出绩效目标表\n  2 | 单位：万元\n→ 3 | 合计\t100.00\n  4 | 甲单位\t60.00\n  5 | 乙单位\t30.00\n")


def test_the_beijing_note_sentence_is_outlined_on_its_page(tmp_path):
    note = REALDOCS / "beijing" / "北京_城市副中心工程建设管理办公室_2026_部门预算情况说明.pdf"
    if not note.is_file():
        pytest.skip(f"{note} not found")
    document_id = hashlib.sha256(note.read_bytes()).hexdigest()
    # the sentence as raw.narrative_figures keeps it (NFKC, no white space)
    sentence = "2026年预算数1.45万元,主要用于会议接待等方面。"
    request = EvidenceRequest(f"evidence/{document_id}/p6-x.png", document_id, "pdf", 6, None, None, sentence)
    [outcome] = render_evidence([request], tmp_path, lambda _: note)
    assert (outcome.status, outcome.located) == ("rendered", "needle")
    with pdfplumber.open(note) as doc:
        box = find_needle(doc.pages[5], sentence)
        shown = doc.pages[5].crop(box).extract_text().replace(" ", "")
    assert "2026年预算数1.45万元" in shown
    assert outcome.width > 800 and 100 < outcome.height < 300 and outcome.bytes > 1000
