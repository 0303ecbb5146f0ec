"""The table classifier decides by title words and header labels, whatever the spelling or place."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from orchestration.parsing.readers.budget_tables import column_role
from orchestration.parsing.tables import STANDARD_KINDS, classify_table, table_title, table_unit

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("title", "header", "key", "stage"),
    [
        ("2026年部门财务收支预算总表", [], "income_expenditure_summary", "budget"),
        ("部门收支总表", [], "income_expenditure_summary", None),
        ("收入支出决算总表", [], "income_expenditure_summary", "final_accounts"),
        ("2025年预算单位收入预算总表", [], "income_summary", "budget"),
        ("部门收入总表", [], "income_summary", None),
        ("收入决算表", [], "income_summary", "final_accounts"),
        ("部门支出总表", [], "expenditure_summary", None),
        ("支出决算表", [], "expenditure_summary", "final_accounts"),
        ("2024年部门财政拨款收支预算总表", [], "fiscal_appropriation_summary", "budget"),
        ("财政拨款收入支出决算总表", [], "fiscal_appropriation_summary", "final_accounts"),
        ("2026年部门一般公共预算支出功能分类预算表", [], "function_expenditure:general_public", "budget"),
        ("一般公共预算财政拨款支出决算表", [], "function_expenditure:general_public", "final_accounts"),
        ("一般公共预算支出表", [], "function_expenditure:general_public", "budget"),
        ("政府性基金预算支出表", [], "function_expenditure:government_fund", "budget"),
        ("政府性基金预算财政拨款收入支出决算表", [], "function_expenditure:government_fund", "final_accounts"),
        ("国有资本经营预算支出功能分类预算表", [], "function_expenditure:state_capital", "budget"),
        ("2026年部门一般公共预算基本支出部门预算经济分类预算表", [], "economic_expenditure", "budget"),
        ("一般公共预算财政拨款基本支出决算表", ["经济分类/科目编码/类", "科目名称", "决算数"], "economic_expenditure", "final_accounts"),
        ("2025年单位“三公”经费和机关运行经费预算表", [], "three_public_expenses", "budget"),
        ("财政拨款 三公 经费支出决算表", [], "three_public_expenses", "final_accounts"),
        ("部门政府采购预算表", [], "government_procurement", "budget"),
        ("部门项目支出预算表", [], "project_expenditure", "budget"),
        ("2024年项目支出绩效目标表", [], "project_targets", None),
        ("部门整体支出绩效目标申报表", [], "department_targets", None),
        ("单位构成表", ["序号", "单位名称", "备注"], "unknown", None),
        (None, ["目录"], "contents", None),
    ],
)
def test_classify_by_title_words(title, header, key, stage):
    kind = classify_table(title, header)
    assert (kind.key, kind.stage) == (key, stage)


def test_title_and_unit_from_caption_lines():
    caption = ["第二部分 上海市普陀区财政局 年度部门决算表", "2024", "收入支出决算总表", "单位：万元"]
    assert table_title(caption) == "收入支出决算总表"
    assert table_unit(caption) == "万元"
    assert table_unit(["编制部门：上海市普陀区司法局 单位：元"]) == "元"
    assert table_unit(["编制部门：上海市普陀区司法局 单位:万元"]) == "万元"
    assert table_title(["上海市普陀区司法局主要职能"]) is None


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("收入预算/事业单位经营收入", "operating_income"),
        ("收入预算/事业收入", "business_income"),
        ("收入预算/合计", "total"),
        ("本年收入合计", "total"),
        ("“三公”经费预算数/公务用车购置及运行费/小计", "official_vehicles"),
        ("“三公”经费预算数/公务用车购置及运行费/购置费", "vehicle_purchase"),
        ("财政拨款“三公”经费/合计/预算数", "total"),
        ("机关运行经费预算数", "administrative_operating"),
        ("财政拨款支出/一般公共预算", "general_public"),
        ("支出/一般公共预算财政拨款", "general_public"),
        ("本年支出/小计", "current_expenditure"),
        ("一般公共预算基本支出/人员经费", "personnel"),
    ],
)
def test_column_role_from_label_words(label, role):
    assert column_role(label) == role


def test_standard_kinds_equal_the_completeness_seed():
    with open(REPO / "dbt_project" / "seeds" / "standard_disclosure_tables.csv", encoding="utf-8") as handle:
        seed = [row["table_key"] for row in csv.DictReader(handle)]
    assert seed == list(STANDARD_KINDS)
