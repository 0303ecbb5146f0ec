"""Whole 部门预算 / 部门决算 PDFs of 广东, 浙江 and 北京 (``../shared/realdocs``), read as tables (issue 26).

Every number asserted was read off the page with pdfplumber (``page.extract_text()``), not copied from the
parser; the document's own arithmetic (收入总计 = 支出总计, 合计 = Σ 类) is asserted beside it. What each
test guards is a reading that once went wrong: a table printed again under its own title on the next page
(深圳, 佛山), the 行次 column of a 决算 (佛山), codes in brackets (广州, 珠海) or with a dash (北京), a spaced
total label (杭州 `收 入 总 计`), a row numbering the columns (杭州 `** 1 2 3 4 5`), 万元 to six decimals (北京).
"""

from __future__ import annotations

from decimal import Decimal as D

from tests.bundles import parsed_realdoc


def _tables(doc, kind: str, fund_type: str | None = None) -> list:
    return [e for e in doc.disclosure.inventory if e.entry_type == "table" and e.kind == kind
            and (fund_type is None or e.fund_type == fund_type)]


def _first_amounts(doc, entry) -> dict[tuple[int, str], D]:
    """``(side, row name without spaces) → the row side's first amount`` of one table (a 收支总表 side prints one)."""
    rows = {r.row_no: r for r in doc.disclosure.rows if r.table_no == entry.table_no}
    out: dict[tuple[int, str], D] = {}
    for a in sorted((a for a in doc.disclosure.amounts if a.table_no == entry.table_no), key=lambda a: a.column_no):
        row = rows[a.row_no]
        out.setdefault((row.side_no, "".join((row.name or "").split())), a.amount)
    return out


def _classes(doc, entry) -> dict[str, D]:
    """``类 code → its first amount`` (the 合计 / 支出总计 column) in a function table."""
    codes = {r.row_no: r.code for r in doc.disclosure.rows if r.table_no == entry.table_no and r.code and len(r.code) == 3}
    out: dict[str, D] = {}
    for a in sorted((a for a in doc.disclosure.amounts if a.table_no == entry.table_no), key=lambda a: a.column_no):
        if a.row_no in codes:
            out.setdefault(codes[a.row_no], a.amount)
    return out


def test_shenzhen_tables_printed_again_under_their_title_are_one_table_each():
    doc = parsed_realdoc("guangdong/深圳_市信访局_2026_部门预算.pdf")
    assert (doc.department, doc.fiscal_year, doc.disclosure.stage) == ("深圳市信访局", 2026, "budget")
    # 收支总表 p15-16 (表1 printed on both pages): 本年收入合计 4,676.96 | 本年支出合计 4,684.30; 上年结余、结转 7.34;
    # 收入总计 4,684.30 = 支出总计 4,684.30
    (summary,) = _tables(doc, "income_expenditure_summary")
    assert (summary.first_page, summary.last_page) == (15, 16)
    s = _first_amounts(doc, summary)
    assert (s[(1, "本年收入合计")], s[(2, "本年支出合计")]) == (D("4676.96"), D("4684.30"))
    assert s[(1, "收入总计")] == s[(2, "支出总计")] == D("4676.96") + D("7.34")
    # 表7 一般公共预算支出表（按功能分类） p26-27: 201 3,459.13 · 205 20.00 · 208 367.54 (p26) · 210 84.39 · 221 753.24 (p27);
    # the unit row 深圳市信访局 prints their sum 4,684.30
    (function,) = _tables(doc, "function_expenditure", "general_public")
    assert (function.first_page, function.last_page) == (26, 27)
    classes = _classes(doc, function)
    assert classes == {"201": D("3459.13"), "205": D("20.00"), "208": D("367.54"), "210": D("84.39"), "221": D("753.24")}
    assert sum(classes.values()) == D("4684.30")


