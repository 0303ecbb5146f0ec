"""The “三公”经费 tables of every province folder of ../shared/realdocs, read by meaning.

Every number here was read off the page with pdfplumber (``page.extract_text()``), not copied from
the parser's output. Each test reads only the page of the table (the other pages are stand-ins
without text, so page numbers stay those of the file) through the spine
(``formats.pdf.read_pdf_layout`` → ``spine.read_disclosure`` → ``readers.three_public``), and shows
the table's own arithmetic on what was read: 合计 = 因公出国 + 公务用车 + 公务接待, 公务用车 = 购置 + 运行,
the table's 合计 = 三公 + 会议费 + 培训费 (Jiangsu), Σ units = the 合计 row (杭州 / 湖州), Σ funds = 合计 (广州 / 珠海).
"""

from __future__ import annotations

import types
from decimal import Decimal as D

import pdfplumber
import pytest

from orchestration.parsing.formats.pdf import read_pdf_layout
from orchestration.parsing.readers.grid_labels import is_grid_header
from orchestration.parsing.readers.three_public import fund_of, is_total, item_of, measure_of
from orchestration.parsing.spine import read_disclosure
from tests.bundles import REALDOCS

K = "three_public_expenses"


class _BlankPage:
    """A page without text or rules: stands for the pages a test does not need."""

    chars: list = []
    rects: list = []
    lines: list = []
    curves: list = []

    def close(self) -> None:
        pass


def read_page(relative: str, page_no: int):
    """The disclosure read from one page of a real PDF (its page number kept)."""
    path = REALDOCS / relative
    if not path.is_file():
        pytest.skip(f"real document {path} not found")
    with pdfplumber.open(path) as pdf:
        pages = [pdf.pages[i] if i == page_no - 1 else _BlankPage() for i in range(len(pdf.pages))]
        layout = read_pdf_layout(types.SimpleNamespace(pages=pages), is_header=is_grid_header)
    return read_disclosure(layout)


def cells(doc) -> dict[tuple, D]:
    """``{(spending_unit, item, fund, measure): amount}`` of the document's 三公 table (each key once)."""
    (entry,) = [e for e in doc.disclosure.inventory if e.kind == K]
    out: dict[tuple, D] = {}
    for a in doc.disclosure.amounts:
        if a.table_no == entry.table_no:
            key = (a.spending_unit, a.column_role, a.fund, a.column_measure)
            assert key not in out, f"{key} read twice"
            out[key] = a.amount
    return out


def events(doc, kind: str) -> list:
    return [e for e in doc.events if e.kind == kind]


@pytest.fixture(scope="module")
def shenzhen():
    return read_page("guangdong/深圳_市信访局_2026_部门预算.pdf", 31)


@pytest.fixture(scope="module")
def guangzhou():
    return read_page("guangdong/广州_市统计局_2026_部门预算.pdf", 17)


@pytest.fixture(scope="module")
def zhuhai():
    return read_page("guangdong/珠海_市商务局_2026_部门预算.pdf", 18)


@pytest.fixture(scope="module")
def hangzhou():
    return read_page("zhejiang/杭州_市司法局_2026_部门预算.pdf", 34)


@pytest.fixture(scope="module")
def huzhou():
    return read_page("zhejiang/湖州_市财政局_2026_部门预算.pdf", 28)


def test_labels_by_meaning():
    # a header word split over two ruled cells is one word (NFKC, no spaces)
    assert item_of("“三公”经费/公务接/待费") == "official_reception"
    assert item_of("“三公”经费/因公出/国（境）") == "outbound_travel"
    assert item_of("“三公”经费/公务用车购置及运行维护费/公务用车运/行维护费") == "vehicle_operation"
    assert item_of("公务用车购置及运行维护费/小计/一般公共预算") == "official_vehicles"
    assert item_of("“三公”经费/小计") == "total"
    assert item_of("其中：（一）因公出国（境）支出") == "outbound_travel"
    assert item_of("单位：万元/会议费") == "meeting" and item_of("培训费") == "training"
    assert item_of("机关运行经费预算数") == "administrative_operating" and item_of("行政经费") == "administrative_expenses"
    assert item_of("合计") is None and is_total("部门：江苏省政协办公厅/合计") and is_total("总计/一般公共预算")
    assert fund_of("公务接待费/政府性基金预算") == "government_fund" and fund_of("国有资本经营预算") == "state_capital"
    assert measure_of("预算数/合计") == "budget" and measure_of("决算数/公务接待费") == "final"


