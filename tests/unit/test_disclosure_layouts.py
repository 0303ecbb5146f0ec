"""The spine on a disclosure drawn by another producer (reportlab, not WPS/ONLYOFFICE).

Other places print the same tables differently: titles spelled otherwise
(部门收支总表, 部门支出总表), the function code in the name cell (``204 06 01 行政运行``),
amounts in 万元, two tables on one page, a table continued on the next page with its
header printed again, a running head above every page. Nothing here depends on the
Shanghai files' coordinates, page order or spelling.
"""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest

from orchestration.parsing import ParseError, parse_document
from orchestration.parsing.tables import STANDARD_KINDS


def _pdf(pages: list[list]) -> bytes:
    """Render pages; each page is a list of ('text', str) or ('table', rows, col_widths) flowables."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=10, leading=14)
    story = []
    for n, page in enumerate(pages):
        if n:
            story.append(PageBreak())
        for item in page:
            if item[0] == "text":
                story.append(Paragraph(item[1], style))
            else:
                table = Table(item[1], colWidths=item[2])
                table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 9),
                                           ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]
                                          + list(item[3] if len(item) > 3 else [])))
                story.append(table)
                story.append(Spacer(1, 12))
    buffer = io.BytesIO()

    def running_head(canvas, doc):
        canvas.setFont("STSong-Light", 8)
        canvas.drawString(40, landscape(A4)[1] - 20, "某省某县2025年部门预算公开")

    SimpleDocTemplate(buffer, pagesize=landscape(A4), invariant=1).build(
        story, onFirstPage=running_head, onLaterPages=running_head)
    return buffer.getvalue()


HEADER = [["科目编码及名称", "合计", "基本支出", "项目支出"]]
ROWS = [
    ["204 公共安全支出", "1,200.50", "200.50", "1,000.00"],
    ["204 06 司法", "1,200.50", "200.50", "1,000.00"],
    ["204 06 01 行政运行", "200.50", "200.50", "0.00"],
    ["204 06 99 其他司法支出", "1,000.00", "", "1,000.00"],
]


def _disclosure() -> bytes:
    many = [[f"208 05 {k:02d} 养老支出{k}", "1.00", "1.00", "0.00"] for k in range(1, 21)]
    return _pdf([
        [("text", "某县司法局2025年部门预算"), ("text", "第一部分 部门概况：本部门主要职能是……")],
        [("text", "部门收支总表"), ("text", "部门：某县司法局　　单位：万元"),
         ("table", [["收入", "", "支出", ""], ["项目", "预算数", "项目", "预算数"],
                    ["一、一般公共预算拨款", "1,230.50", "一、公共安全支出", "1,200.50"],
                    ["二、其他收入", "0.00", "二、社会保障和就业支出", "30.00"],
                    ["收入总计", "1,230.50", "支出总计", "1,230.50"]], [170, 80, 170, 80],
          [("SPAN", (0, 0), (1, 0)), ("SPAN", (2, 0), (3, 0))]),
         ("text", "部门支出总表"), ("text", "单位：万元"),
         ("table", HEADER + ROWS + many[:6], [220, 90, 90, 90])],
        [("table", HEADER + many[6:] + [["合计", "1,230.50", "230.50", "1,000.00"]], [220, 90, 90, 90])],
        [("text", "二、名词解释"), ("text", "基本支出：指为保障机构正常运转……")],
    ])


def test_another_producers_disclosure_is_read_by_words_not_positions():
    doc = parse_document(_disclosure(), "other.pdf")
    x = doc.disclosure
    assert (doc.doc_type, doc.layout, doc.page_count) == ("budget_disclosure", "pdf_bundle", 4)
    tables = [e for e in x.inventory if e.entry_type == "table"]
    assert [(e.kind, e.title, e.unit, e.first_page, e.last_page) for e in tables] == [
        ("income_expenditure_summary", "部门收支总表", "万元", 2, 2),
        ("expenditure_summary", "部门支出总表", "万元", 2, 3),  # two tables on p2; continued on p3
    ]
    assert [e.first_page for e in x.inventory if e.entry_type == "narrative"] == [1, 4]
    assert any(ev.kind == "header_repeated" and ev.source_page == 3 for ev in doc.events)
    rows = {(r.table_no, r.code or r.name): r for r in x.rows}
    amounts = {(a.table_no, a.row_no, a.column_role): a.amount for a in x.amounts}

    def value(table_no, key, role):
        return amounts.get((table_no, rows[(table_no, key)].row_no, role))

    # 收支总表: two sides; totals are totals
    assert rows[(1, "收入总计")].row_kind == "total" and rows[(1, "支出总计")].side_no == 2
    assert value(1, "收入总计", "amount") == D("1230.50") == value(1, "支出总计", "amount")
    # 支出总表: codes printed in the name cell, split into 类/款/项
    r = rows[(2, "2040601")]
    assert (r.class_code, r.section_code, r.item_code, r.name) == ("204", "06", "01", "行政运行")
    assert (value(2, "2040699", "total"), value(2, "2040699", "basic"), value(2, "2040699", "project")) == (
        D("1000.00"), None, D("1000.00"))  # an empty cell stays empty, not zero
    assert value(2, "2080520", "total") == D("1.00")  # the last row of the continuation page
    assert value(2, "合计", "basic") == D("230.50")
    assert len([r for r in x.rows if r.table_no == 2 and r.code and len(r.code) == 7]) == 22
    # only two of the nine standard tables: a finding for the completeness report, not an error
    found = {e.kind for e in tables}
    assert found < {k.split(":")[0] for k in STANDARD_KINDS}


def test_a_pdf_of_prose_only_is_not_a_table_document():
    data = _pdf([[("text", "某市2024年国民经济和社会发展统计公报")], [("text", "全年地区生产总值增长5%。")]])
    with pytest.raises(ParseError, match=r"no other ruled table found on any of the 2 pages \(2 pages of text only\)"):
        parse_document(data, "bulletin.pdf")


def test_a_document_with_tables_of_no_known_kind_is_registered_with_its_inventory():
    data = _pdf([[("text", "会议日程表"), ("table", [["时间", "议程"], ["9:00", "开幕"], ["10:00", "讨论"]], [100, 200])]])
    doc = parse_document(data, "agenda.pdf")
    assert doc.disclosure is not None and not doc.disclosure.has_amounts and not doc.disclosure.is_template
    (entry,) = [e for e in doc.disclosure.inventory if e.entry_type == "table"]
    assert (entry.kind, entry.title, entry.first_page, entry.read) == ("unknown", "会议日程表", 1, False)
    (unread,) = [ev for ev in doc.events if ev.kind == "table_not_read"]
    assert "10:00\t讨论" in unread.detail


def test_a_contents_page_naming_the_project_form_does_not_hide_the_tables():
    data = _pdf([
        [("text", "目录"), ("text", "一、部门收支总表"), ("text", "二、项目支出绩效目标表")],
        [("text", "部门收支总表"), ("text", "单位：元"),
         ("table", [["收入", "", "支出", ""], ["项目", "预算数", "项目", "预算数"],
                    ["收入总计", "100.00", "支出总计", "100.00"]], [170, 80, 170, 80])],
    ])
    doc = parse_document(data, "toc.pdf")
    assert doc.doc_type == "budget_disclosure"
    (entry,) = [e for e in doc.disclosure.inventory if e.entry_type == "table"]
    assert (entry.kind, entry.unit, entry.first_page, entry.amount_count) == ("income_expenditure_summary", "元", 2, 2)


def test_a_project_targets_table_inside_a_bundle_loads_as_it_does_alone():
    import dataclasses

    import pypdfium2 as pdfium

    from tests.conftest import SAMPLES_DIR

    alone_bytes = (SAMPLES_DIR / "000_26deb59209c0fd2c.pdf").read_bytes()
    cover = _pdf([
        [("text", "某县宣传部2024年部门预算"), ("text", "第一部分 部门概况")],
        [("text", "部门收支总表"), ("text", "单位：万元"),
         ("table", [["收入", "", "支出", ""], ["项目", "预算数", "项目", "预算数"],
                    ["收入总计", "2,541.82", "支出总计", "2,541.82"]], [170, 80, 170, 80])],
    ])
    bundle = pdfium.PdfDocument.new()
    for part in (cover, alone_bytes):
        bundle.import_pages(pdfium.PdfDocument(part))
    out = io.BytesIO()
    bundle.save(out)

    alone = parse_document(alone_bytes, "alone.pdf")
    inside = parse_document(out.getvalue(), "bundle.pdf")
    assert inside.doc_type == "budget_disclosure"
    kinds = [(e.kind, e.first_page, e.read) for e in inside.disclosure.inventory if e.entry_type == "table"]
    assert kinds[0] == ("income_expenditure_summary", 2, True)
    # the form's 12 pages follow the 2-page cover: one titled table on p3-12 and two untitled parts
    # (p13, p14) whose column grid differs, read as its continuation
    targets = [e for e in inside.disclosure.inventory if e.kind == "project_targets"]
    assert [(e.first_page, e.last_page, e.read) for e in targets] == [(3, 12, True), (13, 13, True), (14, 14, True)]

    def without_pages(records):
        return [{k: v for k, v in dataclasses.asdict(r).items() if k != "source_page"} for r in records]

    assert len(alone.budget_lines) == 1 + 6 + 43 and len(alone.indicators) == 271  # README: 6 units, 43 projects
    assert without_pages(inside.budget_lines) == without_pages(alone.budget_lines)
    assert without_pages(inside.indicators) == without_pages(alone.indicators)
    assert [b.source_page for b in inside.budget_lines] == [p + 2 for p in (b.source_page for b in alone.budget_lines)]
    assert not any(ev.kind == "table_not_read" for ev in inside.events)
