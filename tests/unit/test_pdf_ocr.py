"""Scanned pages (issue 28): OCR with the models packaged in rapidocr, judged by the tables' own arithmetic.

Truth without hand labels: a real text page (the 收支总表 of the 上海市普陀区司法局 2026 部门预算) is
rasterized in tmp memory with blur and JPEG noise (:mod:`devtools.rasterize_pdf`) and read again through
OCR; its text layer is what the OCR read must equal. Values asserted were read off the page by hand
(pdfplumber text and the rendered page): 收入总计 = 支出总计 = 96,282,213.44 元, 一、公共安全支出 87,267,272.44.
"""

from __future__ import annotations

import socket
from decimal import Decimal
from pathlib import Path

import pytest

from devtools.ocr_roundtrip import compare, round_trip, subset, summary_totals
from devtools.rasterize_pdf import rasterize
from orchestration.parsing.formats import pdf_ocr
from orchestration.parsing.pdf_document import parse_pdf

REALDOCS = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdocs"
BUNDLE = REALDOCS / "budget-bundles" / "上海市普陀区司法局_2026_部门预算.pdf"
SCAN = REALDOCS / "scanned" / "北京_市政务服务和数据管理局_2026_部门预算说明_扫描.pdf"
SUMMARY_PAGE = 10  # 2026年部门财务收支预算总表
FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

pytestmark = pytest.mark.skipif(not BUNDLE.exists(), reason="shared realdocs not present")


@pytest.fixture(scope="module")
def summary_page() -> bytes:
    """The 收支总表 page of the bundle, with its text layer, as a one-page PDF."""
    return subset(BUNDLE.read_bytes(), [SUMMARY_PAGE])


@pytest.fixture(scope="module")
def summary_scan(summary_page) -> bytes:
    """The 收支总表 page rasterized at 150 dpi with blur and JPEG noise (an image-only PDF)."""
    return rasterize(summary_page, dpi=150, blur=0.6, quality=70)


@pytest.fixture(scope="module")
def summary_read(summary_page, summary_scan):
    """(text-layer read, OCR read of its scan, what OCR read on the page: ``(chars, lines, words)``)."""
    seen = []
    real = pdf_ocr.read_image

    def keep(*args, **kwargs):
        seen.append(real(*args, **kwargs))
        return seen[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf_ocr, "read_image", keep)
        ocr_doc = parse_pdf(summary_scan)
    return parse_pdf(summary_page), ocr_doc, seen[0]


def test_rasterized_summary_page_reads_as_its_text_layer(summary_read):
    text_doc, ocr_doc, _ = summary_read
    scores = compare(text_doc, ocr_doc)["income_expenditure_summary"]
    assert (scores.amounts, scores.amounts_equal) == (13, 13)
    assert scores.cells_equal == scores.cells
    assert summary_totals(ocr_doc) == summary_totals(text_doc) == [
        ("支出总计", Decimal("96282213.44")), ("收入总计", Decimal("96282213.44"))]
    [entry] = [e for e in ocr_doc.disclosure.inventory if e.entry_type == "table"]
    assert (entry.kind, entry.text_source, entry.ocr_verified, entry.title) == (
        "income_expenditure_summary", "ocr", True, "2026年部门财务收支预算总表")
    public_safety = next(a for a in ocr_doc.disclosure.amounts if a.amount == Decimal("87267272.44"))
    assert 0.5 < public_safety.ocr_confidence <= 1.0
    assert all(a.ocr_confidence is None for a in text_doc.disclosure.amounts)
    assert [e.text_source for e in text_doc.disclosure.inventory] == ["text_layer"]
    assert ocr_doc.events[0].kind == "pages_read_by_ocr" and "150 dpi" in ocr_doc.events[0].detail