def test_shenzhen_funds_by_column_and_years_by_row(shenzhen):
    # p31 表9 财政拨款“三公”经费支出表 (万元): per item, 一般公共预算 | 政府性基金预算 | 国有资本经营预算 columns;
    # rows 2025年, 2026年, 增减变化金额. 2026年 一般公共预算: 总计 5.58, 因公出国 0.00, 公务接待 2.98,
    # 公务用车 小计 2.60 (购置 0.00, 运行维护 2.60); every 政府性基金 / 国有资本经营 cell 0.00.
    c = cells(shenzhen)
    assert len(c) == 3 * 6 * 3  # 3 rows × 6 items × 3 funds
    gp = {item: c[(None, item, "general_public", "budget")] for item in
          ("total", "outbound_travel", "official_reception", "official_vehicles", "vehicle_purchase", "vehicle_operation")}
    assert gp == {"total": D("5.58"), "outbound_travel": D("0.00"), "official_reception": D("2.98"),
                  "official_vehicles": D("2.60"), "vehicle_purchase": D("0.00"), "vehicle_operation": D("2.60")}
    assert gp["total"] == gp["outbound_travel"] + gp["official_reception"] + gp["official_vehicles"]
    assert gp["official_vehicles"] == gp["vehicle_purchase"] + gp["vehicle_operation"]
    assert c[(None, "total", "general_public", "prior_budget")] == D("5.58")
    assert c[(None, "total", "general_public", "change")] == D("0.00")
    assert {v for (_, _, fund, _), v in c.items() if fund != "general_public"} == {D("0.00")}


def test_guangzhou_items_by_row_funds_by_column(guangzhou):
    # p17 表8 财政拨款安排的行政经费及“三公”经费预算表 (万元): 项目 | 合计 | 一般公共预算 | 政府性基金预算 | 国有资本经营预算;
    # 行政经费 839.21; “三公”经费 19.86 = (一) 因公出国 5.00 + (二) 公务用车 6.70 (1. 购置 0.00, 2. 运行维护 6.70) + (三) 接待 8.16
    c = cells(guangzhou)
    total = {item: c[(None, item, "all_funds", None)] for item in
             ("administrative_expenses", "total", "outbound_travel", "official_vehicles", "vehicle_purchase",
              "vehicle_operation", "official_reception")}
    assert total == {"administrative_expenses": D("839.21"), "total": D("19.86"), "outbound_travel": D("5.00"),
                     "official_vehicles": D("6.70"), "vehicle_purchase": D("0.00"), "vehicle_operation": D("6.70"),
                     "official_reception": D("8.16")}
    assert total["total"] == total["outbound_travel"] + total["official_vehicles"] + total["official_reception"]
    for item, amount in total.items():  # 合计 = Σ funds on every row
        assert amount == sum(c[(None, item, fund, None)] for fund in ("general_public", "government_fund", "state_capital"))
    assert c[(None, "total", "government_fund", None)] == D("0.00")


def test_zhuhai_same_layout(zhuhai):
    # p18: 行政经费 10,884.55; “三公”经费 19.84 = 13.20 + 0.00 + 6.64
    c = cells(zhuhai)
    assert c[(None, "administrative_expenses", "all_funds", None)] == D("10884.55")
    assert [c[(None, i, "general_public", None)] for i in ("total", "outbound_travel", "official_vehicles", "official_reception")] == [
        D("19.84"), D("13.20"), D("0.00"), D("6.64")]


def test_hangzhou_one_row_per_unit_and_the_column_numbers_row(hangzhou):
    # p34 表7 2026年市级部门一般公共预算“三公”经费预算表 (万元): row ** 1 2 3 4 5 6 (column numbers), then
    # 合计 413.68 | (因公出国 blank) | 公务用车 小计 339.68 | 购置 151.68 | 运行维护 188.00 | 接待 74.00, then 7 units
    c = cells(hangzhou)
    gp = "general_public"  # the title names the fund
    assert [c.get((None, i, gp, None)) for i in ("total", "outbound_travel", "official_vehicles", "vehicle_purchase",
                                                  "vehicle_operation", "official_reception")] == [
        D("413.68"), None, D("339.68"), D("151.68"), D("188.00"), D("74.00")]
    assert D("339.68") + D("74.00") == D("413.68") and D("151.68") + D("188.00") == D("339.68")
    units = {u: v for (u, item, _, _), v in c.items() if u and item == "total"}
    assert units == {"杭州市司法局": D("17.00"), "杭州市东郊监狱": D("89.60"), "杭州市西郊监狱": D("101.60"),
                     "杭州市南郊监狱": D("79.30"), "杭州市北郊监狱": D("70.10"), "杭州市富春强制隔离戒毒所": D("54.08"),
                     "杭州市法律援助中心": D("2.00")}
    assert sum(units.values()) == D("413.68")
    assert c[("杭州市东郊监狱", "vehicle_purchase", gp, None)] == D("28.00")
    (numbers,) = events(hangzhou, "column_numbers_row")
    assert "1 2 3 4 5 6" in numbers.detail and numbers.source_page == 34
    assert D(1) not in c.values()


