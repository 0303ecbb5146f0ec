"""The real 部门预算 / 部门决算 PDFs of ../shared/realdocs/budget-bundles, one test per file.

Every number asserted here was read off the page (pdfplumber's page text and the
rendered page), not copied from the parser's output: totals, the pages of each
standard table, row counts per level and a few rows by code. Where the source
itself does not add up, the test shows the printed cells (the check findings of
rpt_disclosure_checks are about these differences).
"""

from __future__ import annotations

from decimal import Decimal as D

from orchestration.parsing.disclosure_records import Disclosure
from orchestration.parsing.tables import STANDARD_KINDS
from tests.bundles import amount, codes, pages, parsed_bundle, tables_by_key

GP = "function_expenditure:general_public"
GF = "function_expenditure:government_fund"
SC = "function_expenditure:state_capital"


def _standard_all_present(doc) -> None:
    keys = tables_by_key(doc)
    assert [k for k in STANDARD_KINDS if len(keys.get(k, [])) != 1] == []
    assert all(e.read for k in STANDARD_KINDS for e in keys[k])


def _three_public(doc, total, outbound, reception, vehicles, purchase, operation, admin):
    k = "three_public_expenses"
    assert tables_by_key(doc)[k][0].unit == "万元"
    assert amount(doc, k, "total") == total
    assert amount(doc, k, "outbound_travel") == outbound
    assert amount(doc, k, "official_reception") == reception
    assert amount(doc, k, "official_vehicles") == vehicles
    assert amount(doc, k, "vehicle_purchase") == purchase
    assert amount(doc, k, "vehicle_operation") == operation
    assert amount(doc, k, "administrative_operating") == admin


def test_sifaju_2026_department_budget():
    doc = parsed_bundle("上海市普陀区司法局_2026_部门预算.pdf")
    x: Disclosure = doc.disclosure
    assert (doc.doc_type, doc.layout, doc.department, doc.fiscal_year) == ("budget_disclosure", "pdf_bundle", "上海市普陀区司法局", 2026)
    assert (x.scope, x.stage, x.is_template, doc.page_count) == ("department", "budget", False, 23)
    _standard_all_present(doc)
    assert pages(doc) == {
        "contents": (2, 2), "income_expenditure_summary": (10, 10), "income_summary": (11, 11),
        "expenditure_summary": (12, 13), "fiscal_appropriation_summary": (14, 14), GP: (15, 16), GF: (17, 17),
        SC: (18, 18), "economic_expenditure": (19, 20), "three_public_expenses": (21, 21),
    }
    assert {e.unit for e in tables_by_key(doc)["income_summary"]} == {"元"}
    narrative = [e.first_page for e in x.inventory if e.entry_type == "narrative"]
    assert narrative == [1, 4, 5, 6, 7, 8, 9, 22, 23]
    # 财务收支预算总表 p10: 收入总计 96,282,213.44 | 支出总计 96,282,213.44; income 一、财政拨款收入 = 1. 一般公共预算
    s = "income_expenditure_summary"
    assert amount(doc, s, "current_income", name="收入总计") == D("96282213.44")
    assert amount(doc, s, "current_expenditure", name="支出总计") == D("96282213.44")
    assert amount(doc, s, "current_income", name="1. 一般公共预算") == D("96282213.44")
    assert amount(doc, s, "current_expenditure", name="一、公共安全支出") == D("87267272.44")
    # 收入预算总表 p11 (one page), 支出预算总表 p12-13 (continued: 合计 on p13)
    assert amount(doc, "income_summary", "total", name="合计") == D("96282213.44")
    assert amount(doc, "income_summary", "business_income", name="合计") == D("0.00")
    assert amount(doc, "income_summary", "operating_income", code="204") == D("0.00")
    e = "expenditure_summary"
    assert (amount(doc, e, "total", name="合计"), amount(doc, e, "basic", name="合计"), amount(doc, e, "project", name="合计")) == (
        D("96282213.44"), D("25741666.44"), D("70540547.00"))
    assert amount(doc, e, "total", code="2040601") == D("16726725.44")
    assert amount(doc, e, "project", code="2040699") == D("38454900.00")
    assert amount(doc, e, "basic", code="2080506") == D("919739.00")  # first row of p13
    # 一般公共预算支出功能分类预算表 p15-16: 4 类, 4 款, 13 项
    assert codes(doc, GP, 3) == ["204", "208", "210", "221"]
    assert (len(codes(doc, GP, 5)), len(codes(doc, GP, 7))) == (4, 13)
    assert amount(doc, GP, "total", code="2210203") == D("2433600.00")
    # 基本支出经济分类 p19-20
    k = "economic_expenditure"
    assert (amount(doc, k, "total", name="合计"), amount(doc, k, "personnel", name="合计"), amount(doc, k, "public_operating", name="合计")) == (
        D("25741666.44"), D("23563342.00"), D("2178324.44"))
    assert amount(doc, k, "total", code="301") == D("23084662.00")
    assert amount(doc, k, "total", code="30101") == D("2892504.00")
    # 政府性基金 / 国有资本经营: empty tables (注：本部门…无…故本表为空表)
    assert tables_by_key(doc)[GF][0].amount_count == 0 and tables_by_key(doc)[SC][0].amount_count == 0
    _three_public(doc, D("10.81"), D("0"), D("0.83"), D("9.98"), D("0"), D("9.98"), D("217.83"))