def test_ocr_runs_from_the_packaged_models_with_the_network_blocked(monkeypatch, summary_page):
    import pypdfium2 as pdfium

    def refuse(*args, **kwargs):
        raise OSError("network blocked by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    pdf_ocr.ocr_engine.cache_clear()  # built again, under the block
    try:
        page = pdfium.PdfDocument(summary_page)[0]
        image = page.render(scale=150 / 72).to_pil().convert("RGB")
        title = image.crop((0, 0, image.width, image.height // 5))  # the title and 编制部门 lines
        chars, _, _ = pdf_ocr.read_image(title, 150, 1)
    finally:
        pdf_ocr.ocr_engine.cache_clear()
    text = "".join(c["text"] for c in chars)
    assert "财务收支预算总表" in text and "上海市普陀区司法局" in text
    assert all(Path(p).is_file() for p in (pdf_ocr.model_dir() / f for f in pdf_ocr.MODEL_FILES.values()))


def _plant_digit(summary_page: bytes, old: str, new: str):
    """An ``edit`` for :func:`rasterize`: the printed amount ``old`` gets ``new`` in place of its third
    digit, painted over the raster like a misprint (a misread the OCR cannot know of)."""
    import io

    import pdfplumber
    from PIL import ImageDraw, ImageFont

    with pdfplumber.open(io.BytesIO(summary_page)) as pdf:
        page = pdf.pages[0]
        word = next(w for w in page.extract_words() if w["text"] == old)
        chars = [c for c in page.chars if word["x0"] - 0.1 <= c["x0"] and c["x1"] <= word["x1"] + 0.1
                 and abs(c["top"] - word["top"]) < 1]
        width = float(page.width)
    target = [c for c in chars if c["text"].isdigit()][2]

    def edit(page_no, image):
        scale = image.width / width
        draw = ImageDraw.Draw(image)
        box = [target["x0"] * scale, target["top"] * scale, target["x1"] * scale, target["bottom"] * scale]
        draw.rectangle(box, fill=255)
        font = ImageFont.truetype(FONT, int((target["bottom"] - target["top"]) * scale * 0.62))
        draw.text((box[0], box[1] + (box[3] - box[1]) * 0.18), new, fill=0, font=font)
        return image
    return edit, target["text"]


def test_a_misread_digit_in_the_ocr_read_is_caught_by_the_tables_arithmetic(summary_scan, summary_read, monkeypatch):
    """The page's own OCR read with one digit changed (87,267,272.44 → 87,267,278.44, as a misread 2 → 8): the
    readers run on it unchanged and the table's arithmetic flags it, naming the cell and its confidence."""
    import copy

    _, _, (chars, lines, words) = summary_read
    misread = copy.deepcopy(chars)
    text = "".join(c["text"] for c in misread)
    start = text.index("87,267,272.44")
    assert misread[start + 9]["text"] == "2"
    misread[start + 9]["text"] = "8"  # 87,267,27[2].44 → 8
    misread[start + 9]["ocr_confidence"] = 0.61
    monkeypatch.setattr(pdf_ocr, "read_image", lambda *args, **kwargs: (misread, lines, words))
    ocr_doc = parse_pdf(summary_scan)
    [entry] = [e for e in ocr_doc.disclosure.inventory if e.entry_type == "table"]
    assert entry.ocr_verified is False
    assert Decimal("87267278.44") in {a.amount for a in ocr_doc.disclosure.amounts}
    failures = [e.detail for e in ocr_doc.events if e.kind == "ocr_arithmetic_failed"]
    assert failures and all("held back for review" in f for f in failures)
    assert any("printed 96282213.44, parts sum to 96282219.44" in f for f in failures)
    suspects = failures[0].split("least confident first: ")[1]
    assert suspects.startswith("row ") and suspects.split(", ")[0].endswith(" 87267278.44 (confidence 0.610)")


@pytest.mark.slow
def test_a_planted_misread_digit_is_caught_by_the_tables_arithmetic(summary_page, summary_read):
    """A digit changed on the raster itself (87,267,272.44 painted as 87,967,272.44): OCR reads what is printed,
    the arithmetic catches it; the text layer's copy of the same table holds."""
    text_doc, _, _ = summary_read
    edit, old_digit = _plant_digit(summary_page, "87,267,272.44", "9")
    assert old_digit == "2"
    ocr_doc = parse_pdf(rasterize(summary_page, dpi=150, edit=edit))
    [entry] = [e for e in ocr_doc.disclosure.inventory if e.entry_type == "table"]
    assert entry.ocr_verified is False
    read = {a.amount for a in ocr_doc.disclosure.amounts}
    assert Decimal("87967272.44") in read and Decimal("87267272.44") not in read
    [failure] = [e for e in ocr_doc.events if e.kind == "ocr_arithmetic_failed"]
    assert "支出总计 = Σ its 4 top-level rows" in failure.detail
    assert "printed 96282213.44, parts sum to 96982213.44" in failure.detail
    assert "87967272.44 (confidence" in failure.detail and "held back for review" in failure.detail
    # the text layer's copy of the same table holds (the judge is the arithmetic, not OCR as such)
    from orchestration.parsing.ocr_checks import judge_table

    [text_entry] = [e for e in text_doc.disclosure.inventory if e.entry_type == "table"]
    assert judge_table(text_entry, text_doc.disclosure.rows, text_doc.disclosure.amounts) == (True, [])


@pytest.mark.slow
def test_the_shared_scan_loads_as_a_narrative_disclosure_with_its_figures():
    """北京市政务服务和数据管理局 2026 部门预算信息公开: 8 image-only pages (read by eye: p5 收入预算
    101,673.03 万元, 上年结转结余 4,950.85; p6 基本支出 38,197.01, 项目支出 63,408.16; p7 “三公” 80.11,
    因公出国 51.3, 公务接待 7.25, 公务用车 21.56 = 购置 12.53 + 运行维护 9.03)."""
    document = parse_pdf(SCAN.read_bytes())
    assert (document.doc_type, document.layout, document.fiscal_year, document.department) == (
        "budget_narrative", "pdf_narrative", 2026, "北京市政务服务和数据管理局")
    assert {e.text_source for e in document.disclosure.inventory} == {"ocr"}
    figures = {(f.measure, f.fund_type): (f.amount, f.unit, f.source_page) for f in document.disclosure.figures}
    assert figures[("income_total", None)] == (Decimal("101673.03"), "万元", 5)
    assert figures[("income", "general_public")] == (Decimal("101673.03"), "万元", 5)
    assert figures[("income", "carryover")] == (Decimal("4950.85"), "万元", 5)
    assert figures[("expenditure_total", None)] == (Decimal("101673.03"), "万元", 6)
    assert figures[("basic_expenditure", None)] == (Decimal("38197.01"), "万元", 6)
    assert figures[("project_expenditure", None)] == (Decimal("63408.16"), "万元", 6)
    assert figures[("three_public_total", "fiscal_appropriation")] == (Decimal("80.11"), "万元", 7)
    parts = [figures[(m, None)][0] for m in ("outbound_travel", "official_reception", "official_vehicles")]
    assert parts == [Decimal("51.3"), Decimal("7.25"), Decimal("21.56")] and sum(parts) == Decimal("80.11")
    assert figures[("vehicle_purchase", None)][0] + figures[("vehicle_operation", None)][0] == Decimal("21.56")


@pytest.mark.slow
def test_a_rasterized_bundle_round_trip_keeps_its_amounts_and_summary_totals():
    """The whole 司法局 2026 bundle's table pages (10–21: 收支总表 … 三公), scanned at 150 dpi with blur,
    JPEG noise and up to 0.3° of skew: ≥ 99 % of amount cells equal to the text read, every 收支总表
    total equal, and no table the arithmetic fails (a failure would be a misread)."""
    text_doc, ocr_doc, scores, seconds, pages = round_trip(BUNDLE.read_bytes(), 150, list(range(10, 22)), skew=0.3)
    amounts = sum(s.amounts for s in scores.values())
    equal = sum(s.amounts_equal for s in scores.values())
    assert amounts == 366 and equal / amounts >= 0.99, {k: s.differences for k, s in scores.items()}
    assert summary_totals(ocr_doc) == summary_totals(text_doc) != []
    assert sum(s.failed for s in scores.values()) == 0
    assert sum(s.verified for s in scores.values()) >= 6


def test_the_ocr_provenance_lands_in_the_raw_tables(summary_read, tmp_path):
    """text_source and ocr_verified on raw.document_tables, ocr_confidence on raw.budget_table_amounts (real DuckDB)."""
    from orchestration.ingestion.loading import DocumentRegistration, connect, write_document

    _, ocr_doc, _ = summary_read
    with connect(tmp_path / "w.duckdb") as con:
        write_document(con, DocumentRegistration("o" * 64, "scan.pdf", "scan.pdf", "pdf", 1), ocr_doc, "loaded")
        tables = con.execute("select kind, text_source, ocr_verified from raw.document_tables").fetchall()
        confidence = con.execute("select count(*), min(ocr_confidence) from raw.budget_table_amounts "
                                 "where ocr_confidence is not null").fetchone()
        events = [k for (k,) in con.execute("select kind from raw.parse_events").fetchall()]
    assert tables == [("income_expenditure_summary", "ocr", True)]
    assert confidence[0] == 13 and 0.5 < confidence[1] <= 1.0
    assert "pages_read_by_ocr" in events


def test_only_a_pdf_that_looks_like_a_scan_gets_extra_parse_time(summary_page, tmp_path):
    scan, text = tmp_path / "scan.pdf", tmp_path / "text.pdf"
    scan.write_bytes(rasterize(summary_page, dpi=72))
    text.write_bytes(summary_page)
    assert pdf_ocr.ocr_allowance_s(scan) == pdf_ocr.OCR_SECONDS_PER_PAGE
    assert pdf_ocr.ocr_allowance_s(text) == 0.0
    assert pdf_ocr.ocr_allowance_s(tmp_path / "missing.pdf") == 0.0


def test_a_blank_sheet_inside_a_scan_is_an_empty_page(summary_read, monkeypatch):
    """A scan of the 收支总表 followed by a blank sheet: the blank page is no reason to refuse the scan."""
    from PIL import Image

    _, _, seen = summary_read
    two_pages = subset(BUNDLE.read_bytes(), [SUMMARY_PAGE, SUMMARY_PAGE])
    scan = rasterize(two_pages, dpi=150, edit=lambda n, image: image if n == 1 else Image.new("L", image.size, 255))
    # page 1: the page's own OCR read (fixture); page 2: what OCR reads on a white sheet
    monkeypatch.setattr(pdf_ocr, "read_image", lambda image, dpi, page_no, *a: seen if page_no == 1 else ([], [], 0))
    document = parse_pdf(scan)
    assert [(e.kind, e.first_page) for e in document.disclosure.inventory] == [
        ("income_expenditure_summary", 1), ("narrative", 2)]
    assert len(document.disclosure.amounts) == 13


def test_a_tilted_scan_is_straightened_by_its_rules(summary_page):
    """The 收支总表 raster turned by a scanner's few tenths of a degree: the skew is read off its ruling lines
    (within 0.05°) and the straightened raster has none left."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    raster = pdfium.PdfDocument(summary_page)[0].render(scale=150 / 72).to_pil().convert("L")
    assert pdf_ocr.skew_angle(np.asarray(raster)) == 0.0
    for degrees in (0.3, -0.4):
        tilted = np.asarray(raster.rotate(degrees, resample=Image.BILINEAR, fillcolor=255))
        straight, angle = pdf_ocr.deskew(tilted)
        assert angle == pytest.approx(degrees, abs=0.05) and abs(pdf_ocr.skew_angle(straight)) < 0.05


# --- text layers that are there but cannot be trusted (issue 28: garbled CID maps, poor invisible OCR layers) ---



def test_a_scan_whose_invisible_layer_is_mojibake_is_read_by_ocr(summary_read, monkeypatch):
    """The 收支总表's scan under an invisible text layer that is the mojibake of its text (``2026ê §¤ ×±í``, GBK
    bytes read as Latin-1: an OCR layer made for another script): no letter of it is Chinese, so the page is
    OCR'd and the garbage is not loaded; the amounts are those of the text layer (totals 96,282,213.44 元)."""
    from devtools.rasterize_pdf import with_invisible_layer

    text_doc, _, seen = summary_read
    poor = with_invisible_layer(subset(BUNDLE.read_bytes(), [SUMMARY_PAGE]), lambda t: t.encode("gbk").decode("latin-1"))
    calls = []
    # the OCR read of this raster is the fixture's (the same page at the same 150 dpi): no second recognition
    monkeypatch.setattr(pdf_ocr, "read_image", lambda image, dpi, page_no, *a: calls.append(page_no) or seen)
    document = parse_pdf(poor)
    assert calls == [1]
    (entry,) = document.disclosure.inventory
    assert (entry.kind, entry.text_source, entry.ocr_verified) == ("income_expenditure_summary", "ocr:poor_invisible_layer", True)
    replaced = [e.detail for e in document.events if e.kind == "text_layer_replaced_by_ocr"]
    assert len(replaced) == 1 and "poor_invisible_layer" in replaced[0] and "0 of 9 letters Chinese" in replaced[0]
    scores = compare(text_doc, document)["income_expenditure_summary"]
    assert (scores.amounts_equal, scores.amounts) == (13, 13)
    assert summary_totals(document) == [("支出总计", Decimal("96282213.44")), ("收入总计", Decimal("96282213.44"))]
    assert not any("ê" in (row.name or "") for row in document.disclosure.rows)


def test_a_scan_with_a_good_invisible_layer_keeps_it_and_is_not_ocr_d_again(summary_read, monkeypatch):
    """The same scan under an invisible layer holding the page's own text (what ocrmypdf lays over a scan): the
    layer reads as Chinese, so it is kept — the recogniser never runs — and only the ruling lines are taken from
    the image (the page draws none); every cell equals the text read."""
    from devtools.rasterize_pdf import with_invisible_layer

    text_doc, _, _ = summary_read
    good = with_invisible_layer(subset(BUNDLE.read_bytes(), [SUMMARY_PAGE]))

    def refuse(*args, **kwargs):
        raise AssertionError("a good invisible layer was OCR'd again")

    monkeypatch.setattr(pdf_ocr, "read_image", refuse)
    document = parse_pdf(good)
    (entry,) = document.disclosure.inventory
    assert (entry.kind, entry.text_source, entry.ocr_verified) == ("income_expenditure_summary", "ocr_layer", True)
    assert [e.kind for e in document.events if "ocr" in e.kind or "layer" in e.kind] == ["invisible_text_layer_kept"]
    scores = compare(text_doc, document)["income_expenditure_summary"]
    assert (scores.cells_equal, scores.cells, scores.amounts_equal, scores.amounts) == (26, 26, 13, 13)
    assert summary_totals(document) == summary_totals(text_doc) != []


def test_a_scan_whose_invisible_layer_is_another_page_s_text_is_read_by_ocr(summary_read, monkeypatch):
    """The 收支总表's scan under the invisible text of the bundle's next page (page 11, 收入总表: Chinese text, so it
    passes the character rules): a quick OCR of its longest lines cut out of the image disagrees, so the page is
    OCR'd and reads as the 收支总表 (13/13 amounts), not as the layer's table."""
    from devtools.rasterize_pdf import with_invisible_layer

    text_doc, _, seen = summary_read
    data = BUNDLE.read_bytes()
    wrong = with_invisible_layer(subset(data, [SUMMARY_PAGE]), layer=subset(data, [SUMMARY_PAGE + 1]))
    monkeypatch.setattr(pdf_ocr, "read_image", lambda image, dpi, page_no, *a: seen)
    document = parse_pdf(wrong)
    (entry,) = document.disclosure.inventory
    assert (entry.kind, entry.text_source) == ("income_expenditure_summary", "ocr:poor_invisible_layer")
    (replaced,) = [e.detail for e in document.events if e.kind == "text_layer_replaced_by_ocr"]
    assert "a quick OCR of 3 of its lines agrees at" in replaced
    scores = compare(text_doc, document)["income_expenditure_summary"]
    assert (scores.amounts_equal, scores.amounts) == (13, 13)


def test_judging_a_text_layer_by_its_characters():
    """Which characters a Chinese disclosure does not print as text, and the page verdicts they lead to."""
    assert not any(pdf_ocr.is_unreadable(ch) for ch in "上海市普陀区司法局2026年预算（元）１２ＡＢabc〇")
    assert all(pdf_ocr.is_unreadable(ch) for ch in "\ue000\ufffdÄÏß\x85")

    class Page:  # a page without images
        images, width, height = [], 595, 842

    def chars(text):
        return [{"text": ch} for ch in text]

    assert pdf_ocr.judge_text_layer(Page(), chars("一般公共预算财政拨款收入 96,282,213.44"))[0] is None
    assert pdf_ocr.judge_text_layer(Page(), chars("ÉÏº£ÊÐÆÕÍÓÇø²Æ"))[0] == "garbled_text"
    assert pdf_ocr.judge_text_layer(Page(), [{"text": "(cid:12)"}] * 3 + chars("预算"))[0] == "cid_text"
    assert pdf_ocr.judge_text_layer(Page(), chars("ÉÏ"))[0] is None  # too few characters to judge


# --- a scanned 项目支出绩效目标表 (issue 28): the project reader on an OCR'd page ---

PROJECT_SAMPLE = Path(__file__).resolve().parents[2] / "warehouse" / "samples" / "001_e8da7b277dfa638a.pdf"


def _normal(text):
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text or "").split())