def test_guangzhou_and_zhuhai_codes_printed_in_brackets():
    # 广州 市信访局 表5 p11: 合计 3,944.08; [201]一般公共服务支出 2,570.71, [208] 419.35, [210] 3.97, [221] 950.05
    doc = parsed_realdoc("guangdong/广州_市信访局_2026_部门预算.pdf")
    (function,) = _tables(doc, "function_expenditure", "general_public")
    classes = _classes(doc, function)
    assert classes == {"201": D("2570.71"), "208": D("419.35"), "210": D("3.97"), "221": D("950.05")}
    assert sum(classes.values()) == _first_amounts(doc, function)[(1, "合计")] == D("3944.08")
    names = {r.code: r.name for r in doc.disclosure.rows if r.table_no == function.table_no and r.code}
    assert names["201"] == "一般公共服务支出" and names["2014001"] == "行政运行"
    # 珠海 市商务局 表1 收支总体情况表 p6-7: 本年收入合计 46,403.97 | 本年支出合计 66,307.98; 上年结转结余 19,904.01;
    # 收入总计 = 支出总计 = 66,307.98. 表5 p13-14: 合计 46,402.33 = [201] 41,350.29 + [208] 2,366.15 + [210] 185.89
    # + [216] 2,500.00 (p14)
    doc = parsed_realdoc("guangdong/珠海_市商务局_2026_部门预算.pdf")
    (summary,) = _tables(doc, "income_expenditure_summary")
    s = _first_amounts(doc, summary)
    assert (s[(1, "本年收入合计")], s[(2, "本年支出合计")]) == (D("46403.97"), D("66307.98"))
    assert s[(1, "收入总计")] == s[(2, "支出总计")] == D("46403.97") + D("19904.01")
    (function,) = _tables(doc, "function_expenditure", "general_public")
    classes = _classes(doc, function)
    assert classes == {"201": D("41350.29"), "208": D("2366.15"), "210": D("185.89"), "216": D("2500.00")}
    assert sum(classes.values()) == _first_amounts(doc, function)[(1, "合计")] == D("46402.33")


def test_foshan_final_accounts_row_numbers_are_no_amounts():
    # 表1 收入支出决算总表 p5-7 (the title on each page; p5 also prints 第二部分 …部门决算表 above it):
    # 项目 | 行次 | 决算数 on both sides. 本年收入合计 (行次 23) 1668.14 | 本年支出合计 (行次 49) 1668.14;
    # 总计 (行次 26) 1668.14 | 总计 (行次 52) 1668.14
    doc = parsed_realdoc("guangdong/佛山_市轨道交通局_2019_部门决算.pdf")
    assert (doc.department, doc.fiscal_year, doc.disclosure.stage) == ("佛山市轨道交通局", 2019, "final_accounts")
    (summary,) = _tables(doc, "income_expenditure_summary")
    assert (summary.first_page, summary.last_page) == (5, 7)
    s = _first_amounts(doc, summary)
    assert s[(1, "本年收入合计")] == s[(2, "本年支出合计")] == s[(1, "总计")] == s[(2, "总计")] == D("1668.14")
    amounts = {a.amount for a in doc.disclosure.amounts if a.table_no == summary.table_no}
    assert not {D(23), D(26), D(49), D(52)} & amounts
    assert any(e.kind == "row_number_column" and f"table {summary.table_no} " in e.detail for e in doc.events)
    # the source's own difference, kept as printed: 一、一般公共预算财政拨款收入 1668.14 + 七、其他收入 0.01
    assert (s[(1, "一、一般公共预算财政拨款收入")], s[(1, "七、其他收入")]) == (D("1668.14"), D("0.01"))


def test_hangzhou_spaced_totals_and_the_column_numbers_row():
    # 表1 p23-24: 本年收入合计 98,883.14 | 本年支出合计 99,230.46 (p23); 上年结转结余 347.32;
    # 收 入 总 计 99,230.46 | 支 出 总 计 99,230.46 (p24)
    doc = parsed_realdoc("zhejiang/杭州_市司法局_2026_部门预算.pdf")
    (summary,) = _tables(doc, "income_expenditure_summary")
    s = _first_amounts(doc, summary)
    assert (s[(1, "本年收入合计")], s[(2, "本年支出合计")]) == (D("98883.14"), D("99230.46"))
    assert s[(1, "收入总计")] == s[(2, "支出总计")] == D("98883.14") + D("347.32")
    kinds = {"".join((r.name or "").split()): r.row_kind for r in doc.disclosure.rows if r.table_no == summary.table_no}
    assert kinds["收入总计"] == kinds["支出总计"] == "total"
    # 表5 p30-31: header, then a row ** | 1 | 2 | 3 | 4 | 5 numbering the columns, then 合计 91,842.80
    (function,) = _tables(doc, "function_expenditure", "general_public")
    f = _first_amounts(doc, function)
    assert f[(1, "合计")] == D("91842.80") and (1, "**") not in f
    assert any(e.kind == "column_numbers_row" and "** 1 2 3 4 5" in e.detail for e in doc.events)


