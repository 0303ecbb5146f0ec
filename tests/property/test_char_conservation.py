"""Character conservation of the PDF table reader (:func:`orchestration.parsing.formats.pdf.conserve_chars`).

For every table part the reader finds, the non-space characters whose centre lies
in the table's region equal the characters in its cells plus those reported in
parse events (``chars_outside_cells`` / ``chars_not_extracted``, with page and
position). Checked over every PDF the tests render or the repository ships:
the sample PDFs, the national grid forms in portrait and landscape, the seeds in the
portrait, horizontal-rules-only, 6.5 pt narrow variant ``portrait-rules-ttf-narrow`` of
:data:`devtools.render_pdf.VARIANTS` (several TrueType subset fonts, title on every page,
footer ``- N / M -``; the band reader's own counts are checked there too), a grid with a cell whose text overhangs the table, and the real
部门预算 / 决算 bundles when ``shared/realdocs`` is there.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest

from orchestration.parsing.formats.pdf import read_pdf_layout
from tests.bundles import BUNDLES
from tests.national_forms import FORMS, to_pdf

REPO = Path(__file__).resolve().parents[2]
SAMPLE_PDFS = sorted((REPO / "warehouse" / "samples").glob("*.pdf"))
BUNDLE_PDFS = sorted(BUNDLES.glob("*.pdf")) if BUNDLES.is_dir() else []


def _check(data: bytes, is_header=None) -> tuple[int, int, int]:
    """Assert conservation on every table part of ``data``; returns the totals (region, in cells, reported)."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        layout = read_pdf_layout(pdf, is_header=is_header)
    totals = [0, 0, 0]
    for table in layout.tables:
        reported_in_events = sum(int(re.match(r"(\d+)", detail).group(1)) for kind, detail, _ in table.events
                                 if kind in ("chars_outside_cells", "chars_not_extracted"))
        for page, region, in_cells, reported in table.char_counts:
            assert region == in_cells + reported, (f"table {table.table_no} page {page}: {region} characters in the "
                                                   f"region, {in_cells} in cells, {reported} reported")
            totals[0] += region
            totals[1] += in_cells
            totals[2] += reported
        assert reported_in_events == sum(c[3] for c in table.char_counts)
    return tuple(totals)


@pytest.mark.parametrize("path", SAMPLE_PDFS, ids=lambda p: p.name)
def test_sample_pdfs(path):
    _check(path.read_bytes())


@pytest.mark.parametrize("name", sorted(FORMS))
@pytest.mark.parametrize("landscape_page", [True, False], ids=["landscape", "portrait"])
def test_national_forms(name, landscape_page):
    region, in_cells, reported = _check(to_pdf(FORMS[name], landscape_page=landscape_page, font_size=6.5))
    assert region > 0 and reported == 0


@pytest.mark.parametrize("rules", ["horizontal", "frame"])
@pytest.mark.parametrize("name", sorted(FORMS) + ["department-grid"])
@pytest.mark.parametrize("landscape_page", [True, False], ids=["landscape", "portrait"])
def test_national_forms_ruled_with_horizontal_lines_only(name, landscape_page, rules):
    """No vertical edge at all (or only the outer frame's): the columns come from the grid header's labels
    (formats/pdf_rules.py); every character of the region still lands in a cell."""
    from orchestration.parsing.readers.grid_labels import is_grid_header
    from tests.national_forms import DEPARTMENT_GRID

    form = DEPARTMENT_GRID if name == "department-grid" else FORMS[name]
    data = to_pdf(form, landscape_page=landscape_page, font_size=6.5, rules=rules)
    region, in_cells, reported = _check(data, is_header=is_grid_header)
    assert region > 0 and reported == 0


@pytest.mark.parametrize("seed", ["000_26deb59209c0fd2c.txt", "003_cd7a85ae5b49b932.txt"])
@pytest.mark.timeout(300)
def test_portrait_rules_only_narrow_variant(seed):
    from devtools.render_pdf import VARIANTS, render_seed
    from tests.pdf_helpers import require_cjk_ttf

    require_cjk_ttf()  # the project's one rule for the embedded TrueType CJK font
    variant = VARIANTS["portrait-rules-ttf-narrow"]  # issue #14's losing layout (footer - N / M -, subset fonts)
    seed_path = REPO / "warehouse" / "samples" / seed
    data = render_seed(seed_path, variant)
    _check(data)  # the spine's ruled-grid reader finds no grid here (horizontal rules only): nothing to lose
    # the 项目支出绩效目标表 band reader reads it: every indicator character comes back, none reported
    from orchestration.parsing import parse_document

    text_doc = parse_document(seed_path.read_bytes(), seed)
    pdf_doc = parse_document(data, seed.replace(".txt", ".pdf"))

    def fields(doc):
        return [(i.line_no, i.seq, i.level1_code, i.level1_name, i.level2_code, i.level2_name, i.indicator_name,
                 i.period_target, i.annual_target) for i in doc.indicators]

    assert fields(pdf_doc) == fields(text_doc)
    assert not [e for e in pdf_doc.events if e.kind in ("chars_outside_columns", "duplicate_glyphs_read_once",
                                                        "chars_not_conserved")]
    # the band reader's own count: characters in the table region = in cells + reported, page by page
    assert pdf_doc.char_counts and all(region == in_cells + reported and reported == 0
                                       for _, region, in_cells, reported in pdf_doc.char_counts)


def test_text_in_no_cell_is_reported_not_lost():
    """Text inside a table's box where the rules form no cell: reported with page, position and text."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(400, 300))
    # a 2 x 2 grid from x 50 to 250 whose right rule stops after row 1: the cell at the bottom
    # right has no corner there, so pdfplumber forms no cell for it although it lies in the table's box
    for y in (250, 220, 190):
        c.line(50, y, 250, y)
    for x in (50, 150):
        c.line(x, 250, x, 190)
    c.line(250, 250, 250, 220)
    c.setFont("STSong-Light", 10)
    c.drawString(60, 230, "一级指标")
    c.drawString(160, 230, "指标值")
    c.drawString(60, 200, "产出指标")
    c.drawString(160, 200, "不少于4场次")
    c.save()
    data = out.getvalue()
    region, in_cells, reported = _check(data)
    assert (region, in_cells, reported) == (len("一级指标指标值产出指标不少于4场次"), len("一级指标指标值产出指标"),
                                            len("不少于4场次"))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        (table,) = read_pdf_layout(pdf).tables
    (event,) = [e for e in table.events if e[0] == "chars_outside_cells"]
    assert "'不少于4场次'" in event[1] and event[2] == 1


@pytest.mark.parametrize("path", BUNDLE_PDFS, ids=lambda p: p.name)
def test_real_bundles(path):
    _check(path.read_bytes())