@pytest.mark.slow
def test_a_scanned_project_targets_page_reads_as_its_text_layer():
    """Page 1 of the 中共广州市黄埔区委员会宣传部 项目支出绩效目标表 (sample 001), rasterized at 150 dpi with blur and JPEG
    noise, read by OCR (10–25 s): every budget line (合计, the unit, 5 projects: names and the 4 amount columns in
    万元, e.g. 合计 总计 8,777.20) and all 17 indicators (category codes, name, 实施周期 and 年度 values, NFKC) equal the
    text layer's. Two cells' first indicator lose their ``1、`` to the recogniser (the number sits against the
    cell's left rule): each is read as item 1 with an ``indicator_number_missing`` event. One 项目概况 of five differs:
    the short last line of 报刊征订经费's text (``纸杂志。``) is merged with the line above it, and a ``、`` is missed."""
    from orchestration.parsing.records import AMOUNT_FIELDS

    page = subset(PROJECT_SAMPLE.read_bytes(), [1])
    text_doc, ocr_doc = parse_pdf(page), parse_pdf(rasterize(page, dpi=150))
    assert (ocr_doc.doc_type, ocr_doc.department) == ("project_targets", "中共广州市黄埔区委员会宣传部") == (
        text_doc.doc_type, text_doc.department)

    def lines(doc):
        return [(b.line_type, b.spending_unit, b.project_name, *(getattr(b, f) for f in AMOUNT_FIELDS))
                for b in doc.budget_lines]

    def indicators(doc):
        return [(i.line_no, i.seq, i.level1_code, i.level2_code, _normal(i.indicator_name), _normal(i.period_target),
                 _normal(i.annual_target)) for i in doc.indicators]

    assert len(lines(text_doc)) == 7 and lines(ocr_doc) == lines(text_doc)
    assert text_doc.budget_lines[0].amount_total == Decimal("8777.20")
    assert len(indicators(text_doc)) == 17 and indicators(ocr_doc) == indicators(text_doc)
    missing = [e.detail for e in ocr_doc.events if e.kind == "indicator_number_missing"]
    assert len(missing) == 2 and missing[0].startswith("理论学习经费")
    goals = [(_normal(a.goal_text), _normal(b.goal_text)) for a, b in zip(text_doc.budget_lines, ocr_doc.budget_lines)
             if a.line_type == "project"]
    assert len(goals) == 5 and sum(a == b for a, b in goals) >= 4


