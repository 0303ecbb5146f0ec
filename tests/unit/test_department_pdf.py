"""The 部门整体绩效目标 PDF path: seed 002 rendered as a ruled form parses to the records of its text extract.

Seed 002 is parsed by the text path, rendered back into a PDF in every variant
of ``devtools.render_department_pdf`` (real reportlab, 2–3 A4
pages), and parsed again by real pdfplumber through ``parse_document``.

What is compared: every business field of the profile, of the 4 tasks and of
the 22 indicator rows (including the normalized ``expected_target`` and the
``level1_carried`` / ``level2_carried`` flags: the merged cells of the PDF
leave exactly the blanks the text extract has). What differs, by nature:

- ``source_line``: a line of the text file vs the row's ordinal in the PDF's
  reading order; ``source_page``: ``None`` vs the page; ``raw_row``: the
  messy tab-separated line vs the PDF row's cells;
- ``repairs`` and repair events: the text extract needs ``cells_realigned``
  (drifted cells), ``header_truncated`` (``说明及公``), ``split_cell_joined``
  (a category cut by a page break), ``level1_label_in_level2_column``,
  ``label_spaces_removed`` and ``section_label_in_table``; the PDF is rendered
  from the repaired records as a clean form, so it needs only the carry-down
  of its merged cells (``merged_cell_carried_down``), the ``-`` placeholder of
  an empty 二级指标 (``placeholder_cleared``) and, where the header row is
  printed again on a continuation page, ``header_repeated``.
"""

from __future__ import annotations

import dataclasses
import io
from collections import Counter

import pdfplumber
import pytest

from devtools.render_department_pdf import (
    DEFAULT_DEPARTMENT_VARIANT,
    DEPARTMENT_VARIANTS,
    contacts_from_text,
    render_department,
)
from orchestration.parsing import ParseError, parse_document
from tests.conftest import SAMPLES_DIR
from tests.pdf_helpers import require_cjk_ttf

SEED = next(SAMPLES_DIR.glob("002_*.txt"))
VARIANT_NAMES = sorted(DEPARTMENT_VARIANTS)
#: Where and how a value was found: differs between a text line and a PDF row (see the module docstring).
PROVENANCE_FIELDS = {"source_line", "source_page", "raw_row", "repairs"}
PDF_REPAIRS = {"merged_cell_carried_down", "placeholder_cleared"}


@pytest.fixture(scope="module")
def text_doc():
    return parse_document(SEED.read_bytes(), SEED.name)


@pytest.fixture(scope="module")
def rendered(text_doc):
    """``rendered(variant) -> (pdf bytes, ParsedDocument)``, rendered and parsed once per variant."""
    cache = {}
    contacts = contacts_from_text(SEED.read_text(encoding="utf-8"))

    def get(variant: str):
        if variant not in cache:
            if DEPARTMENT_VARIANTS[variant].font == "ttf":
                require_cjk_ttf()
            data = render_department(text_doc, variant, contacts)
            cache[variant] = data, parse_document(data, f"002-{variant}.pdf")
        return cache[variant]

    return get


def _business(record) -> dict:
    return {k: v for k, v in dataclasses.asdict(record).items() if k not in PROVENANCE_FIELDS}


@pytest.mark.parametrize("variant", VARIANT_NAMES)
def test_document_facts_and_pages(rendered, text_doc, variant):
    data, doc = rendered(variant)
    assert doc.doc_type == "department_targets" and doc.layout == "department_targets_pdf"
    assert (doc.title, doc.department, doc.fiscal_year) == (text_doc.title, text_doc.department, 2023)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert doc.page_count == len(pdf.pages) >= 3
        assert len(pdf.pages[0].find_tables()) == 1  # a ruled form, not loose text
    assert doc.budget_lines == [] and doc.indicators == []


@pytest.mark.parametrize("variant", VARIANT_NAMES)
def test_profile_equals_the_text_parse(rendered, text_doc, variant):
    profile = rendered(variant)[1].department_targets.profile
    expected = text_doc.department_targets.profile
    assert _business(profile) == _business(expected)
    assert str(profile.income_total_yuan) == "28036202.00"  # 元, as printed, not 万元
    assert profile.filler_named and profile.contact_phone_given  # printed in the PDF, not stored


@pytest.mark.parametrize("variant", VARIANT_NAMES)
def test_tasks_equal_the_text_parse(rendered, text_doc, variant):
    tasks = rendered(variant)[1].department_targets.tasks
    assert [t.task_no for t in tasks] == [1, 2, 3, 4]
    assert [_business(t) for t in tasks] == [_business(t) for t in text_doc.department_targets.tasks]