def test_sifaju_2026_unit_budget_prints_a_project_amount_on_an_administrative_row():
    doc = parsed_bundle("上海市普陀区司法局_2026_单位预算.pdf")
    x = doc.disclosure
    assert (doc.department, doc.fiscal_year, x.scope, x.stage) == ("上海市普陀区司法局", 2026, "unit", "budget")
    _standard_all_present(doc)
    assert pages(doc)["expenditure_summary"] == (11, 12) and pages(doc)[GP] == (14, 15)
    assert tables_by_key(doc)["fiscal_appropriation_summary"][0].title == "2026年预算单位财政拨款收支预算总表"  # title drawn inside the grid
    assert amount(doc, "income_expenditure_summary", "current_income", name="收入总计") == D("86959408.34")
    e = "expenditure_summary"
    # p12 prints 合计 86,959,408.34 | 22,118,861 | 64,840,547.00: the 基本支出 total is rounded in the source
    assert (amount(doc, e, "total", name="合计"), amount(doc, e, "basic", name="合计"), amount(doc, e, "project", name="合计")) == (
        D("86959408.34"), D("22118861"), D("64840547.00"))
    # p11, row 204 06 01 行政运行: 14,348,853.34 | 14,348,853.34 | 64,840,547.00 — the source prints the
    # department's whole 项目支出 on the 行政运行 row (合计 ≠ 基本 + 项目: a finding, not a parse error)
    assert (amount(doc, e, "total", code="2040601"), amount(doc, e, "basic", code="2040601"), amount(doc, e, "project", code="2040601")) == (
        D("14348853.34"), D("14348853.34"), D("64840547.00"))
    k = "economic_expenditure"
    assert (amount(doc, k, "total", name="合计"), amount(doc, k, "personnel", name="合计"), amount(doc, k, "public_operating", name="合计")) == (
        D("22118861.34"), D("20272981.00"), D("1845880.34"))
    _three_public(doc, D("10.71"), D("0.00"), D("0.73"), D("9.98"), D("0.00"), D("9.98"), D("184.59"))


def test_wanli_2024_department_budget_tables_over_five_pages():
    doc = parsed_bundle("上海市普陀区万里街道办事处_2024_部门预算.pdf")
    x = doc.disclosure
    assert (doc.department, doc.fiscal_year, x.scope, x.stage, doc.page_count) == (
        "上海市普陀区人民政府万里街道办事处", 2024, "department", "budget", 33)
    _standard_all_present(doc)
    p = pages(doc)
    assert (p["income_summary"], p["expenditure_summary"], p[GP], p["economic_expenditure"]) == ((11, 15), (16, 20), (22, 26), (29, 30))
    assert sum(1 for ev in doc.events if ev.kind == "header_repeated") == 4  # p23-26 repeat the 功能分类 header
    assert amount(doc, "income_expenditure_summary", "current_income", name="收入总计") == D("156211123")
    assert amount(doc, "income_expenditure_summary", "current_expenditure", name="支出总计") == D("156211123")
    # p15 holds only the 合计 row of 收入预算总表 (its code cells merged): still one table
    assert amount(doc, "income_summary", "total", name="合计") == D("156211123")
    assert amount(doc, "income_summary", "total", code="201") == D("2932700")
    assert amount(doc, "income_summary", "fiscal_appropriation", code="2010507") == D("257700")
    e = "expenditure_summary"
    assert (amount(doc, e, "total", name="合计"), amount(doc, e, "basic", name="合计"), amount(doc, e, "project", name="合计")) == (
        D("156211123"), D("99706020"), D("56505103"))
    assert codes(doc, GP, 3) == ["201", "204", "205", "206", "207", "208", "210", "212", "221"]
    assert (len(codes(doc, GP, 5)), len(codes(doc, GP, 7))) == (24, 33)
    k = "economic_expenditure"
    assert (amount(doc, k, "total", name="合计"), amount(doc, k, "personnel", name="合计"), amount(doc, k, "public_operating", name="合计")) == (
        D("99706020"), D("88537451"), D("11168569"))
    # p29 prints 款 '2' for 30102 津贴补贴: read as 02, with an event
    assert amount(doc, k, "total", code="30102") == D("16623810")
    assert amount(doc, k, "total", code="301") == D("88282511")
    assert any(ev.kind == "code_zero_padded" and ev.source_page == 29 for ev in doc.events)
    _three_public(doc, D("47.91"), D("0"), D("1.35"), D("46.56"), D("25"), D("21.56"), D("443.18"))


