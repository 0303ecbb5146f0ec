"""Character conservation of the 项目支出绩效目标表 PDF reader (the band/rules reader of
:mod:`orchestration.parsing.pdf_tables`, step 10 of its module docstring).

On every page of the table, the non-space characters whose vertical centre lies in the
table's region (header rule to last rule) equal the characters of the cell texts read plus
those reported in parse events with page and position. Checked on every seed rendered in
every :data:`devtools.render_pdf.VARIANTS` variant, among them issue #14's losing layout
(``portrait-rules-ttf-narrow``: portrait, horizontal rules only, 6.5 pt text in narrow
columns, the TrueType font split into several subset fonts, title on every page, footer
``- N / M -``), and on a hand-drawn table with a column the reader does not know and a
fake-bold overprint, where characters must be reported rather than lost.
"""

from __future__ import annotations

import io
import re

import pdfplumber
import pytest

from devtools.render_pdf import VARIANTS, render_document
from orchestration.parsing import parse_document
from tests.conftest import PROJECT_TARGET_SEEDS
from tests.pdf_helpers import require_cjk_ttf

SEED_IDS = [p.name[:3] for p in PROJECT_TARGET_SEEDS]
NARROW = "portrait-rules-ttf-narrow"


@pytest.fixture(scope="module")
def rendered():
    """``rendered(prefix, variant) -> (text document, pdf bytes, pdf document)``, cached."""
    cache: dict = {}

    def get(prefix: str, variant: str):
        if (prefix, variant) not in cache:
            if VARIANTS[variant].font == "ttf":
                require_cjk_ttf()
            seed = next(p for p in PROJECT_TARGET_SEEDS if p.name.startswith(prefix))
            text_doc = parse_document(seed.read_bytes(), seed.name)
            data = render_document(text_doc, variant)
            cache[prefix, variant] = text_doc, data, parse_document(data, f"{prefix}-{variant}.pdf")
        return cache[prefix, variant]

    return get


def _non_space_chars_between_rules(data: bytes) -> int:
    """Independent count: non-space characters of each page between its first and last horizontal rule
    (the renderer draws nothing but the table there: title above, footer below)."""
    total = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            tops = sorted(e["top"] for e in page.horizontal_edges)
            total += sum(1 for c in page.chars if c["text"].strip()
                         and tops[0] <= (c["top"] + c["bottom"]) / 2 < tops[-1])
    return total


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("prefix", SEED_IDS)
def test_every_character_of_the_table_ends_in_a_cell(prefix, variant, rendered):
    _, data, doc = rendered(prefix, variant)
    assert doc.layout == "pdf_table"
    assert [page for page, *_ in doc.char_counts] == list(range(1, doc.page_count + 1))
    for page, region, in_cells, reported in doc.char_counts:
        assert region > 0
        assert region == in_cells + reported, (page, region, in_cells, reported)
    # the renderer's tables lose nothing and need no report: every character is in a cell
    assert sum(c[3] for c in doc.char_counts) == 0
    assert sum(c[1] for c in doc.char_counts) == _non_space_chars_between_rules(data)
    assert not [e for e in doc.events if e.kind in ("chars_outside_columns", "duplicate_glyphs_read_once",
                                                    "chars_not_conserved")]


def test_losing_variant_is_the_layout_of_the_issue(rendered):
    """The variant has what issue #14's PDF had: several subset fonts, 6.5 pt, portrait, no vertical rules,
    the title block and the ``- N / M -`` footer on every page."""
    text_doc, data, doc = rendered("000", NARROW)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        fonts = {c["fontname"] for page in pdf.pages for c in page.chars}
        assert len(fonts) >= 3 and all(name.split("+")[1] == "WenQuanYiZenHei-0" for name in fonts)
        assert {round(c["size"], 1) for page in pdf.pages for c in page.chars} >= {6.5}
        pages = len(pdf.pages)
        for page_no, page in enumerate(pdf.pages, start=1):
            assert page.width < page.height and not page.vertical_edges
            text = page.extract_text()
            assert text.startswith(text_doc.title)
            assert text.rstrip().endswith(f"- {page_no} / {pages} -")
    assert pages == doc.page_count == 8
    # the two indicators issue #14 saw damaged come back whole
    names = {(i.level2_code, i.level2_name) for i in doc.indicators}
    assert ("22", "社会效益") in names


@pytest.mark.parametrize("prefix", SEED_IDS)
def test_losing_variant_records_equal_text_records(prefix, rendered):
    """Budget lines and indicators of the narrow variant equal the text seed's, field by field (provenance aside)."""
    text_doc, _, doc = rendered(prefix, NARROW)
    provenance = {"source_line", "source_page", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom", "amount_columns_rule"}

    def fields(record):
        return {k: v for k, v in vars(record).items() if k not in provenance}

    assert (doc.title, doc.department, doc.fiscal_year) == (text_doc.title, text_doc.department, text_doc.fiscal_year)
    assert [fields(b) for b in doc.budget_lines] == [fields(b) for b in text_doc.budget_lines]
    assert [fields(i) for i in doc.indicators] == [fields(i) for i in text_doc.indicators]
    assert len(doc.indicators) == {"000": 271, "001": 121, "003": 161, "004": 273}[prefix]


def _hand_drawn_table() -> bytes:
    """A ruled 项目支出绩效目标表 with an eighth column 备注 the reader does not read, and 合计 printed twice
    at the same place (fake bold)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(842, 595), invariant=1)
    c.setFont("STSong-Light", 8)
    c.drawString(300, 560, "2024年项目支出绩效目标表")
    c.drawString(40, 540, "部门名称：某某局")
    labels = ["项目名称", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标", "备注"]
    xs = [40, 160, 220, 280, 350, 410, 470, 740]
    for y in (530, 510, 490, 470):
        c.line(40, y, 820, y)
    for x in (*xs, 820):
        c.line(x, 530, x, 470)
    for x, label in zip(xs, labels):
        c.drawString(x + 3, 517, label)
    for _ in range(2):
        c.drawString(43, 497, "合计")
    c.drawString(165, 497, "10.00")
    c.drawString(225, 497, "10.00")
    c.drawString(55, 477, "某项目")
    c.drawString(165, 477, "10.00")
    c.drawString(225, 477, "10.00")
    c.drawString(413, 477, "完成任务")
    c.drawString(473, 477, "1、1-产出指标；11-数量指标；场次；年度指标值:4场。")
    c.drawString(743, 477, "另有说明")
    c.save()
    return out.getvalue()


def test_characters_in_no_read_column_are_reported_with_page_and_position():
    doc = parse_document(_hand_drawn_table(), "hand-drawn.pdf")
    ((page, region, in_cells, reported),) = doc.char_counts
    header = "".join(["项目名称", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标", "备注"])
    body = "合计合计10.0010.00某项目10.0010.00完成任务1、1-产出指标；11-数量指标；场次；年度指标值:4场。另有说明"
    assert (page, region) == (1, len(header) + len(body))
    assert reported == len("另有说明") + len("合计")
    assert region == in_cells + reported
    (outside,) = [e for e in doc.events if e.kind == "chars_outside_columns"]
    assert outside.source_page == 1 and "'另有说明'" in outside.detail and re.search(r"x \d+, y \d+", outside.detail)
    (overprint,) = [e for e in doc.events if e.kind == "duplicate_glyphs_read_once"]
    assert "'合计'" in overprint.detail
    assert [b.project_name for b in doc.budget_lines if b.line_type == "project"] == ["某项目"]
    assert [(i.indicator_name, i.annual_target) for i in doc.indicators] == [("场次", "4场")]
