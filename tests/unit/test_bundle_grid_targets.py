"""A national 绩效目标 grid inside a whole 部门预算 disclosure: classified by its labels
(一级指标 / 二级指标 / 三级指标) and read by the national grid reader, so its indicators
land on the document as they do when the grid is submitted alone.

None of the real bundles (``../shared/realdocs/budget-bundles``) holds such a grid: their
绩效目标 appear only as prose on the 项目经费情况说明 pages (checked with pdfplumber:
no page has 一级指标, 二级指标 or 三级指标). The bundle here is rendered: a cover, a ruled
收入预算总表 and then the real Hunan and Sichuan forms of tests/national_forms.py on pages
of their own.
"""

from __future__ import annotations

import dataclasses
import html
import io

import pytest

from orchestration.parsing import parse_document
from orchestration.parsing.tables import classify_table
from tests.national_forms import HUNAN, SICHUAN, to_pdf


def _bundle_pdf(forms, rules: str = "grid") -> bytes:
    """Cover, a 收入预算总表 and each form (lines above, grid, lines below) on new pages; ruled tables, CID font
    (``rules="horizontal"``: the forms with horizontal rules only)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cell", fontName="STSong-Light", fontSize=8, leading=10, wordWrap="CJK")
    page = landscape(A4)
    width = page[0] - 60

    def para(text):
        return Paragraph(html.escape(text), style)

    story = [para("湘潭市城市管理和综合执法局2023年部门预算"), para("目录"), PageBreak(),
             para("收入预算总表"), para("编制部门：湘潭市城市管理和综合执法局 单位：元")]
    income = Table([[para("项目"), para("预算数")], [para("财政拨款收入"), para("2,500,000.00")],
                    [para("收入总计"), para("2,500,000.00")]], colWidths=[width / 2] * 2)
    income.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story.append(income)
    for form in forms:
        texts, spans = form.grid()
        table = Table([[para(t) if t else "" for t in row] for row in texts], colWidths=[width / form.columns] * form.columns)
        lines = [("GRID", (0, 0), (-1, -1), 0.5, colors.black)] if rules == "grid" else [
            ("LINEABOVE", (0, 0), (-1, -1), 0.5, colors.black), ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.black)]
        table.setStyle(TableStyle(lines + [("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
                                  + [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in spans]))
        story += [PageBreak(), *[para(line) for line in form.above], table, *[para(line) for line in form.below]]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=page, leftMargin=30, rightMargin=30, topMargin=30, bottomMargin=30).build(story)
    return out.getvalue()


def _fields(record) -> dict:
    provenance = {"source_line", "source_page", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom", "line_no"}
    return {k: v for k, v in dataclasses.asdict(record).items() if k not in provenance}


def test_classified_by_grid_labels_whatever_the_title():
    # the label row may come after label–value rows: the rows are looked at, not only the header
    rows = [["项目名称", "雾炮车降尘抑尘服务"], ["本年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值及单位"]]
    assert classify_table("2023年项目支出绩效目标申报表", ["项目名称", "雾炮车降尘抑尘服务"], rows).kind == "performance_target_grid"
    assert classify_table(None, ["单位名称", "项目名称", "一级 指标", "二级指标", "三级指标", "指标值"]).kind == "performance_target_grid"
    assert classify_table("部门整体支出绩效目标申报表", ["一级指标", "二级指标", "三级指标"]).kind == "performance_target_grid"
    # the 部门整体绩效目标 form with 指标解释 stays with its own reader; a title alone still decides as before
    assert classify_table("部门整体绩效目标", ["一级指标", "二级指标", "三级指标", "指标解释"]).kind == "department_targets"
    assert classify_table("2024年项目支出绩效目标表", ["项目名称（资金使用单位）", "绩效指标"]).kind == "project_targets"


@pytest.mark.parametrize("form", [HUNAN, SICHUAN], ids=lambda f: f.name)
def test_grid_in_a_disclosure_is_read_like_the_grid_alone(form):
    alone = parse_document(to_pdf(form), f"{form.name}.pdf")
    bundle = parse_document(_bundle_pdf([form]), f"{form.name}-bundle.pdf")

    assert (bundle.doc_type, bundle.layout) == ("budget_disclosure", "pdf_bundle")
    kinds = {e.kind: e for e in bundle.disclosure.inventory if e.entry_type == "table"}
    assert "income_summary" in kinds
    grid_entries = [e for e in bundle.disclosure.inventory if e.kind == "performance_target_grid"]
    assert grid_entries and all(e.read and e.first_page >= 2 for e in grid_entries)
    assert len(bundle.indicators) == len(alone.indicators) == {"hunan": 7, "sichuan": 13}[form.name]
    first = bundle.indicators[0]
    assert (first.level1_name, first.level2_name, first.indicator_name, first.annual_target) == {
        "hunan": ("产出指标", "数量指标", "雾炮车降尘抑尘服务配备车辆数", "10辆"),
        "sichuan": ("效益指标", "社会效益指标", "维护社会稳定", "95"),
    }[form.name]
    assert [_fields(i) for i in bundle.indicators] == [_fields(i) for i in alone.indicators]
    assert [_fields(b) for b in bundle.budget_lines] == [_fields(b) for b in alone.budget_lines]
    (read,) = [e for e in bundle.events if e.kind == "grid_read"]
    assert f"{len(alone.indicators)} indicator(s)" in read.detail
    assert not [e for e in bundle.events if e.kind == "table_not_read" and "performance_target_grid" in e.detail]


def test_grid_ruled_with_horizontal_lines_only_in_a_disclosure():
    """The Sichuan grid with horizontal rules only, inside a disclosure: found by its header's labels and read
    like the fully ruled grid alone (13 indicators, the same budget lines)."""
    alone = parse_document(to_pdf(SICHUAN), "sichuan.pdf")
    bundle = parse_document(_bundle_pdf([SICHUAN], rules="horizontal"), "sichuan-rules-bundle.pdf")
    assert [e.kind for e in bundle.disclosure.inventory if e.entry_type == "table"] == [
        "income_summary", "performance_target_grid"]
    assert len(bundle.indicators) == 13
    assert [_fields(i) for i in bundle.indicators] == [_fields(i) for i in alone.indicators]
    assert [_fields(b) for b in bundle.budget_lines] == [_fields(b) for b in alone.budget_lines]


def test_grid_and_project_table_in_one_disclosure_keep_both():
    """A disclosure with a national grid and a 项目支出绩效目标表 (the rendered sample 000, appended with pypdfium2):
    the table's records first, the grid's after them, renumbered; nothing of either is dropped."""
    import pypdfium2

    from tests.conftest import SAMPLES_DIR

    bundle = pypdfium2.PdfDocument(_bundle_pdf([SICHUAN]))
    bundle.import_pages(pypdfium2.PdfDocument((SAMPLES_DIR / "000_26deb59209c0fd2c.pdf").read_bytes()))
    out = io.BytesIO()
    bundle.save(out)
    doc = parse_document(out.getvalue(), "bundle-with-both.pdf")
    sample = parse_document((SAMPLES_DIR / "000_26deb59209c0fd2c.pdf").read_bytes(), "000.pdf")
    grid = parse_document(to_pdf(SICHUAN), "sichuan.pdf")

    assert len(doc.budget_lines) == len(sample.budget_lines) + len(grid.budget_lines) == 50 + 4
    assert len(doc.indicators) == len(sample.indicators) + len(grid.indicators) == 271 + 13
    assert [b.line_no for b in doc.budget_lines] == list(range(1, 55))
    assert [_fields(i) for i in doc.indicators[:271]] == [_fields(i) for i in sample.indicators]
    assert [_fields(i) for i in doc.indicators[271:]] == [_fields(i) for i in grid.indicators]
    assert {i.line_no for i in doc.indicators[271:]} <= {b.line_no for b in doc.budget_lines[50:]}
    kinds = [(e.kind, e.read) for e in doc.disclosure.inventory if e.entry_type == "table"]
    assert ("performance_target_grid", True) in kinds and ("project_targets", True) in kinds