def test_wanli_2025_department_budget_rounding_in_the_source():
    doc = parsed_bundle("上海市普陀区万里街道办事处_2025_部门预算.pdf")
    assert (doc.department, doc.fiscal_year, doc.disclosure.scope, doc.page_count) == (
        "上海市普陀区人民政府万里街道办事处", 2025, "department", 31)
    _standard_all_present(doc)
    assert pages(doc)["income_summary"] == (10, 13) and pages(doc)[GP] == (20, 24)
    assert amount(doc, "income_expenditure_summary", "current_income", name="收入总计") == D("189767551")
    e = "expenditure_summary"
    assert (amount(doc, e, "total", name="合计"), amount(doc, e, "basic", name="合计"), amount(doc, e, "project", name="合计")) == (
        D("189767551"), D("101341746"), D("88425805"))
    # 收入预算总表 p12-13: 212 01 城乡社区管理事务 94,995,790 but its 项 rows add up to 94,995,789
    t = "income_summary"
    assert amount(doc, t, "total", code="21201") == D("94995790")
    items = [amount(doc, t, "total", code=c) for c in ("2120101", "2120102", "2120104", "2120199")]
    assert items == [D("17887739"), D("17464243"), D("6522681"), D("53121126")]
    assert sum(items) == D("94995789")
    k = "economic_expenditure"
    assert (amount(doc, k, "total", name="合计"), amount(doc, k, "personnel", name="合计"), amount(doc, k, "public_operating", name="合计")) == (
        D("101341746"), D("90514044"), D("10827702"))
    _three_public(doc, D("37.91"), D("0"), D("1.35"), D("36.56"), D("15"), D("21.56"), D("464.64"))


def test_zhengfuban_2025_unit_budget():
    doc = parsed_bundle("上海市普陀区人民政府办公室_2025_单位预算.pdf")
    assert (doc.department, doc.fiscal_year, doc.disclosure.scope, doc.page_count) == ("上海市普陀区人民政府办公室", 2025, "unit", 21)
    _standard_all_present(doc)
    assert "contents" not in pages(doc)
    assert amount(doc, "income_expenditure_summary", "current_income", name="收入总计") == D("91016775.35")
    assert amount(doc, "income_summary", "total", name="合计") == D("91016775.35")
    assert amount(doc, "income_summary", "total", code="2010301") == D("12029501.84")
    e = "expenditure_summary"
    assert (amount(doc, e, "total", name="合计"), amount(doc, e, "basic", name="合计"), amount(doc, e, "project", name="合计")) == (
        D("91016775.35"), D("24606775.35"), D("66410000.00"))
    assert (amount(doc, e, "total", code="201"), amount(doc, e, "basic", code="201"), amount(doc, e, "project", code="201")) == (
        D("82096797.42"), D("15686797.42"), D("66410000.00"))
    assert codes(doc, GP, 3) == ["201", "208", "210", "221"] and len(codes(doc, GP, 7)) == 12
    k = "economic_expenditure"
    assert (amount(doc, k, "total", name="合计"), amount(doc, k, "personnel", name="合计"), amount(doc, k, "public_operating", name="合计")) == (
        D("24606775.35"), D("22473997.81"), D("2132777.54"))
    k = "three_public_expenses"
    assert (amount(doc, k, "total"), amount(doc, k, "outbound_travel"), amount(doc, k, "official_reception")) == (D("867.50"), D("839.00"), D("28.50"))
    assert amount(doc, k, "official_vehicles") is None  # blank cells: not zero
    assert amount(doc, k, "administrative_operating") == D("213.28")


