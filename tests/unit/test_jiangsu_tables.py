"""Standard tables of whole 部门预算 disclosures read by the table model (issue 26): Jiangsu's table files
(title printed inside the ruled grid, 公开NN表 numbers, a 收入预算总表 printed transposed, a single 金额
column, cells drawn inside text frames) and income tables of other provinces (佛山 决算 over two pages).

Every expected number below was read off the page with pdfplumber (``page.extract_text()``), not taken
from the parser; the document's own arithmetic (合计 = Σ 类, 收入合计 = 支出合计, 收入总计 = Σ sources)
is asserted beside it. One parse per PDF (module-scoped fixtures).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest

from orchestration.parsing.formats.pdf import read_pdf_layout
from orchestration.parsing.readers.budget_tables import column_role
from orchestration.parsing.spine import read_disclosure
from orchestration.parsing.tables import classify_table, table_title

REALDOCS = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdocs"
JIANGSU = REALDOCS / "jiangsu"
ZHENGXIE_2018 = JIANGSU / "江苏省政协办公厅_江苏省政协办公厅2018度部门预算公开表.pdf"
RENDA_2019 = JIANGSU / "江苏省人大办公厅_江苏省人大常委会办公厅2019年部门预算公开表.pdf"
JIANCHA_2018 = JIANGSU / "江苏省人民检察院_2018年省检察院部门预算公开.pdf"
FOSHAN_2019 = REALDOCS / "guangdong" / "佛山_市轨道交通局_2019_部门决算.pdf"

pytestmark = pytest.mark.skipif(not JIANGSU.exists(), reason="shared realdocs not available")


def _parse(path: Path):
    with pdfplumber.open(path) as pdf:
        return read_disclosure(read_pdf_layout(pdf))


@pytest.fixture(scope="module")
def zhengxie_2018():
    return _parse(ZHENGXIE_2018)


@pytest.fixture(scope="module")
def renda_2019():
    return _parse(RENDA_2019)


@pytest.fixture(scope="module")
def jiancha_2018():
    return _parse(JIANCHA_2018)


@pytest.fixture(scope="module")
def foshan_2019():
    return _parse(FOSHAN_2019)


def _tables(doc):
    return [e for e in doc.disclosure.inventory if e.entry_type == "table"]


def _one(doc, key):
    (entry,) = [e for e in _tables(doc) if (f"{e.kind}:{e.fund_type}" if e.fund_type else e.kind) == key]
    return entry


def _rows(doc, table_no):
    return {r.row_no: r for r in doc.disclosure.rows if r.table_no == table_no}


def _amounts(doc, table_no):
    return [a for a in doc.disclosure.amounts if a.table_no == table_no]


def _totals_by_name(doc, key):
    """{row name: amount} of the total rows (合计/总计/小计) of the table of ``key`` that have an amount."""
    entry = _one(doc, key)
    rows = _rows(doc, entry.table_no)
    return {rows[a.row_no].name: a.amount for a in _amounts(doc, entry.table_no) if rows[a.row_no].row_kind == "total"}


def _class_rows(doc, key):
    """{类 code: amount} and the 合计 of a function / economic table (one 金额 column: role total)."""
    entry = _one(doc, key)
    rows = _rows(doc, entry.table_no)
    classes = {rows[a.row_no].code: a.amount for a in _amounts(doc, entry.table_no)
               if rows[a.row_no].code and len(rows[a.row_no].code) == 3 and a.column_role == "total"}
    (total,) = [a.amount for a in _amounts(doc, entry.table_no)
                if rows[a.row_no].row_kind == "total" and a.column_role == "total"]
    return classes, total


def _sources(doc):
    """{income source role: amount} of the 收入预算总表's total rows (收入总计 and each group's 小计)."""
    entry = _one(doc, "income_summary")
    rows = _rows(doc, entry.table_no)
    return {a.column_role: a.amount for a in _amounts(doc, entry.table_no) if rows[a.row_no].row_kind == "total"}


# ---------------------------------------------------------------- titles and kinds


def test_zhengxie_2018_every_table_found_by_its_title_inside_the_grid(zhengxie_2018):
    # page 1 prints 公开01表 above the grid and 收支预算总表 / 部门：江苏省政协办公厅 单位：万元 as the grid's first
    # row; 10 of its 11 tables were `unknown` titled 公开NN表 (or none) before
    # (p3 prints 公开03表支出预算总表 in one line: a number before the title stays with it, as 预算12表 …)
    tables = _tables(zhengxie_2018)
    assert [(e.title, e.first_page, e.last_page) for e in tables[:4]] == [
        ("收支预算总表", 1, 1), ("收入预算总表", 2, 2), ("公开03表支出预算总表", 3, 3), ("财政拨款收支预算总表", 4, 4)]
    assert [e for e in tables if e.kind == "unknown"] == []
    assert {e.unit for e in tables} == {"万元"}
    kinds = [(e.kind, e.fund_type) for e in tables]
    assert kinds == [
        ("income_expenditure_summary", None), ("income_summary", None), ("expenditure_summary", None),
        ("fiscal_appropriation_summary", None),
        ("function_expenditure", "fiscal_appropriation"),   # p5 财政拨款支出预算表 (all 财政拨款: not read twice)
        ("economic_expenditure", "fiscal_appropriation"),   # p6 财政拨款基本支出预算表 | 科目编码 | 科目名称 | 金额
        ("function_expenditure", "general_public"),         # p7 一般公共预算支出预算表
        ("economic_expenditure", None),                     # p8 一般公共预算基本支出预算表 (301 工资福利支出 …)
        ("three_public_expenses", None),
        ("function_expenditure", "government_fund"),
        ("administrative_operating_expenses", None),        # p11 一般公共预算机关运行经费支出预算表: no function table
        ("government_procurement", None),                   # p12 2018年政府采购预算表 (its 经济科目 column)
    ]


def test_renda_2019_tables_not_joined_across_pages(renda_2019):
    # before: one table p1–8 and one 三公 table p9–13 swallowing the tables after it
    tables = _tables(renda_2019)
    assert [(e.first_page, e.last_page) for e in tables] == [
        (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6), (7, 7), (8, 8), (9, 9), (10, 10), (11, 11), (12, 13)]
    assert _one(renda_2019, "income_expenditure_summary").title == "收支预算总表"  # not its number 公开表一
    assert _one(renda_2019, "economic_expenditure").title == "一般公共预算基本支出预算表（经济科目）"


def test_table_numbers_and_wrapped_titles():
    assert table_title(["公开01表", "收支预算总表", "部门：江苏省政协办公厅", "单位：万元"]) == "收支预算总表"
    assert table_title(["收支预算总表", "公开表一", "部门： 江苏省人大常委会办公厅", "单位：万元"]) == "收支预算总表"
    # 检察院 2017 p16: the title wraps and its quotes are printed on a line of their own
    title = table_title(["十一、一般公共预算 三公 经费、会议费、培训费支出预", "“ ”", "算表", "部门： 江苏省人民检察院 单位：万元"])
    assert title == "十一、一般公共预算 三公 经费、会议费、培训费支出预算表"
    assert classify_table(title, []).kind == "three_public_expenses"
    assert table_title(["公开 09 表：一般公共预算“三公”经费、会议费、培训费", "支出预算表", "部门：", "单位：万元"]).endswith("培训费支出预算表")


@pytest.mark.parametrize(("title", "header", "key"), [
    ("一般公共预算基本支出预算表（经济科目）", ["科目编码", "科目名称", "金额"], "economic_expenditure"),
    ("财政拨款基本支出预算表", ["科目编码", "科目名称", "金额"], "economic_expenditure:fiscal_appropriation"),
    ("财政拨款支出预算表（功能科目）", ["功能科目编码", "功能科目名称", "金额"], "function_expenditure:fiscal_appropriation"),
    ("一般公共预算机关运行经费支出预算表", ["科目编码", "科目名称", "机关运行经费支出"], "administrative_operating_expenses"),
    ("收支总体情况表", ["收入/项目", "收入/预算"], "income_expenditure_summary"),
    ("财政拨款收支总体情况表", ["收入/项目", "收入/预算"], "fiscal_appropriation_summary"),
    ("本年支出总体情况表", ["功能分类科目/科目编码", "合计"], "expenditure_summary"),
    ("基本支出总表", ["支出项目类别", "总计"], "expenditure_summary"),
    ("2018年政府采购预算表", ["采购品目大类", "经济科目", "总计"], "government_procurement"),
])
def test_classified_by_meaning(title, header, key):
    assert classify_table(title, header).key == key


# ---------------------------------------------------------------- totals against the page


@pytest.mark.parametrize(("fixture", "total"), [
    ("zhengxie_2018", Decimal("10150.48")),   # p1: 收入合计 10,150.48 | 支出合计 10,150.48
    ("renda_2019", Decimal("18330.37")),      # p1 (the CSV of the other project: 总计 18330.37)
    ("jiancha_2018", Decimal("21955.35")),    # p14: 收入合计 21,955.35 | 支出合计 21,955.35
])
def test_income_expenditure_summary_balances(fixture, total, request):
    doc = request.getfixturevalue(fixture)
    totals = _totals_by_name(doc, "income_expenditure_summary")
    assert (totals["收入合计"], totals["支出合计"]) == (total, total)


def test_function_table_class_rows_and_total(zhengxie_2018, renda_2019, jiancha_2018):
    # the code column is a code (功能科目代码 = 201, not the amount 201.00), the single 金额 column the total
    classes, total = _class_rows(zhengxie_2018, "function_expenditure:general_public")   # p7
    assert classes == {"201": Decimal("7747.46"), "208": Decimal("823.76"), "221": Decimal("1499.26")}
    assert total == Decimal("10070.48") == sum(classes.values())
    classes, total = _class_rows(renda_2019, "function_expenditure:general_public")      # p7
    assert classes == {"201": Decimal("13907.78"), "208": Decimal("1121.39"), "221": Decimal("3301.20")}
    assert total == Decimal("18330.37") == sum(classes.values())
    # p17: cells drawn inside text frames (strips of 5 pt), the amount a little below its label; 合 计 spaced
    classes, total = _class_rows(jiancha_2018, "function_expenditure:general_public")
    assert classes == {"204": Decimal("16444.36"), "208": Decimal("1836.22"), "221": Decimal("3660.38")}
    assert total == Decimal("21940.96") == sum(classes.values())


def test_economic_table_class_rows(zhengxie_2018):
    classes, total = _class_rows(zhengxie_2018, "economic_expenditure")  # p8
    assert classes == {"301": Decimal("3806.26"), "302": Decimal("1115.85"), "303": Decimal("676.06")}
    assert total == Decimal("5598.17") == sum(classes.values())


# ---------------------------------------------------------------- income tables


def test_transposed_income_table_sources_from_row_labels(zhengxie_2018, renda_2019, jiancha_2018):
    # p2: 收入总计 10,150.48; 一般公共预算资金 小计 10,070.48; 其他资金 小计 80.00 (其他收入 80.00)
    assert _sources(zhengxie_2018) == {"total": Decimal("10150.48"), "general_public": Decimal("10070.48"),
                                       "other_funds": Decimal("80.00")}
    entry = _one(zhengxie_2018, "income_summary")
    rows = _rows(zhengxie_2018, entry.table_no)
    items = {rows[a.row_no].name: (a.column_role, a.amount) for a in _amounts(zhengxie_2018, entry.table_no)}
    assert items["其他资金/其他收入"] == ("other_income", Decimal("80.00"))
    assert items["一般公共预算资金/公共财政拨款(补助)资金"] == ("fiscal_appropriation", Decimal("10070.48"))
    # 人大 2019 p2 / 检察院 2018 p14 print 小计 without its group (一般公共预算资金 drawn in the row below)
    assert _sources(renda_2019) == {"total": Decimal("18330.37"), "general_public": Decimal("18330.37")}
    assert _sources(jiancha_2018) == {"total": Decimal("21955.35"), "general_public": Decimal("21940.96"),
                                      "other_funds": Decimal("14.39")}
    for doc in (zhengxie_2018, renda_2019, jiancha_2018):  # 收入总计 = Σ of the sources' 小计
        sources = _sources(doc)
        assert sources.pop("total") == sum(sources.values())


def test_income_roles_of_other_provinces():
    # 珠海 / 广州 收入总体情况表: 上年结转结余 and 财政专户 are sources (were income_source_missing)
    assert column_role("上年结转结余") == "opening_balance"
    assert column_role("财政专户拨款收入/教育收费") == "special_account"
    assert column_role("上年结转和结余资金/小计") == "opening_balance"
    assert column_role("金额") == "amount"


def test_foshan_income_table_over_two_pages_is_one_table(foshan_2019):
    # pp. 8–9 print 表2 收入决算表, the header, 栏次 1…7 and 合计 1668.14 on both pages: one table, 合计 once,
    # the 栏次 row a header row (not amounts 1…7), the code column codes (208, not 208.00 as an amount)
    entry = _one(foshan_2019, "income_summary")
    assert (entry.first_page, entry.last_page, entry.column_labels[:3]) == (8, 9, ["项 目/功能分类科目编码", "项 目/科目名称", "本年收入合计"])
    rows = _rows(foshan_2019, entry.table_no)
    totals = {(rows[a.row_no].code, a.column_role): a.amount for a in _amounts(foshan_2019, entry.table_no)}
    assert [r.name for r in rows.values() if r.row_kind == "total"] == ["合计"]
    assert totals[(None, "total")] == Decimal("1668.14")
    classes = {code: amount for (code, role), amount in totals.items() if code and len(code) == 3 and role == "total"}
    assert classes == {"208": Decimal("76.23"), "214": Decimal("1531.04"), "221": Decimal("60.87")}
    assert sum(classes.values()) == Decimal("1668.14")
    assert totals[("2210201", "fiscal_appropriation")] == Decimal("60.87")  # p9


def test_transposed_income_table_checked_by_its_arithmetic(zhengxie_2018, jiancha_2018):
    for doc, detail in ((zhengxie_2018, "收入总计 10150.48 vs Σ of its 2 source subtotal(s) 10150.48"),
                        (jiancha_2018, "收入总计 21955.35 vs Σ of its 2 source subtotal(s) 21955.35")):
        (event,) = [e for e in doc.events if e.kind.startswith("income_sources_")]
        assert event.kind == "income_sources_verified" and detail in event.detail


def test_every_page_parsed_once_when_page_one_names_a_target_form_none_holds(monkeypatch):
    # page 1 of the 人大 2019 table file names the 项目支出绩效目标表, which no page holds: the target reader
    # reads all 13 pages, finds no header, and the pages are read as tables — from the same parsed objects
    # (issue 26: closing them in between made pdfminer parse each page twice, +70 % parse time on this file)
    from collections import Counter

    import pdfplumber.page

    from orchestration.parsing import parse_document

    parsed, original = Counter(), pdfplumber.page.Page.parse_objects

    def counted(page):
        parsed[page.page_number] += 1
        return original(page)

    monkeypatch.setattr(pdfplumber.page.Page, "parse_objects", counted)
    doc = parse_document(RENDA_2019.read_bytes(), RENDA_2019.name)
    assert parsed == Counter(range(1, 14))  # 13 pages, each once
    totals = _totals_by_name(doc, "income_expenditure_summary")
    assert (totals["收入合计"], totals["支出合计"]) == (Decimal("18330.37"), Decimal("18330.37"))