def test_huzhou_units(huzhou):
    # p28 表07 (万元): 合计 9.30 = 公务用车 3.50 (运行维护 3.50) + 接待 5.80; 湖州市财政局 7.50, four centres 0.45 each
    c = cells(huzhou)
    assert c[(None, "total", "general_public", None)] == D("9.30")
    assert c[(None, "official_vehicles", "general_public", None)] + c[(None, "official_reception", "general_public", None)] == D("9.30")
    units = {u: v for (u, item, _, _), v in c.items() if u and item == "total"}
    assert len(units) == 5 and units["湖州市财政局"] == D("7.50") and sum(units.values()) == D("9.30")


@pytest.mark.parametrize("relative, page, printed", [
    # p15 公开09表: 合计 2542.60 | 三公 小计 833.60 | 因公出国 222.50 | 公务用车 小计 183.60 | 购置 (blank) | 运行维护 183.60 |
    # 接待 427.50 | 会议费 1305.25 | 培训费 403.75
    ("jiangsu/江苏省人大办公厅_省人大办公厅2018预算公开.pdf", 15,
     ["2542.60", "833.60", "222.50", "183.60", "183.60", "427.50", "1305.25", "403.75"]),
    # p17 十一、(header words split over ruled cells: 公务接/待费, 因公出国/（境）费, 公务用车运/行维护费):
    # 2,599.37 | 670.12 | 180.00 | 304.40 | (blank) | 304.40 | 185.72 | 228.00 | 1,701.25
    ("jiangsu/江苏省高级人民法院_省法院2017年度部门预算公开.pdf", 17,
     ["2599.37", "670.12", "180.00", "304.40", "304.40", "185.72", "228.00", "1701.25"]),
    # p9 (部门：… and 单位：万元 printed inside the grid): 2,224.43 | 660.10 | 106.00 | 156.60 | 156.60 | 397.50 | 1,282.56 | 281.77
    ("jiangsu/江苏省政协办公厅_江苏省政协办公厅2019年预算公开表.pdf", 9,
     ["2224.43", "660.10", "106.00", "156.60", "156.60", "397.50", "1282.56", "281.77"]),
])
def test_jiangsu_meeting_and_training_beside_three_public(relative, page, printed):
    c = {item: v for (_, item, _, _), v in cells(read_page(relative, page)).items()}
    items = ["grand_total", "total", "outbound_travel", "official_vehicles", "vehicle_operation", "official_reception",
             "meeting", "training"]
    assert [c[i] for i in items] == [D(p) for p in printed]
    assert "vehicle_purchase" not in c  # a blank cell is not zero
    assert c["grand_total"] == c["total"] + c["meeting"] + c["training"]
    assert c["total"] == c["outbound_travel"] + c["official_vehicles"] + c["official_reception"]


def test_beijing_total_named_with_its_fund():
    # 预算09表 p9 (万元, six decimals): “三公”经费财政拨款预算总额 244.848000 = 因公出国 173.520000 + 接待 6.000000 +
    # 公务用车 65.328000 (购置 37.380000 + 运行维护 27.948000)
    c = {item: v for (_, item, _, _), v in cells(read_page("beijing/北京_市审计局_2026_部门预算报表.pdf", 9)).items()}
    assert c == {"total": D("244.848"), "outbound_travel": D("173.52"), "official_reception": D("6"),
                 "official_vehicles": D("65.328"), "vehicle_purchase": D("37.38"), "vehicle_operation": D("27.948")}
    assert c["total"] == c["outbound_travel"] + c["official_reception"] + c["official_vehicles"]


def test_foshan_final_accounts_budget_and_final_columns():
    # 表7 p21 一般公共预算财政拨款“三公”经费支出决算表: column numbers 1 … 12, then 预算数 all 0.00; 决算数 合计 0.16 = 接待 0.16
    doc = read_page("guangdong/佛山_市轨道交通局_2019_部门决算.pdf", 21)
    c = cells(doc)
    assert c[(None, "total", "general_public", "final")] == D("0.16") == c[(None, "official_reception", "general_public", "final")]
    assert {v for (_, _, _, m), v in c.items() if m == "budget"} == {D("0.00")} and len(c) == 12
    assert len(events(doc, "column_numbers_row")) == 1