# --- a visible text layer without a Unicode map: (cid:N), its glyphs embedded and drawn ---

CID_LINES = ["上海市普陀区司法局2026年部门预算", "一、部门主要职能", "负责全区法治政府建设的统筹协调工作。", "二、收支预算总体情况",
             "2026年收入预算96,282,213.44元，支出预算96,282,213.44元。", "三、机关运行经费", "机关运行经费财政拨款预算760.36万元。"]


@pytest.fixture(scope="module")
def cid_pdf() -> bytes:
    """A one-page 部门预算 说明 drawn with wqy-zenhei (embedded), its /ToUnicode map blanked out (same length, the
    xref holds): pdfminer reads 53 of its 126 characters as ``(cid:N)``, the page renders as written."""
    import io
    import re

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if not Path(FONT).exists():
        pytest.skip("wqy-zenhei not installed")
    pdfmetrics.registerFont(TTFont("WQY", FONT, subfontIndex=0))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(595, 842), invariant=1)
    for i, line in enumerate(CID_LINES):
        c.setFont("WQY", 16 if i == 0 else 12)
        c.drawString(72, 760 - 24 * i - (16 if i else 0), line)
    c.save()
    data = out.getvalue()
    assert data.count(b"/ToUnicode") == 1
    return re.sub(rb"/ToUnicode \d+ 0 R", lambda m: b" " * len(m.group(0)), data)