@pytest.mark.parametrize("variant", VARIANT_NAMES)
def test_every_indicator_row_equals_the_text_parse(rendered, text_doc, variant):
    doc = rendered(variant)[1]
    pdf_rows = doc.department_targets.indicators
    text_rows = text_doc.department_targets.indicators
    assert len(pdf_rows) == len(text_rows) == 22
    assert Counter(r.task_no for r in pdf_rows) == {0: 7, 1: 4, 2: 6, 3: 2, 4: 3}
    for pdf_row, text_row in zip(pdf_rows, text_rows):
        assert _business(pdf_row) == _business(text_row), (text_row.task_no, text_row.seq)
        assert set(pdf_row.repairs) <= PDF_REPAIRS, pdf_row.repairs
        assert 1 <= pdf_row.source_page <= doc.page_count
        assert pdf_row.indicator_name in pdf_row.raw_row.split("\t")  # the row's cells, tab-joined


@pytest.mark.parametrize("variant", VARIANT_NAMES)
def test_merged_cells_continue_across_a_page_break(rendered, variant):
    """Each variant breaks a page inside a merged 一级/二级指标 block: the blank continuation is carried down."""
    doc = rendered(variant)[1]
    rows = doc.department_targets.indicators
    first_on_page = [b for a, b in zip(rows, rows[1:]) if b.source_page > a.source_page and a.task_no == b.task_no]
    assert any(r.level1_carried and r.level2_carried for r in first_on_page), [(r.task_no, r.seq) for r in first_on_page]
    repeated = [e for e in doc.events if e.kind == "header_repeated"]
    assert bool(repeated) == DEPARTMENT_VARIANTS[variant].repeat_header
    assert all(e.source_page > 1 for e in repeated)


def test_text_repairs_are_not_needed_by_the_clean_pdf(rendered, text_doc):
    kinds = Counter(e.kind for e in rendered(DEFAULT_DEPARTMENT_VARIANT)[1].events)
    # findings about the content (a 二级 description outside the taxonomy) are no repair: the same in both
    findings = {"indicator_category_unknown"}
    assert set(kinds) - findings <= PDF_REPAIRS | {"header_repeated"}
    assert [e.detail for e in rendered(DEFAULT_DEPARTMENT_VARIANT)[1].events if e.kind in findings] == [
        e.detail for e in text_doc.events if e.kind in findings]
    assert kinds["merged_cell_carried_down"] == Counter(e.kind for e in text_doc.events)["merged_cell_carried_down"]
    assert kinds["placeholder_cleared"] == 1


def test_shipped_sample_pdf_is_the_current_render(rendered):
    """warehouse/samples/002_*.pdf is the default variant of seed 002 (regenerate with `make samples`)."""
    shipped = SEED.with_suffix(".pdf")
    assert shipped.read_bytes() == rendered(DEFAULT_DEPARTMENT_VARIANT)[0], f"{shipped.name} is stale: run make samples"


def test_department_pdf_with_cid_text_is_quarantined_with_the_pdf_reason(rendered):
    """The same form with its CID font's Unicode map made unknown: pdfminer can only give ``(cid:N)``."""
    data = rendered(DEFAULT_DEPARTMENT_VARIANT)[0]
    assert b"/UniGB-UCS2-H" in data and b"(GB1)" in data
    broken = data.replace(b"/UniGB-UCS2-H", b"/Identity-H   ").replace(b"(GB1)", b"(XX1)")  # same length: xref stays valid
    with pytest.raises(ParseError, match=r"002\.pdf: page 1: .*come out as '\(cid:N\)'.*submit a text extract"):
        parse_document(broken, "002.pdf")


def test_scanned_department_pdf_is_quarantined_with_the_pdf_reason(rendered):
    """The form's pages as images (a scan) have no text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    data = rendered(DEFAULT_DEPARTMENT_VARIANT)[0]
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            image = page.to_image(resolution=60).original
            c.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
            c.showPage()
    c.save()
    with pytest.raises(ParseError, match=r"scan\.pdf: page 1 has no text layer.*OCR"):
        parse_document(out.getvalue(), "scan.pdf")


def test_a_repeated_header_after_a_text_page_break_continues_the_table():
    """The shared reader's rule, on a text extract: the same header after a blank line does not start a new table."""
    header = "一级指标\t二级指标\t三级指标\t指标解释\t指标说明及公式\t预期指标\t计算单位"
    text = "\n".join([
        "某区部门整体绩效目标（2024）年",
        "部门名称：某部门",
        header,
        "产出指标\t数量指标\t甲\t甲的解释\t\t10个\t",
        "",
        header,
        "\t\t乙\t乙的解释\t\t20个\t",
    ])
    doc = parse_document(text.encode(), "repeat.txt")
    rows = doc.department_targets.indicators
    assert [(r.seq, r.level1_name, r.level2_name, r.level1_carried) for r in rows] == [
        (1, "产出指标", "数量指标", False), (2, "产出指标", "数量指标", True)]
    assert [e.source_line for e in doc.events if e.kind == "header_repeated"] == [6]