def test_zhengfuban_2025_department_budget():
    doc = parsed_bundle("上海市普陀区人民政府办公室_2025_部门预算.pdf")
    assert (doc.department, doc.fiscal_year, doc.disclosure.scope, doc.page_count) == ("上海市普陀区人民政府办公室", 2025, "department", 22)
    _standard_all_present(doc)
    assert pages(doc)["income_expenditure_summary"] == (8, 8) and pages(doc)["three_public_expenses"] == (20, 20)
    assert amount(doc, "income_expenditure_summary", "current_income", name="收入总计") == D("91016775.35")
    assert amount(doc, "income_expenditure_summary", "current_expenditure", name="支出总计") == D("91016775.35")
    e = "expenditure_summary"
    assert (amount(doc, e, "total", name="合计"), amount(doc, e, "basic", name="合计"), amount(doc, e, "project", name="合计")) == (
        D("91016775.35"), D("24606775.35"), D("66410000.00"))
    assert amount(doc, "income_summary", "total", code="2010302") == D("46140000.00")
    assert amount(doc, "economic_expenditure", "total", name="合计") == D("24606775.35")
    assert amount(doc, "three_public_expenses", "total") == D("867.50")


def test_shangwuwei_2025_unit_budget():
    doc = parsed_bundle("上海市普陀区商务委员会_2025_单位预算.pdf")
    assert (doc.department, doc.fiscal_year, doc.disclosure.scope, doc.page_count) == ("上海市普陀区商务委员会", 2025, "unit", 22)
    _standard_all_present(doc)
    assert pages(doc)["income_summary"] == (10, 11)
    assert amount(doc, "income_expenditure_summary", "current_income", name="收入总计") == D("371514655.00")
    e = "expenditure_summary"
    assert (amount(doc, e, "total", name="合计"), amount(doc, e, "basic", name="合计"), amount(doc, e, "project", name="合计")) == (
        D("371514655.00"), D("19830655.00"), D("351684000.00"))
    assert codes(doc, GP, 3) == ["201", "206", "208", "210", "215", "216", "221"]
    assert (len(codes(doc, GP, 5)), len(codes(doc, GP, 7))) == (7, 16)
    k = "economic_expenditure"
    assert (amount(doc, k, "total", name="合计"), amount(doc, k, "personnel", name="合计"), amount(doc, k, "public_operating", name="合计")) == (
        D("19830655.00"), D("18120593.00"), D("1710062.00"))
    k = "three_public_expenses"
    assert (amount(doc, k, "total"), amount(doc, k, "official_reception"), amount(doc, k, "outbound_travel")) == (D("1.00"), D("1.00"), None)


def test_shangwuwei_2025_department_budget():
    doc = parsed_bundle("上海市普陀区商务委员会_2025_部门预算.pdf")
    assert (doc.department, doc.fiscal_year, doc.disclosure.scope, doc.page_count) == ("上海市普陀区商务委员会", 2025, "department", 26)
    _standard_all_present(doc)
    assert pages(doc)["economic_expenditure"] == (19, 20)
    assert amount(doc, "income_summary", "total", name="合计") == D("371514655.00")
    assert amount(doc, "income_summary", "total", code="201") == D("21601733.00")
    assert amount(doc, "income_summary", "total", code="2011301") == D("9389913.00")
    assert amount(doc, "income_summary", "total", code="2011350") == D("2901820.00")
    assert amount(doc, "income_summary", "total", code="20605") == D("17200000.00")
    assert amount(doc, "expenditure_summary", "project", name="合计") == D("351684000.00")
    assert amount(doc, "three_public_expenses", "administrative_operating") == D("171.01")