def test_a_table_present_without_its_data_row_is_a_finding():
    # the blank 部门决算模板 p12: the standard 三公 table, header and 预算数 / 决算数 labels, no data row;
    # its note (本表反映部门本年度“三公”经费支出预决算情况) does not say it is empty
    doc = read_page("budget-bundles/部门决算模板_空白_2024.pdf", 12)
    (finding,) = events(doc, "table_without_data")
    assert finding.source_page == 12 and "财政拨款“三公”经费支出决算表" in finding.detail
    assert events(doc, "table_declared_empty") == []


def test_a_table_the_document_declares_empty(tmp_path):
    # a rendered 三公 table with no amount whose note says so: not a finding
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "empty.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 12)
    c.drawString(150, 780, "2026年部门“三公”经费预算表")
    c.setFont("STSong-Light", 9)
    c.drawString(420, 760, "单位：万元")
    xs, ys = [60, 150, 260, 370, 480], [750, 725, 700]
    for y in ys:
        c.line(xs[0], y, xs[-1], y)
    for x in xs:
        c.line(x, ys[0], x, ys[-1])
    for x, label in zip(xs, ["合计", "因公出国(境)费", "公务用车购置及运行费", "公务接待费"]):
        c.drawString(x + 4, 734, label)
    c.drawString(60, 685, "注：本单位无“三公”经费支出，本表为空表。")
    c.save()
    with pdfplumber.open(path) as pdf:
        doc = read_disclosure(read_pdf_layout(pdf, is_header=is_grid_header))
    (declared,) = events(doc, "table_declared_empty")
    assert "本表为空表" in declared.detail and declared.source_page == 1
    assert events(doc, "table_without_data") == []


def test_jiangsu_unit_printed_in_a_header_cell():
    # 公开09表 p20: no 单位 above the grid; its first ruled row holds 部门名称：江苏省人民检察院 … 单位：万元.
    # 合计 1276.7 = 三公 小计 418.26 (因公出国 80 + 公务用车 237 + 接待 101.26) + 会议费 158.44 + 培训费 700
    doc = read_page("jiangsu/江苏省人民检察院_2019年度部门预算公开.pdf", 20)
    (entry,) = [e for e in doc.disclosure.inventory if e.kind == K]
    amounts = [a for a in doc.disclosure.amounts if a.table_no == entry.table_no]
    # the grid's first row is a caption (formats/pdf_captions.py): the unit is the table's, read from it
    assert {a.unit for a in amounts} == {"万元"} and entry.unit == "万元"
    c = {a.column_role: a.amount for a in amounts}
    assert [c[i] for i in ("grand_total", "total", "outbound_travel", "official_vehicles", "official_reception", "meeting",
                           "training")] == [D("1276.7"), D("418.26"), D("80"), D("237"), D("101.26"), D("158.44"), D("700")]
    assert c["grand_total"] == c["total"] + c["meeting"] + c["training"]


def test_jiangsu_unit_broken_over_the_grid_rule():
    # 公开 09表 p14: "单位：万" above the grid, its "元" in the grid's first row (pdfplumber: 单位：万 / … 元).
    # 合计 2,382.02 = 三公 小计 513.75 (160.00 + 266.80 + 86.95) + 会议费 271.02 + 培训费 1,597.25
    doc = read_page("jiangsu/江苏省高级人民法院_江苏省高级人民法院2019年度部门预算公开.pdf", 14)
    (entry,) = [e for e in doc.disclosure.inventory if e.kind == K]
    amounts = [a for a in doc.disclosure.amounts if a.table_no == entry.table_no]
    assert {a.unit for a in amounts} == {"万元"}
    c = {a.column_role: a.amount for a in amounts}
    assert [c[i] for i in ("grand_total", "total", "outbound_travel", "official_vehicles", "vehicle_operation",
                           "official_reception", "meeting", "training")] == [
        D("2382.02"), D("513.75"), D("160.00"), D("266.80"), D("266.80"), D("86.95"), D("271.02"), D("1597.25")]
    assert c["grand_total"] == c["total"] + c["meeting"] + c["training"]
    assert c["total"] == c["outbound_travel"] + c["official_vehicles"] + c["official_reception"]