def test_hangzhou_class_levels_read_from_the_sums():
    # 表5 p30: names only, indented 44 / 54 / 64 pt: 一般公共服务支出 12,868.19 › 社会工作事务 0.19 › 其他社会工作事务支出
    # 0.19; › 其他一般公共服务支出 12,868.00 › 其他一般公共服务支出 12,868.00; 公共安全支出 69,081.15 › 司法 11,254.99 ›
    # 行政运行 8,553.80 … (the same name on two levels: only the sums tell them apart)
    doc = parsed_realdoc("zhejiang/杭州_市司法局_2026_部门预算.pdf")
    (function,) = _tables(doc, "function_expenditure", "general_public")
    rows = [r for r in doc.disclosure.rows if r.table_no == function.table_no and r.outline_level]
    assert [(r.outline_level, r.outline_path) for r in rows[:6]] == [
        (1, "一般公共服务支出"), (2, "一般公共服务支出/社会工作事务"),
        (3, "一般公共服务支出/社会工作事务/其他社会工作事务支出"), (2, "一般公共服务支出/其他一般公共服务支出"),
        (3, "一般公共服务支出/其他一般公共服务支出/其他一般公共服务支出"), (1, "公共安全支出")]
    assert rows[7].outline_path == "公共安全支出/司法/行政运行"
    assert [sum(1 for r in rows if r.outline_level == k) for k in (1, 2, 3)] == [4, 7, 28]
    # 表6 p32 (经济分类, 类/款): two levels; every table of the file printing names only got its levels
    (economic,) = _tables(doc, "economic_expenditure")
    assert {r.outline_level for r in doc.disclosure.rows if r.table_no == economic.table_no and r.outline_level} == {1, 2}
    assert [e.detail[:8] for e in doc.events if e.kind == "outline_from_sums"] == ["table 3:", "table 5:", "table 6:"]


def test_huzhou_summary_balances():
    # 表01 p17-18: 本年收入合计 6256.31 | 本年支出合计 6256.31; 收 入 总 计 6256.31 | 支 出 总 计 6256.31
    doc = parsed_realdoc("zhejiang/湖州_市退役军人事务局_2026_部门预算.pdf")
    (summary,) = _tables(doc, "income_expenditure_summary")
    s = _first_amounts(doc, summary)
    assert s[(1, "本年收入合计")] == s[(2, "本年支出合计")] == s[(1, "收入总计")] == s[(2, "支出总计")] == D("6256.31")


def test_beijing_six_decimal_amounts_and_dash_codes():
    # 市统计局 预算01表 p1: 本年收入合计 50,666.454093 | 本年支出合计 50,927.950741; 上年结转结余 369.765076 |
    # 年终结转结余 108.268428; 收入总计 51,036.219169 = 支出总计
    doc = parsed_realdoc("beijing/北京_市统计局_2026_部门预算报表.pdf")
    (summary,) = _tables(doc, "income_expenditure_summary")
    s = _first_amounts(doc, summary)
    assert (s[(1, "本年收入合计")], s[(2, "本年支出合计")]) == (D("50666.454093"), D("50927.950741"))
    assert s[(1, "收入总计")] == s[(2, "支出总计")] == D("50666.454093") + D("369.765076") == D("51036.219169")
    assert D("50927.950741") + D("108.268428") == D("51036.219169")
    # 市审计局 预算06表 p6, first row: 50101-工资奖金津补贴 | 30101-基本工资 | 3,138.093600 (合计) | 3,138.093600
    # (人员经费). The table crosses two classifications (政府 and 部门 经济分类): 30101 recurs under 50501
    # (事业单位); the row keeps its 部门 code and the 政府 one as its cross code, and the fact sums the combinations.
    doc = parsed_realdoc("beijing/北京_市审计局_2026_部门预算报表.pdf")
    (basic,) = [e for e in _tables(doc, "economic_expenditure") if e.first_page == 6]
    first = next(r for r in doc.disclosure.rows if r.table_no == basic.table_no and r.code)
    assert (first.code, first.name, first.class_code) == ("30101", "基本工资", "301")
    cells = {a.column_role: a.amount for a in doc.disclosure.amounts
             if a.table_no == basic.table_no and a.row_no == first.row_no}
    assert cells["total"] == cells["personnel"] == D("3138.093600")
    assert first.cross_codes == "政府支出经济分类科目 50101"
    # 预算03表 p3: 支出功能分类科目 | 政府支出经济分类科目 | 部门支出经济分类科目 on each of 64 rows, then 合 计
    # 32,852.053832: the 部门 code is the row's own, the two others its cross codes; the rows add up to the 合计
    (summary_by_class,) = [e for e in _tables(doc, "economic_expenditure") if e.first_page == 3]
    rows = {r.row_no: r for r in doc.disclosure.rows if r.table_no == summary_by_class.table_no}
    assert (rows[1].code, rows[1].cross_codes) == ("30101", "支出功能分类科目 2010801; 政府支出经济分类科目 50101")
    totals = [a for a in doc.disclosure.amounts if a.table_no == summary_by_class.table_no and a.column_role == "total"]
    assert sum(a.amount for a in totals if rows[a.row_no].row_kind == "item") == D("32852.053832")
    assert [a.amount for a in totals if rows[a.row_no].row_kind == "total"] == [D("32852.053832")]
