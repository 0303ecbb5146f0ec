"""Performance-target tables inside real 部门预算 bundles load as they do alone (issue 25).

Real files of ``../shared/realdocs`` (skipped when absent), parse only (no Dagster):

- 北京 ``预算12表 项目支出绩效目标表`` of the 城市副中心工程建设管理办公室 (pages 12–17): a national
  一级/二级/三级指标 grid with one row per indicator; 项目名称 / 项目总额 / 财政资金 / 其他资金 /
  绩效目标 are merged cells spanning the project's rows, and five projects run over a page
  break without a rule there, their text drawn whole on both pages (partly below the table,
  above it, or off the page). Values below were read off the pages with pdfplumber's
  ``extract_text``: e.g. page 12 ``11000023T00000210 / 3382-档案数字化及 / 其整理 8.566400``
  and on page 13 the same cell again, then ``收集整理，保存完好率 ＝ 100 %`` …
- 湖州 退役军人事务局 ``2026年市级部门项目支出绩效表`` (page 32): 单位名称 | 项目名称 | 金额 |
  项目总体绩效目标, no indicators; caption ``511-退役军人事务局 万元``; a total row printing
  4,651.90 over projects adding to 4,651.91.
- 杭州 气象局 ``表11：2026年市级部门项目支出绩效表`` (page 25): 3 projects, Σ 2,131.61 万元 = the
  项目支出 of the 支出预算总表 (page 17).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from orchestration.parsing.tables import classify_table
from tests.bundles import REALDOCS, parsed_realdoc

BEIJING = REALDOCS / "beijing" / "北京_城市副中心工程建设管理办公室_2026_部门预算报表.pdf"
HUZHOU = REALDOCS / "zhejiang" / "湖州_市退役军人事务局_2026_部门预算.pdf"
HANGZHOU = REALDOCS / "zhejiang" / "杭州_市气象局_2026_部门预算.pdf"
FUZHONGXIN = "北京城市副中心工程建设管理办公室"


def _parsed(path):
    """The parsed real document, once per session: the cache of ``tests/bundles.py`` that test_province_bundles
    (and the other real-document modules) share; skipped when the folder is absent."""
    return parsed_realdoc(str(path.relative_to(REALDOCS)))


def _projects(doc):
    return [b for b in doc.budget_lines if b.line_type == "project"]


def _project(doc, suffix):
    (line,) = [b for b in _projects(doc) if b.project_name.endswith(suffix)]
    return line


def _fields(indicator):
    return (indicator.level1_code, indicator.level1_name, indicator.level2_code, indicator.level2_name,
            indicator.indicator_name, indicator.operator, indicator.annual_target, indicator.measure_unit,
            indicator.source_page)


# ---------------------------------------------------------------- 北京: national grid, cut merged cells


def test_beijing_target_table_found_on_its_pages_and_read_by_the_grid_reader():
    doc = _parsed(BEIJING)
    tables = [e for e in doc.disclosure.inventory if e.entry_type == "table"]
    (grid,) = [e for e in tables if e.kind == "performance_target_grid"]
    assert (grid.title, grid.first_page, grid.last_page, grid.unit, grid.read) == (
        "预算12表 项目支出绩效目标表", 12, 17, "万元", True)
    # the 部门整体 form that follows is its own table, not a continuation of the project grid
    assert [(e.kind, e.first_page) for e in tables if e.first_page == 18] == [("department_targets", 18)]
    (read,) = [e for e in doc.events if e.kind == "grid_read"]
    assert "pages 12-17" in read.detail and "103 indicator(s)" in read.detail
    assert doc.department == FUZHONGXIN


def test_beijing_projects_amounts_and_unit():
    doc = _parsed(BEIJING)
    projects = _projects(doc)
    assert len(projects) == 13
    assert [p.source_page for p in projects] == [12, 12, 12, 13, 13, 13, 14, 14, 15, 15, 16, 16, 17]
    # six decimals of 万元 as printed, stored half-up to 0.01 with the printed value in an event
    assert _project(doc, "-因公出国（境）类项目").amount_total == Decimal("43.35")
    assert _project(doc, "-工程建设咨询服务").amount_total == Decimal("13.50")
    assert _project(doc, "-档案数字化及其整理").amount_total == Decimal("8.57")
    assert _project(doc, "-机动经费").amount_total == Decimal("5.55")
    assert any(e.kind == "amount_rounded" and "8.566400" in e.detail for e in doc.events)
    # 其中：财政资金 | 其他资金 — every project here is wholly 财政资金 (其他资金 blank)
    assert all(p.amount_fiscal_appropriation == p.amount_total and p.amount_other is None for p in projects)
    assert not any(e.kind == "fund_columns_differ" for e in doc.events)
    assert projects[0].project_name == "11000022T000000391740-因公出国（境）类项目"
    # no 单位 column: the department's own projects, under one unit line carrying their sum
    units = [b for b in doc.budget_lines if b.line_type == "spending_unit"]
    assert [(u.spending_unit, u.amount_total) for u in units] == [(FUZHONGXIN, Decimal("449.49"))]
    assert {p.spending_unit for p in projects} == {FUZHONGXIN}
    assert doc.budget_lines[0].line_type == "department_total"
    assert doc.budget_lines[0].amount_total == sum(p.amount_total for p in projects) == Decimal("449.49")
    assert any(e.kind == "spending_unit_from_department" for e in doc.events)
    # the derived lines add up as stored, every amount column (the fund split too)
    for name in ("amount_total", "amount_fiscal_appropriation"):
        assert getattr(units[0], name) == getattr(doc.budget_lines[0], name) == sum(getattr(p, name) for p in projects)
    assert not any(e.kind == "spending_unit_not_stated" for e in doc.events)


def test_beijing_project_cut_by_a_page_break_is_one_project():
    """档案数字化及其整理 runs from page 12 onto page 13 with no rule at the break; its merged cells
    are drawn whole on both pages. One project, its text read once, its 11 indicators on both pages."""
    doc = _parsed(BEIJING)
    project = _project(doc, "-档案数字化及其整理")
    assert project.project_name == "11000023T000002103382-档案数字化及其整理"
    assert project.goal_text.startswith("根据市委办公厅、市政府办公厅《关于印发<北京市档案馆接收档案的规定>的通知》")
    assert project.goal_text.endswith("逐步提高我办档案现代化管理水平及档案资源利用效果。")
    assert project.goal_text.count("根据市委办公厅") == 1
    indicators = [i for i in doc.indicators if i.line_no == project.line_no]
    assert len(indicators) == 11
    assert [i.source_page for i in indicators] == [12] * 6 + [13] * 5
    assert _fields(indicators[0]) == ("1", "产出指标", "12", "质量指标", "错误率", "≤", "2", "%", 12)
    assert _fields(indicators[2]) == ("1", "产出指标", "11", "数量指标", "档案数字化数量", "≥", "27390", "张", 12)
    assert _fields(indicators[4]) == ("1", "产出指标", "11", "数量指标", "实物档案", "≥", "100", "个（台、套、件、辆）", 12)
    assert _fields(indicators[6]) == ("2", "效益指标", "22", "社会效益指标", "收集整理，保存完好率", "＝", "100", "%", 13)
    assert _fields(indicators[7]) == ("2", "效益指标", "24", "可持续影响指标", "档案存档年限", "≥", "20", "年", 13)
    assert _fields(indicators[8]) == ("4", "成本指标", "41", "经济成本指标", "合同尾款", "≤", "4.2832", "万元", 13)
    assert _fields(indicators[10]) == ("3", "满意度指标", "31", "服务对象满意度指标", "档案使用人员满意度", "≥", "95", "%", 13)
    assert indicators[2].annual.comparator == "ge" and indicators[2].annual.value == 27390
    assert not any(e.kind == "cut_cell_copies_differ" for e in doc.events)


def test_beijing_indicator_counts_per_project_and_the_cross_check():
    doc = _parsed(BEIJING)
    assert len(doc.indicators) == 103
    counts = [sum(1 for i in doc.indicators if i.line_no == p.line_no) for p in _projects(doc)]
    assert counts == [7, 7, 11, 10, 6, 8, 6, 8, 9, 7, 12, 5, 7]
    first = [i for i in doc.indicators if i.line_no == _projects(doc)[0].line_no]
    assert _fields(first[4]) == ("4", "成本指标", "41", "经济成本指标", "项目预算控制", "≤", "43.35", "万元", 12)
    # the bundle's own arithmetic: the target table against the 支出总表's 项目支出 column (a subset: a finding)
    (check,) = [e for e in doc.events if e.kind == "targets_vs_project_expenditure"]
    # the page prints ``合 计 30,939.116470 921.324552 30,017.791918``: its total row (合 计, a space inside)
    # is the 项目支出 total (read as an item before, the column summed twice: 60035.583836)
    assert check.detail.startswith("Σ of the 13 target-table projects 449.485057 万元 vs the 项目支出 total 30017.791918 万元")
    assert "预算03表 支出总表" in check.detail and "differ by -29568.306861 万元" in check.detail


# ---------------------------------------------------------------- 浙江: goal tables without indicators


def test_huzhou_goal_table_read_with_units_amounts_and_its_printed_total():
    doc = _parsed(HUZHOU)
    (entry,) = [e for e in doc.disclosure.inventory if e.kind == "project_goals"]
    assert (entry.title, entry.first_page, entry.last_page, entry.unit, entry.read, entry.row_count) == (
        "2026年市级部门项目支出绩效表", 32, 32, "万元", True, 7)
    assert doc.department == "退役军人事务局"  # caption 511-退役军人事务局 万元
    projects = _projects(doc)
    assert len(projects) == 7
    assert [(p.spending_unit, p.project_name, p.amount_total) for p in projects[:4]] == [
        ("湖州市军用饮食供应和供水站", "军供保障", Decimal("35.00")),
        ("湖州市退役军人服务中心", "退役军人事务服务管理", Decimal("2.37")),
        ("湖州市烈士陵园管理所", "革命烈士纪念及保护", Decimal("166.50")),
        ("湖州市军队离休退休干部休养所", "军休服务管理", Decimal("2596.40")),
    ]
    assert projects[-1].goal_text.startswith("贯彻执行上级关于退役军人工作部署")
    assert len([b for b in doc.budget_lines if b.line_type == "spending_unit"]) == 5
    assert doc.indicators == []  # the table has no indicator column
    # printed total 4,651.90 over projects adding to 4,651.91: kept as printed, the difference a finding
    assert doc.budget_lines[0].amount_total == Decimal("4651.90")
    (difference,) = [e for e in doc.events if e.kind == "targets_total_difference"]
    assert "4651.90" in difference.detail and "4651.91" in difference.detail
    # the ** row under the labels is part of the header (kept in the labels)
    assert entry.column_labels == ["单位名称/**", "项目名称/**", "金额/**", "项目总体绩效目标/**"]


def test_hangzhou_goal_table_equals_the_project_expenditure_total():
    doc = _parsed(HANGZHOU)
    (entry,) = [e for e in doc.disclosure.inventory if e.kind == "project_goals"]
    assert (entry.title, entry.first_page, entry.unit) == ("表11：2026年市级部门项目支出绩效表", 25, "万元")
    projects = _projects(doc)
    assert [(p.spending_unit, p.project_name, p.amount_total) for p in projects] == [
        ("杭州市气象局", "气象业务建设", Decimal("1097.02")),
        ("杭州市气象局", "气象设施维护及科普", Decimal("887.90")),
        ("杭州市气象服务中心（杭州市预警信息发布中心）", "专业系统维护及科普", Decimal("146.69")),
    ]
    assert projects[2].goal_text == ("1.突发公共事件预警信息稳定运行；2.根据天气雷达运行保障的特点，通过维护定标、维修定标、"
                                     "调整定标和专项定标等，保障新一代天气雷达正常运行。")
    (check,) = [e for e in doc.events if e.kind == "targets_vs_project_expenditure"]
    assert "2131.61 万元 vs the 项目支出 total 2131.61 万元" in check.detail and check.detail.endswith("equal")
    # the standard tables of the bundle still load next to it
    assert doc.disclosure.amounts


# ---------------------------------------------------------------- classification by meaning


@pytest.mark.parametrize(("title", "header", "kind"), [
    ("表11：2026年市级部门项目支出绩效表", ["单位名称", "项目名称", "金额", "绩效目标"], "project_goals"),
    ("2026年市级部门项目支出绩效表", ["单位名称/**", "项目名称/**", "金额/**", "项目总体绩效目标/**"], "project_goals"),
    (None, ["项目", "预算数（单位：万元）", "绩效目标"], "project_goals"),
    (None, ["二级预算单位名称", "一级项目名称", "预算数（万元）", "绩效目标"], "project_goals"),
    ("预算12表 项目支出绩效目标表", ["项目名称", "项目总额", "其中：", "其中：", "绩效目标", "一级指标", "二级指标",
                                   "三级指标", "绩效指标性质", "本年绩效指标值", "绩效度量单位"], "performance_target_grid"),
    ("预算表12 项目支出绩效目标表", ["项目名称", "一级指标", "二级指标", "三级指标"], "performance_target_grid"),
    ("预算14表 专项转移支付绩效目标表", ["一级指标", "二级指标", "三级指标"], "transfer_payment_targets"),
    ("项目支出绩效目标表（含转移支付项目）", ["项目名称（资金使用单位）", "合计", "财政拨款", "绩效目标", "绩效指标"],
     "project_targets"),
    ("部门预算项目支出及其他支出预算表", ["单位名称", "项目名称", "总计", "一般公共预算", "绩效目标"], "project_expenditure"),
    # issue 27 §1: a 自评表 prints the grid's labels beside 实际完成值 / 得分; it is read as a self-evaluation
    # (readers/self_evaluation.py), no longer as a grid of published targets
    ("项目支出绩效自评表", ["项目名称", "年度目标", "一级指标", "二级指标"], "self_evaluation"),
])
def test_target_tables_are_classified_by_the_meaning_of_title_and_header(title, header, kind):
    assert classify_table(title, header).kind == kind


def test_beijing_cut_cells_conserve_characters_and_join_across_five_page_breaks():
    """The format reader (formats/pdf.py step 7) on the 副中心 file: one table over pages 12–17; every
    project cell cut at a page's bottom is continued by the cell at the next page's top (covered by it);
    every character of every table part is in a cell or in an event (the copies read beyond a cut count)."""
    import pdfplumber

    from orchestration.parsing.formats.pdf import read_pdf_layout

    if not BEIJING.is_file():
        pytest.skip(f"real document {BEIJING} not found (set REALDOCS_DIR to the realdocs folder)")
    with pdfplumber.open(BEIJING) as pdf:
        layout = read_pdf_layout(pdf)
    (grid,) = [t for t in layout.tables if t.first_page == 12]
    assert grid.pages == [12, 13, 14, 15, 16, 17]
    name_column = 1
    cut = [row[name_column] for row in grid.rows
           if row[name_column].is_origin and row[name_column].cut == "bottom" and row[name_column].text]
    assert [(c.page, c.text[:21]) for c in cut] == [
        (12, "11000023T000002103382"), (13, "11000024Y000002851260"), (14, "11000024Y000002851360"),
        (15, "11000025T000003336014"), (16, "11000026T000003932056")]
    continued = [row[name_column] for row in grid.rows if row[name_column].cut == "top"]
    assert [c.page for c in continued] == [13, 14, 15, 16, 17]
    assert all(not c.is_origin and grid.rows[c.covered_by[0]][c.covered_by[1]].cut == "bottom" for c in continued)
    counts = [count for table in layout.tables for count in table.char_counts]
    assert counts and all(region == in_cells + reported for _, region, in_cells, reported in counts)