def test_a_page_of_cid_text_is_sent_to_ocr_not_refused(cid_pdf):
    """Judged ``cid_text`` and, in a text parse worker (:func:`pdf_ocr.defer_ocr`), stopped before any recognition."""
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(cid_pdf)) as pdf:
        page = pdf.pages[0]
        assert pdf_ocr.judge_text_layer(page, page.chars) == ("cid_text", "53 of 126 characters come out as '(cid:N)'")
    pdf_ocr.defer_ocr(True)
    try:
        with pytest.raises(pdf_ocr.OcrDeferred):
            parse_pdf(cid_pdf)
        assert pdf_ocr.deferred_pages() == [1]
    finally:
        pdf_ocr.defer_ocr(False)


@pytest.mark.slow
def test_a_page_of_cid_text_is_read_by_ocr_with_its_figures(cid_pdf):
    """OCR of the drawn glyphs (about 5–10 s): the 说明 loads with its department, year and its three figures."""
    document = parse_pdf(cid_pdf)
    assert (document.doc_type, document.department, document.fiscal_year) == (
        "budget_narrative", "上海市普陀区司法局", 2026)
    assert [e.text_source for e in document.disclosure.inventory] == ["ocr:cid_text"]
    figures = {(f.measure, f.fund_type): (f.amount, f.unit) for f in document.disclosure.figures}
    assert figures == {("income_total", None): (Decimal("96282213.44"), "元"),
                       ("expenditure_total", None): (Decimal("96282213.44"), "元"),
                       ("administrative_operating", "fiscal_appropriation"): (Decimal("760.36"), "万元")}
    assert [e.kind for e in document.events].count("text_layer_replaced_by_ocr") == 1
