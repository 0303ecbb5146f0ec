"""Character conservation of the 项目支出绩效目标表 PDF reader (the band/rules reader of
:mod:`orchestration.parsing.readers.project_targets_pdf`, step 10 of its module docstring).

On every page of the table, the non-space characters whose vertical centre lies in the
table's region (header rule to last rule) equal the characters of the cell texts read plus
those reported in parse events with page and position. Checked on every seed rendered in
every :data:`devtools.render_pdf.VARIANTS` variant, among them issue #14's losing layout
(``portrait-rules-ttf-narrow``: portrait, horizontal rules only, 6.5 pt text in narrow
columns, the TrueType font split into several subset fonts, title on every page, footer
``- N / M -``) and issue #25's (``portrait-rules-ttf-flush``: the same, but cells without padding and
justified 绩效目标 / 绩效指标 lines, so the goal column's text touches the indicator column's), and on a
hand-drawn table with a column the reader does not know and a
fake-bold overprint, where characters must be reported rather than lost.
"""

from __future__ import annotations

import bisect
import io
import re
from decimal import Decimal

import pdfplumber
import pytest

from devtools.pdf_canvas import column_edges
from devtools.render_pdf import VARIANTS
from orchestration.parsing import parse_document
from orchestration.parsing.formats.pdf_columns import ColumnBands, conserve_columns
from orchestration.parsing.readers.project_targets_pdf import REQUIRED_KEYS
from tests.conftest import PROJECT_TARGET_SEEDS
from tests.pdf_helpers import rendered_seed

SEED_IDS = [p.name[:3] for p in PROJECT_TARGET_SEEDS]
NARROW = "portrait-rules-ttf-narrow"
FLUSH = "portrait-rules-ttf-flush"
#: The header labels as the renderer prints them (wrapped labels joined).
LABELS = ["项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标"]


@pytest.fixture(scope="module")
def rendered():
    """``rendered(prefix, variant) -> (text document, pdf bytes, pdf document)``, rendered and parsed once per
    session (``tests/pdf_helpers.rendered_seed``, shared with test_pdf_tables)."""
    return rendered_seed


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
                                                    "chars_not_conserved", "column_chars_not_conserved",
                                                    "pdf_column_boundary_guessed")]
    # per column too: seven columns on every page, each balancing, together the page's count
    by_page: dict[int, list[tuple]] = {}
    for page, label, region, in_cells, reported in doc.column_char_counts:
        assert region == in_cells + reported, (page, label, region, in_cells, reported)
        by_page.setdefault(page, []).append((label, region))
    assert {page: sum(r for _, r in cols) for page, cols in by_page.items()} == {p: r for p, r, *_ in doc.char_counts}
    assert all(len(cols) == 7 and cols[0][0].startswith("项目名称") and cols[-1][0] == "绩效指标"
               for cols in by_page.values())


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


