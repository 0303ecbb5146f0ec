"""The 部门整体支出绩效目标表 inside 北京 部门预算报表 bundles loads into the department-target records (issue 25).

Real files of ``../shared/realdocs/beijing`` (skipped when absent), parse only. Values read off the
pages with pdfplumber's ``extract_text``:

- 市审计局, ``预算13表 部门整体支出绩效目标表`` pages 20–21: ``部门名称 北京市审计局``; ``总体资金情况（万元）``
  ``32,852.053832 32,801.936639 25,218.537585 7,583.399054 50.117193 50.117193`` under 预算支出总额 |
  财政拨款 合计 基本支出 项目支出 | 其他资金 合计 基本支出 (blank) 项目支出; then ``活动 绩效指标 指标性质 指标值
  度量单位`` and rows such as ``审计业务 产出指标数量指标出具数据分析报告 ＝ 4 份`` — 32 indicators (24 产出,
  6 效益, 2 成本), 15 under 审计业务 and 17 under 审计管理 (page 21);
- 市统计局, page 41: ``50,927.950741 50,818.175849 32,757.015217 18,061.160632 109.774892 23.447892
  86.327000`` (其他资金 with a 基本支出 of its own); 13 indicators under 专项统计 (10 产出, 2 效益, 1 成本);
- 市财政局, pages 44–47: 69 indicators (53 产出, 16 效益) under 15 活动, the table continued over three
  page breaks (page 45 starts ``政府采购政策及监管 产出指标数量指标政府采购检查抽取项目数量 ≥ 150 个``).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from orchestration.parsing.formats.grid import GridCell, GridTable
from orchestration.parsing.readers.department_overview import read_department_overview, split_levels
from tests.bundles import REALDOCS, parsed_realdoc

AUDIT = REALDOCS / "beijing" / "北京_市审计局_2026_部门预算报表.pdf"
STATISTICS = REALDOCS / "beijing" / "北京_市统计局_2026_部门预算报表.pdf"
FINANCE = REALDOCS / "beijing" / "北京_市财政局_2026_部门预算报表.pdf"


def _parsed(path):
    """The parsed real document, once per session: the cache of ``tests/bundles.py`` that test_province_bundles
    (and the other real-document modules) share; skipped when the folder is absent."""
    return parsed_realdoc(str(path.relative_to(REALDOCS)))


def _fields(indicator):
    target = indicator.expected_target
    return (indicator.task_no, indicator.level1_code, indicator.level1_name, indicator.level2_code,
            indicator.level2_name, indicator.indicator_name, indicator.expected_value, indicator.calculation_unit,
            target.comparator, indicator.source_page)


def _indicator(targets, name):
    (found,) = [i for i in targets.indicators if i.indicator_name == name]
    return found


def test_audit_office_form_department_amounts_and_their_arithmetic():
    doc = _parsed(AUDIT)
    assert doc.doc_type == "budget_disclosure"
    targets = doc.department_targets
    profile = targets.profile
    assert (profile.department, profile.fiscal_year, profile.amount_unit_printed) == ("北京市审计局", 2026, "万元")
    # 万元 with six decimals as printed → 元 (×10,000, two decimals)
    assert profile.income_total_yuan == Decimal("328520538.32")                 # 预算支出总额 32,852.053832
    assert profile.income_fiscal_appropriation_yuan == Decimal("328019366.39")  # 财政拨款 合计 32,801.936639
    assert profile.income_other_yuan == Decimal("501171.93")                    # 其他资金 合计 50.117193
    assert profile.expenditure_basic_yuan == Decimal("252185375.85")            # 25,218.537585 + (blank)
    assert profile.expenditure_project_yuan == Decimal("76335162.47")           # 7,583.399054 + 50.117193
    assert profile.overall_goal.startswith("坚持以习近平新时代中国特色社会主义思想为指导")
    assert profile.overall_goal.endswith("做到应审尽审、凡审必严、严肃问责。")
    assert profile.other_notes is None
    (checked,) = [e for e in doc.events if e.kind == "department_funds_checked"]
    assert "财政拨款 合计 32801.936639 = 基本支出 25218.537585 + 项目支出 7583.399054" in checked.detail
    assert "其他资金 合计 50.117193 = 基本支出 0 + 项目支出 50.117193" in checked.detail
    assert "预算支出总额 32852.053832 = Σ sources 32852.053832" in checked.detail
    assert not any(e.kind == "department_budget_difference" for e in doc.events)
    # the table is read (no longer "no reader") and its entry says so
    (entry,) = [e for e in doc.disclosure.inventory if e.kind == "department_targets"]
    assert (entry.title, entry.first_page, entry.last_page, entry.read, entry.row_count) == (
        "预算13表 部门整体支出绩效目标表", 20, 21, True, 32)
    assert not any(e.kind == "table_not_read" and "部门整体支出绩效目标表" in e.detail for e in doc.events)


def test_audit_office_indicators_split_into_taxonomy_levels_under_their_activity():
    targets = _parsed(AUDIT).department_targets
    assert [(t.task_no, t.task_name) for t in targets.tasks] == [(1, "审计业务"), (2, "审计管理")]
    assert [len(targets.indicators_of(n)) for n in (1, 2)] == [15, 17]
    assert len(targets.indicators) == 32
    assert Counter(i.level1_code for i in targets.indicators) == {"1": 24, "2": 6, "4": 2}
    assert Counter(i.level2_code for i in targets.indicators) == {"11": 13, "12": 6, "13": 5, "22": 6, "41": 2}
    first = targets.indicators_of(1)[0]
    assert (first.seq, first.raw_row) == (1, "审计业务\t产出指标数量指标出具数据分析报告\t＝\t4\t份")
    assert _fields(first) == (1, "1", "产出指标", "11", "数量指标", "出具数据分析报告", "4", "份", "eq", 20)
    # a cell wrapped over two lines (…财 / 务数据) is one name
    assert _fields(_indicator(targets, "处理企业审计领域审计项目财务数据"))[:8] == (
        1, "1", "产出指标", "11", "数量指标", "处理企业审计领域审计项目财务数据", "1", "TB")
    assert _fields(_indicator(targets, "各项任务按时完成率")) == (
        1, "1", "产出指标", "13", "时效指标", "各项任务按时完成率", "90", "%", "ge", 20)
    # 定性: the value is a grade, no comparator
    assert _fields(_indicator(targets, "保障财政资金安全性和效益性")) == (
        1, "2", "效益指标", "22", "社会效益指标", "保障财政资金安全性和效益性", "优", None, "none", 20)
    # 成本指标 printed as 一级 is level-1 code 4, its 经济成本指标 41
    assert _fields(_indicator(targets, "市内公务餐费控制标准")) == (
        1, "4", "成本指标", "41", "经济成本指标", "市内公务餐费控制标准", "50", "元", "le", 20)
    assert _fields(_indicator(targets, "市内公务住宿费控制标准"))[6:9] == ("340", "元", "le")
    # page 21, the second activity
    assert _fields(_indicator(targets, "举办理论研讨会、行业交流会等")) == (
        2, "1", "产出指标", "11", "数量指标", "举办理论研讨会、行业交流会等", "10", "次", "ge", 21)
    assert _fields(_indicator(targets, "推动内部审计工作质量水平提升"))[6:] == ("良", None, "none", 21)
    assert not any(e.kind in ("indicator_levels_not_split", "indicator_category_unknown") for e in _parsed(AUDIT).events)


def test_statistics_bureau_other_funds_basic_expenditure_counts_in_the_split():
    doc = _parsed(STATISTICS)
    targets = doc.department_targets
    profile = targets.profile
    assert profile.department == "北京市统计局"
    assert profile.income_total_yuan == Decimal("509279507.41")
    assert profile.income_fiscal_appropriation_yuan == Decimal("508181758.49")
    assert profile.income_other_yuan == Decimal("1097748.92")
    assert profile.expenditure_basic_yuan == Decimal("327804631.09")    # 32,757.015217 + 23.447892
    assert profile.expenditure_project_yuan == Decimal("181474876.32")  # 18,061.160632 + 86.327000
    assert not any(e.kind == "department_budget_difference" for e in doc.events)
    assert [t.task_name for t in targets.tasks] == ["专项统计"]
    assert Counter(i.level1_code for i in targets.indicators) == {"1": 10, "2": 2, "4": 1}
    assert _fields(_indicator(targets, "保障数据准确性，参加国家局对各专业考核等次"))[:8] == (
        1, "1", "产出指标", "12", "质量指标", "保障数据准确性，参加国家局对各专业考核等次",
        "达到国家统计局对各专业业务工作考核等次良好及以上", None)
    assert _fields(_indicator(targets, "人口抽样调查数据差错率"))[6:9] == ("2", "%", "le")
    assert _fields(_indicator(targets, "全年支出不超过预算批复数"))[1:7] == (
        "4", "成本指标", "41", "经济成本指标", "全年支出不超过预算批复数", "全年总支出不超过预算批复数")


def test_finance_bureau_table_over_four_pages_keeps_every_activity():
    targets = _parsed(FINANCE).department_targets
    assert targets.profile.department == "北京市财政局"
    assert targets.profile.income_total_yuan == Decimal("441693575.32")
    assert targets.profile.income_other_yuan is None  # 其他资金 printed blank
    assert len(targets.indicators) == 69
    assert Counter(i.level1_code for i in targets.indicators) == {"1": 53, "2": 16}
    assert len(targets.tasks) == 15
    assert [t.task_name for t in targets.tasks][:4] == ["预算评审", "会计考试及会计管理", "资产管理", "政府采购政策及监管"]
    assert targets.tasks[-1].task_name == "预算管理"
    task = {t.task_name: t.task_no for t in targets.tasks}
    assert _fields(_indicator(targets, "政府采购检查抽取项目数量")) == (
        task["政府采购政策及监管"], "1", "产出指标", "11", "数量指标", "政府采购检查抽取项目数量", "150", "个", "ge", 45)
    assert _fields(_indicator(targets, "政府采购代理机构检查结果应用采纳率"))[1:9] == (
        "2", "效益指标", "24", "可持续影响指标", "政府采购代理机构检查结果应用采纳率", "95", "%", "ge")
    last = targets.indicators_of(task["预算管理"])[-1]
    assert last.indicator_name == "根据市人民代表大会批准的市级预算，在规定时间内向社会公开政府预算并批复部门预算"
    assert (last.expected_value, last.calculation_unit, last.source_page) == ("20", "日", 47)


def test_split_levels_by_taxonomy_names():
    assert split_levels("产出指标数量指标出具数据分析报告") == ("产出指标", "数量指标", "出具数据分析报告")
    assert split_levels("满意度指标服务对象满意度指标具备移交条件的及时办理移交") == (
        "满意度指标", "服务对象满意度指标", "具备移交条件的及时办理移交")
    assert split_levels("成本指标经济成本指标市内公务餐费控制标准") == ("成本指标", "经济成本指标", "市内公务餐费控制标准")
    # full-width spaces inside the printed names
    assert split_levels("效益指标　社会 效益指标部门稳定运行率") == ("效益指标", "社会效益指标", "部门稳定运行率")
    # no 二级 name after the 一级: the rest is the name; no 一级 at all: the whole text
    assert split_levels("产出指标完成审计项目数量") == ("产出指标", None, "完成审计项目数量")
    assert split_levels("完成审计项目数量") == (None, None, "完成审计项目数量")


def _table(rows: list[list[str]]) -> GridTable:
    cells = [[GridCell(text, 1, (j, i, j, i)) for j, text in enumerate(row)] for i, row in enumerate(rows)]
    return GridTable(table_no=1, caption=["预算13表 部门整体支出绩效目标表"], rows=cells, pages=[1],
                     bbox=(0, 0, 0, 0), column_count=len(rows[0]))


def test_unknown_levels_kept_whole_and_differences_reported():
    """A table built cell by cell (the format-neutral grid): 其他资金 合计 ≠ 基本 + 项目 and a 绩效指标 cell
    led by no taxonomy name — loaded, reported, never dropped."""
    table = _table([
        ["部门名称", "某部门", "", "", "", "", ""],
        ["总体资金情况（万元）", "预算支出总额", "财政拨款", "财政拨款", "财政拨款", "其他资金", "其他资金"],
        ["总体资金情况（万元）", "预算支出总额", "合计", "基本支出", "项目支出", "合计", "基本支出"],
        ["", "12.000000", "10.000000", "4.000000", "6.000000", "3.000000", "1.000000"],
        ["整体绩效目标", "目标文字", "", "", "", "", ""],
        ["活动", "绩效指标", "指标性质", "指标值", "度量单位", "", ""],
        ["业务", "产出指标数量指标完成数量", "≥", "5", "个", "", ""],
        ["业务", "工作完成情况", "定性", "好", "", "", ""],
    ])
    targets, events = read_department_overview(table, None)
    assert targets.profile.department == "某部门"
    assert targets.profile.income_total_yuan == Decimal("120000")
    assert targets.profile.expenditure_basic_yuan == Decimal("50000")
    kinds = [e.kind for e in events]
    differences = [e.detail for e in events if e.kind == "department_budget_difference"]
    assert any("其他资金 合计 3.000000 万元 ≠ 基本支出 1.000000 + 项目支出 0" in d for d in differences)
    assert any("预算支出总额 12.000000 万元 ≠ Σ of the sources' 合计 13.000000" in d for d in differences)
    assert [(i.level1_code, i.level2_code, i.indicator_name) for i in targets.indicators] == [
        ("1", "11", "完成数量"), (None, None, "工作完成情况")]
    assert "indicator_levels_not_split" in kinds