def test_caizhengju_2024_final_accounts_in_wan():
    doc = parsed_bundle("上海市普陀区财政局_2024_部门决算.pdf")
    x = doc.disclosure
    assert (doc.department, doc.fiscal_year, x.scope, x.stage, x.is_template, doc.page_count) == (
        "上海市普陀区财政局", 2024, "department", "final_accounts", False, 25)
    _standard_all_present(doc)
    assert pages(doc) == {
        "unknown": (5, 5), "income_expenditure_summary": (6, 7), "income_summary": (8, 9), "expenditure_summary": (10, 11),
        "fiscal_appropriation_summary": (12, 13), GP: (15, 15), "economic_expenditure": (16, 17),
        "three_public_expenses": (18, 18), GF: (19, 19), SC: (20, 20),
    }
    assert {e.unit for k in STANDARD_KINDS for e in tables_by_key(doc)[k]} == {"万元"}
    assert {e.stage for k in STANDARD_KINDS for e in tables_by_key(doc)[k]} == {"final_accounts"}
    s = "income_expenditure_summary"  # p6-7: 本年收入合计 2,946.25 | 本年支出合计 2,940.05; 总计 2,995.39 both sides
    assert amount(doc, s, "amount", name="本年收入合计") == D("2946.25")
    assert amount(doc, s, "amount", name="本年支出合计") == D("2940.05")
    assert amount(doc, s, "amount", name="总计", side=1) == D("2995.39")
    assert amount(doc, s, "amount", name="总计", side=2) == D("2995.39")
    assert amount(doc, s, "amount", name="年末结转和结余") == D("55.34")
    t = "income_summary"  # 收入决算表 p8: 合计 2,946.25 = 财政拨款 2,940.05 + 其他 6.20; the 类/款/项 header shares the 合计 row
    assert (amount(doc, t, "total", name="合计"), amount(doc, t, "fiscal_appropriation", name="合计"), amount(doc, t, "other_income", name="合计")) == (
        D("2946.25"), D("2940.05"), D("6.20"))
    assert (amount(doc, t, "total", code="2010601"), amount(doc, t, "fiscal_appropriation", code="2010601"), amount(doc, t, "other_income", code="2010601")) == (
        D("1511.90"), D("1511.89"), D("0.01"))
    assert amount(doc, t, "business_income", code="2010601") is None
    e = "expenditure_summary"  # 支出决算表 p10: 合计 2,940.05 | 2,336.91 | 603.14
    assert (amount(doc, e, "total", name="合计"), amount(doc, e, "basic", name="合计"), amount(doc, e, "project", name="合计")) == (
        D("2940.05"), D("2336.91"), D("603.14"))
    assert codes(doc, GP, 3) == ["201", "208", "210", "221"] and len(codes(doc, GP, 7)) == 11
    assert amount(doc, GP, "total", name="合计") == D("2940.05")
    k = "economic_expenditure"  # p16-17, two sides: 人员经费合计 2,152.26 | 公用经费合计 184.65
    assert amount(doc, k, "amount", name="人员经费合计") == D("2152.26")
    assert amount(doc, k, "amount", name="公用经费合计") == D("184.65")
    assert amount(doc, k, "amount", code="30226") == D("2.01")
    k = "three_public_expenses"  # p18: 预算数 0.95 (公务接待费 0.95); every 决算数 cell blank
    assert amount(doc, k, "total", measure="budget") == D("0.95")
    assert amount(doc, k, "official_reception", measure="budget") == D("0.95")
    assert amount(doc, k, "total", measure="final") is None
    assert any(ev.kind == "empty_table_part" and ev.source_page == 14 for ev in doc.events)
    # p5: the table of the units in the 决算 (序号 单位名称 备注) has no reader: its text is kept in an event
    (unread,) = [ev for ev in doc.events if ev.kind == "table_not_read"]
    assert unread.source_page == 5 and "3\t上海市普陀区国库收付中心\t预算不单列，并入本级" in unread.detail


def test_blank_final_accounts_template_is_registered_not_loaded():
    doc = parsed_bundle("部门决算模板_空白_2024.pdf")
    x = doc.disclosure
    assert (doc.department, doc.fiscal_year, x.stage, doc.page_count) == ("上海市XX局", 2024, "final_accounts", 23)
    assert x.is_template and not x.has_amounts and x.amounts == []
    _standard_all_present(doc)
    assert pages(doc)["fiscal_appropriation_summary"] == (8, 9) and pages(doc)["three_public_expenses"] == (12, 12)
    assert any(ev.kind == "template_without_amounts" for ev in doc.events)
    assert any(ev.kind == "placeholder_cells" for ev in doc.events)  # the form's '…' rows
    # its 功能分类 table prints example codes in one column (2050205) with no amounts
    assert codes(doc, GP, 7) == ["2050205"]
