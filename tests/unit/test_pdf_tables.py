"""The PDF path: rendered seeds parse to the same records as their text extracts.

Each project-target seed is parsed by the text path, rendered back into a
PDF in every variant of ``devtools.render_pdf`` (once per
session, into tmp), and parsed again by ``orchestration.parsing.pdf_document``.
"""

from __future__ import annotations

import dataclasses
import io

import pdfplumber
import pytest

from devtools.render_pdf import DEFAULT_VARIANT, VARIANTS
from orchestration.parsing import ParseError, parse_document
from orchestration.parsing.text_common import format_amount
from tests.conftest import PROJECT_TARGET_SEEDS, SAMPLES_DIR
from tests.pdf_helpers import cid_without_unicode_pdf, image_only_pdf, rendered_seed

#: Fields that say *where* a value was found, or *how* its column was decided:
#: they differ between a text extract and a PDF by nature (line numbers vs
#: page + bbox; amounts decided from the printed numbers vs read from exact
#: cell positions, rule ``pdf_cells``). Every other field must be equal.
PROVENANCE_FIELDS = {"source_line", "source_page", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom",
                     "amount_columns_rule"}
SEED_IDS = [p.name[:3] for p in PROJECT_TARGET_SEEDS]


@pytest.fixture(scope="session")
def text_docs():
    """Text-path parse of each project-target seed, by prefix."""
    return {p.name[:3]: parse_document(p.read_bytes(), p.name) for p in PROJECT_TARGET_SEEDS}


@pytest.fixture(scope="session")
def rendered(text_docs, tmp_path_factory):
    """Lazily rendered and parsed PDFs: ``rendered(prefix, variant) -> (pdf bytes, ParsedDocument)``."""
    folder = tmp_path_factory.mktemp("rendered_pdfs")
    cache: dict[tuple[str, str], tuple[bytes, object]] = {}

    def get(prefix: str, variant: str):
        if (prefix, variant) not in cache:
            # rendered from the seed's text parse and parsed back once per session (shared with
            # test_char_conservation); the text parse equals text_docs[prefix]
            _, data, doc = rendered_seed(prefix, variant)
            path = folder / f"{prefix}-{variant}.pdf"
            path.write_bytes(data)
            cache[prefix, variant] = data, doc
        return cache[prefix, variant]

    return get


def _fields(record) -> dict:
    return {k: v for k, v in dataclasses.asdict(record).items() if k not in PROVENANCE_FIELDS}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("prefix", SEED_IDS)
def test_pdf_records_equal_text_records(prefix, variant, text_docs, rendered):
    text = text_docs[prefix]
    _, pdf = rendered(prefix, variant)

    assert (pdf.doc_type, pdf.layout) == ("project_targets", "pdf_table")
    assert (pdf.title, pdf.department, pdf.fiscal_year) == (text.title, text.department, text.fiscal_year)
    assert pdf.page_count and pdf.page_count > 1
    assert len(pdf.budget_lines) == len(text.budget_lines)
    assert len(pdf.indicators) == len(text.indicators)
    for from_text, from_pdf in zip(text.budget_lines, pdf.budget_lines):
        assert _fields(from_pdf) == _fields(from_text)
        assert from_pdf.amount_columns_rule == "pdf_cells"
    for from_text, from_pdf in zip(text.indicators, pdf.indicators):
        assert _fields(from_pdf) == _fields(from_text)
    # amounts reconcile exactly as in the text (seed 003's source differences included)
    differences = [e.detail for e in pdf.events if e.kind == "reconciliation_difference"]
    assert differences == [e.detail for e in text.events if e.kind == "reconciliation_difference"]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_rows_split_across_pages_are_merged(variant, rendered):
    """Every seed has rows continued on the next page; some continue only the 绩效指标 cell."""
    continued = [e.detail for prefix in SEED_IDS for e in rendered(prefix, variant)[1].events
                 if e.kind == "pdf_row_continued"]
    assert len(continued) >= len(SEED_IDS)
    assert any(d.endswith("(continued cells: indicators)") for d in continued)  # goal cell empty, not continued
    assert any("goal, indicators" in d for d in continued)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_provenance_points_at_the_numbers(variant, rendered):
    """Each budget line's bbox on its page holds its 总计; each indicator's bbox starts with its text."""
    data, doc = rendered("004", variant)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for line in doc.budget_lines:
            assert 1 <= line.source_page <= doc.page_count
            page = pdf.pages[line.source_page - 1]
            box = page.crop((line.bbox_x0, line.bbox_top, line.bbox_x1, line.bbox_bottom))
            assert format_amount(line.amount_total) in box.extract_text(), line
        for indicator in doc.indicators:
            assert indicator.source_line is None and 1 <= indicator.source_page <= doc.page_count
            page = pdf.pages[indicator.source_page - 1]
            box = page.crop((indicator.bbox_x0 - 0.5, indicator.bbox_top - 0.5, indicator.bbox_x1 + 0.5,
                             indicator.bbox_bottom + 0.5))
            # the bbox is the union of the text lines the indicator occupies on its first page
            assert indicator.raw_text[0] in box.extract_text(), indicator


def test_shipped_sample_pdfs_are_current_renders(rendered):
    """warehouse/samples/*.pdf are the default variant of their seeds (regenerate with `make samples`)."""
    for prefix in SEED_IDS:
        shipped = next(SAMPLES_DIR.glob(f"{prefix}_*.pdf"))
        assert shipped.read_bytes() == rendered(prefix, DEFAULT_VARIANT)[0], f"{shipped.name} is stale: run make samples"
        assert shipped.stat().st_size < 300_000


def test_cid_text_is_quarantined_with_a_reason():
    with pytest.raises(ParseError) as caught:
        parse_document(cid_without_unicode_pdf(), "no-unicode.pdf")
    message = str(caught.value)
    assert message.startswith("no-unicode.pdf: page 1: 6 of 6 characters come out as '(cid:N)'")
    assert "without a Unicode map" in message and "text extract" in message


def test_scanned_pdf_is_quarantined_with_a_reason():
    with pytest.raises(ParseError) as caught:
        parse_document(image_only_pdf(), "scan.pdf")
    message = str(caught.value)
    assert message.startswith("scan.pdf: page 1 has no text layer")
    assert "OCR" in message and "text extract" in message


def test_pdf_without_the_table_is_a_parse_error():
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, invariant=1)
    c.drawString(72, 720, "Hello, no table here")
    c.save()
    with pytest.raises(ParseError, match=r"^t\.pdf: no table with the column header 项目名称"):
        parse_document(buffer.getvalue(), "t.pdf")