@pytest.mark.parametrize("variant", [NARROW, FLUSH])
@pytest.mark.parametrize("prefix", SEED_IDS)
def test_losing_variant_records_equal_text_records(prefix, variant, rendered):
    """Budget lines and indicators of the losing variants equal the text seed's, field by field (provenance aside)."""
    text_doc, _, doc = rendered(prefix, variant)
    provenance = {"source_line", "source_page", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom", "amount_columns_rule"}

    def fields(record):
        return {k: v for k, v in vars(record).items() if k not in provenance}

    assert (doc.title, doc.department, doc.fiscal_year) == (text_doc.title, text_doc.department, text_doc.fiscal_year)
    assert [fields(b) for b in doc.budget_lines] == [fields(b) for b in text_doc.budget_lines]
    assert [fields(i) for i in doc.indicators] == [fields(i) for i in text_doc.indicators]
    assert len(doc.indicators) == {"000": 271, "001": 121, "003": 161, "004": 273}[prefix]


def _column_counts_of_page(page, edges: list[float]) -> tuple[list[int], list[int]]:
    """Independent count, from the renderer's own column edges: non-space characters whose centre lies in each
    column, in the header row and in the rows below it (between the page's first and last rule)."""
    tops = sorted({round(e["top"], 1) for e in page.horizontal_edges})
    header, body = [0] * (len(edges) - 1), [0] * (len(edges) - 1)
    for c in page.chars:
        middle, centre = (c["top"] + c["bottom"]) / 2, (c["x0"] + c["x1"]) / 2
        if not c["text"].strip() or not tops[0] <= middle < tops[-1]:
            continue
        column = min(max(bisect.bisect_right(edges, centre) - 1, 0), len(edges) - 2)
        (header if middle < tops[1] else body)[column] += 1
    return header, body


def test_each_column_keeps_the_characters_of_its_band(rendered):
    """Issue #25: in the flush layout (the goal column's text runs up to where the indicator column's begins,
    no empty strip between them) every character is read into the column whose band holds its centre.

    Counted against the renderer's column edges, page by page and column by column: the goal texts and the
    indicator texts of the records hold exactly the characters drawn in their columns (the first characters of
    wrapped 绩效指标 lines, ``22-``, ``标值``, ``定性``, are not moved into the 绩效目标 cell), and the reader's own
    per-column counts (``ParsedDocument.column_char_counts``) are the same numbers."""
    text_doc, data, doc = rendered("004", FLUSH)
    edges = column_edges(VARIANTS[FLUSH])
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [_column_counts_of_page(page, edges) for page in pdf.pages]
        assert not any(page.vertical_edges for page in pdf.pages)
    goal_drawn = sum(body[5] for _, body in pages)
    indicators_drawn = sum(body[6] for _, body in pages)
    goal_read = sum(_non_space(b.goal_text or "") for b in doc.budget_lines)
    indicators_read = sum(_non_space(i.raw_text) for i in doc.indicators)
    assert (goal_read, indicators_read) == (goal_drawn, indicators_drawn)
    assert (goal_read, indicators_read) == (sum(_non_space(b.goal_text or "") for b in text_doc.budget_lines),
                                            sum(_non_space(i.raw_text) for i in text_doc.indicators))
    expected = [(page_no, label, header[k] + body[k], header[k] + body[k], 0)
                for page_no, (header, body) in enumerate(pages, start=1) for k, label in enumerate(LABELS)]
    assert doc.column_char_counts == expected
    assert not [e for e in doc.events if e.kind in ("column_chars_not_conserved", "chars_not_conserved",
                                                    "pdf_column_boundary_guessed")]
    assert sum(1 for i in doc.indicators if i.level2_code is None) == 0


def _non_space(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def test_a_reading_by_word_start_is_caught_per_column(rendered):
    """The per-column check (:func:`conserve_columns`) catches what the page total cannot: page 1 of the flush
    layout read the way a word-based reader would, each pdfplumber word put whole into the column where it starts.
    The goal text touches the indicator text, so the first characters of wrapped 绩效指标 lines join the last word
    of the 绩效目标 line beside them: the page total still balances, the 绩效目标 and 绩效指标 columns do not."""
    _, data, _ = rendered("004", FLUSH)
    edges = column_edges(VARIANTS[FLUSH])
    columns = ColumnBands(list(REQUIRED_KEYS), edges[1:-1], LABELS, edges[0], edges[-1])
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        tops = sorted({round(e["top"], 1) for e in page.horizontal_edges})
        table = page.crop((0, tops[0], page.width, tops[-1]))
        region = [c for c in table.chars if c["text"].strip()]
        held: list[list[dict]] = [[] for _ in LABELS]
        for word in table.extract_words(use_text_flow=False, return_chars=True):
            held[columns.index(word["x0"])] += word["chars"]
    read = [sum(1 for c in cs if c["text"].strip()) for cs in held]
    assert sum(read) == len(region)  # every character is in *a* cell: the page total balances
    events: list = []
    counts = conserve_columns(1, columns, region, held, read, [], events)
    by_label = {label: (in_band, in_cells) for _, label, in_band, in_cells, _ in counts}
    goal_band, goal_cells = by_label["绩效目标"]
    indicator_band, indicator_cells = by_label["绩效指标"]
    assert goal_cells > goal_band and indicator_cells < indicator_band
    assert goal_cells - goal_band == indicator_band - indicator_cells
    (event,) = [e for e in events if "绩效目标" in e.detail]
    assert event.kind == "column_chars_not_conserved" and event.source_page == 1
    assert re.search(rf"column 绩效目标 \(x {edges[5]:.0f}–{edges[6]:.0f}\): {goal_band} character\(s\) in its band, "
                     rf"{goal_cells} in its cells and 0 reported \({goal_band - goal_cells:+d}\); its cells hold "
                     rf"{goal_cells - goal_band} character\(s\) of other columns' bands", event.detail)
    # the characters named are the first ones of wrapped 绩效指标 lines, e.g. a level-2 code
    moved = re.search(r"bands \(first at x \d+, y \d+\): '(.*)'$", event.detail).group(1)
    assert re.search(r"\d\d-", moved) or "标值" in moved


def _left_aligned_rules_only_table() -> bytes:
    """A rules-only 项目支出绩效目标表 whose header labels and cells are printed at the left of their cells (not
    centred), so the header cannot give the cell edges: the reader must fall back to the body text's gaps and say so."""
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
    xs = [40, 160, 220, 280, 350, 410, 520]
    for y in (530, 510, 490, 470):
        c.line(40, y, 800, y)
    for x, label in zip(xs, ["项目名称", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标"]):
        c.drawString(x + 3, 517, label)
    for y, name, x in ((497, "合计", 43), (477, "某项目", 55)):
        c.drawString(x, y, name)
        c.drawString(163, y, "10.00")
        c.drawString(223, y, "10.00")
    c.drawString(413, 477, "完成任务")
    c.drawString(523, 477, "1、1-产出指标；11-数量指标；场次；年度指标值:4场。")
    c.save()
    return out.getvalue()


def test_boundaries_guessed_from_gaps_are_reported():
    """Last resort: labels neither centred nor separated by vertical rules; every boundary comes from the empty
    strip between the columns' texts, and each guess is a ``pdf_column_boundary_guessed`` event."""
    doc = parse_document(_left_aligned_rules_only_table(), "left-aligned.pdf")
    guessed = [e.detail for e in doc.events if e.kind == "pdf_column_boundary_guessed"]
    assert len(guessed) == 6 and all(d.startswith("page 1: no vertical rule between ") for d in guessed)
    assert "between 绩效目标 and 绩效指标" in guessed[-1] and "the middle of the empty strip" in guessed[-1]
    assert [(b.line_type, b.project_name, b.amount_total, b.goal_text) for b in doc.budget_lines] == [
        ("department_total", None, Decimal("10.00"), None), ("project", "某项目", Decimal("10.00"), "完成任务")]
    assert [(i.level2_code, i.indicator_name, i.annual_target) for i in doc.indicators] == [("11", "场次", "4场")]
    assert all(region == in_cells + reported for _, _, region, in_cells, reported in doc.column_char_counts)


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
