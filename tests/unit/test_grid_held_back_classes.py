"""The three failure classes the held-back documents of other provinces showed (issue #25), in every format.

1. a 部门整体 grid with 指标值类型 / 指标值 / 计量单位 / 指标解释 / 评(扣)分标准 was not recognised as a grid
   (a rule excluded every table with 指标解释);
2. a single-project form that prints no 主管部门 gave no department total and no finding saying the
   department is unknown (the gate then quarantined a file whose indicators are real);
3. a multi-project grid and a form ruled with horizontal lines only gave 0 indicators from PDF, while
   their Excel / Word / HTML copies gave all of them.

Plus the 2026 framework's level-1 成本指标 (code 4), which is also the old 二级 成本指标 (14) under 产出指标:
its level is the column it is printed in. The documents are built from the real texts
(tests/national_forms.py, shared/realdocs/target-tables/).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from orchestration.parsing import parse_document
from tests.national_forms import (
    DEPARTMENT_GRID,
    EZHOU,
    HUNAN,
    HUNAN_COST_LEVEL1,
    HUNAN_NO_DEPARTMENT,
    SICHUAN,
    STD,
    WRITERS,
    to_pdf,
    to_xlsx,
)
from tests.unit.test_grid_targets import HUNAN_INDICATORS, SICHUAN_PROJECT_1, SICHUAN_PROJECT_2, _indicator_rows, _lines

FORMATS = ["pdf", "xlsx", "xls", "docx", "html"]
GOAL = "通过采购雾炮车降尘抑尘服务,服务周期2023.07-2024.01,全市空气质量达到优良"


def _department_indicators(doc):
    return [(i.task_no, i.seq, i.level1_name, i.level2_name, i.indicator_name, i.expected_value, i.calculation_unit,
             i.explanation, i.standard, i.weight, i.expected_target.comparator, i.expected_target.value,
             i.expected_target.unit) for i in doc.department_targets.indicators]


# (task, seq, 一级, 二级, 三级, 指标值, 计量单位, 指标解释, 评(扣)分标准, 权重, comparator from 指标值类型, value, unit)
DEPARTMENT_GRID_INDICATORS = [
    (0, 1, "产出指标", "数量指标", "办公大楼日常维修维护次数", "2280", "次", "反映办公大楼全年维修维护情况", STD, None,
     "ge", 2280.0, "次"),
    (0, 2, "产出指标", "数量指标", "大楼安检巡察次数", "200", "次", "反映大楼保卫巡检情况", STD, None, "ge", 200.0, "次"),
    (0, 3, "产出指标", "质量指标", "办公大楼日常维修维护验收合格率", "92", "%", "反映办公大楼全年维修维护质量情况", STD, None,
     "ge", 92.0, "%"),
    (0, 4, "成本指标", "经济成本指标", "项目预算控制率", "100", "%", "项目预算控制率=项目实际费用金额/项目投资概算*100%", STD,
     None, "le", 100.0, "%"),
    (0, 5, "满意度指标", "服务对象满意度指标", "市民满意度", "90", "%", None, STD, None, "ge", 90.0, "%"),
]


# ---------------------------------------------------------------- class 1
@pytest.mark.parametrize("fmt", FORMATS)
def test_department_grid_with_explanation_and_scoring_columns(fmt):
    doc = parse_document(WRITERS[fmt](DEPARTMENT_GRID), f"department-grid.{fmt}")
    assert (doc.doc_type, doc.layout, doc.department) == ("department_targets", "national_department_form",
                                                          "广水市人民政府办公室")
    profile = doc.department_targets.profile
    assert (profile.income_total_yuan, profile.income_fiscal_appropriation_yuan) == (Decimal("9681918"),
                                                                                    Decimal("9681918"))
    assert _department_indicators(doc) == DEPARTMENT_GRID_INDICATORS
    assert not [e for e in doc.events if e.kind == "grid_column_unknown"]


@pytest.mark.parametrize("fmt", ["xlsx", "html"])
def test_unknown_column_label_is_kept_and_reported(fmt):
    """A header label of no known type (Ezhou's 保障绩效目标实现措施 beside the grid) is reported, not dropped."""
    doc = parse_document(WRITERS[fmt](EZHOU), f"ezhou.{fmt}")
    unknown = [e.detail for e in doc.events if e.kind == "grid_column_unknown"]
    assert len(unknown) == 1 and "'保障绩效目标实现措施'" in unknown[0] and "column 5" in unknown[0]


# ---------------------------------------------------------------- class 2
@pytest.mark.parametrize("fmt", FORMATS)
def test_form_without_department_loads_with_a_finding(fmt):
    doc = parse_document(WRITERS[fmt](HUNAN_NO_DEPARTMENT), f"no-department.{fmt}")
    assert (doc.doc_type, doc.layout, doc.department, doc.fiscal_year) == ("project_targets", "national_project_form",
                                                                          None, 2023)
    # no unit either: the document's total is the sum of its projects (250万 read as 250 万元)
    assert _lines(doc) == [(1, "department_total", None, None, Decimal("250"), None, None, None),
                           (2, "project", None, "雾炮车降尘抑尘服务", Decimal("250"), None, None, GOAL)]
    assert _indicator_rows(doc) == [(2, *row) for row in HUNAN_INDICATORS]
    (finding,) = [e.detail for e in doc.events if e.kind == "department_unknown"]
    assert "主管部门" in finding and "实施单位" in finding


# ---------------------------------------------------------------- class 3
def _records(doc):
    return _lines(doc), _indicator_rows(doc), [i.annual for i in doc.indicators]


@pytest.mark.parametrize("rules", ["horizontal", "frame", "frame-first-column"])
@pytest.mark.parametrize("landscape_page", [True, False], ids=["landscape", "portrait"])
def test_multi_project_grid_ruled_with_horizontal_lines_only(landscape_page, rules):
    """``frame``: the rules and an outer box, whose two vertical edges make pdfplumber find one cell per row."""
    pdf = parse_document(to_pdf(SICHUAN, landscape_page=landscape_page, rules=rules), "sichuan.pdf")
    xlsx = parse_document(to_xlsx(SICHUAN), "sichuan.xlsx")
    assert (pdf.layout, pdf.department) == ("national_project_grid", "马踏镇部门")
    assert len(pdf.indicators) == 13
    assert _indicator_rows(pdf) == [(3, *r) for r in SICHUAN_PROJECT_1] + [(4, *r) for r in SICHUAN_PROJECT_2]
    assert [i.weight for i in pdf.indicators] == [10, 20, 10, 10, 10, 10, 10, 10, 10, 10, 10, 20, 10]
    assert [b.amount_total for b in pdf.budget_lines] == [Decimal("882.76"), Decimal("396.98"), Decimal("330.98"),
                                                          Decimal("66.00")]
    assert _records(pdf) == _records(xlsx)


@pytest.mark.parametrize("rules", ["horizontal", "frame"])
@pytest.mark.parametrize("form", [HUNAN, HUNAN_NO_DEPARTMENT], ids=lambda f: f.name)
def test_single_project_form_ruled_with_horizontal_lines_only(form, rules):
    pdf = parse_document(to_pdf(form, rules=rules), "form.pdf")
    xlsx = parse_document(to_xlsx(form), "form.xlsx")
    assert pdf.layout == "national_project_form"
    assert [(i.indicator_name, i.annual_target, i.standard) for i in pdf.indicators] == [
        (row[4], row[5], row[10]) for row in HUNAN_INDICATORS]
    assert _records(pdf) == _records(xlsx)
    assert pdf.department == xlsx.department


def test_department_grid_ruled_with_horizontal_lines_only():
    pdf = parse_document(to_pdf(DEPARTMENT_GRID, rules="horizontal"), "department-grid.pdf")
    assert pdf.layout == "national_department_form"
    assert _department_indicators(pdf) == DEPARTMENT_GRID_INDICATORS


def test_horizontal_rules_grid_over_two_pages():
    """A rules-only grid continued on a page without its header: the columns of the header stay in force."""
    data = to_pdf(SICHUAN, font_size=10, rules="horizontal")
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 2
    doc = parse_document(data, "sichuan-two-pages.pdf")
    assert _records(doc) == _records(parse_document(to_xlsx(SICHUAN), "sichuan.xlsx"))


# ---------------------------------------------------------------- 成本指标: level by column
@pytest.mark.parametrize("fmt", FORMATS)
def test_cost_indicator_level_is_the_column_it_is_printed_in(fmt):
    doc = parse_document(WRITERS[fmt](HUNAN_COST_LEVEL1), f"cost.{fmt}")
    cost = doc.indicators[4]
    assert (cost.level1_name, cost.level1_code, cost.level2_name, cost.level2_code, cost.indicator_name,
            cost.annual.value, cost.annual.unit) == ("成本指标", "4", "经济成本指标", "41", "控制在预算成本内", 250.0, "万")
    assert not [e for e in doc.events if e.kind == "indicator_category_unknown"]
    # the old framework's 成本指标 printed in the 二级 column under 产出指标 stays 14
    old = parse_document(WRITERS[fmt](HUNAN), f"hunan.{fmt}").indicators[4]
    assert (old.level1_code, old.level2_name, old.level2_code) == ("1", "成本指标", "14")


@pytest.mark.parametrize("fmt", FORMATS)
def test_cost_name_in_a_grid_without_level3_column_is_level2(fmt):
    """Hubei's grid has no 三级指标 column and its 一级 column holds 二级 names (数量指标, 质量指标): 成本指标
    there is the level-2 name (14, under 产出指标), not the 2026 level-1 成本指标 (4)."""
    cost = parse_document(WRITERS[fmt](EZHOU), f"ezhou.{fmt}").indicators[-1]
    assert (cost.level1_name, cost.level1_code, cost.level2_name, cost.level2_code, cost.indicator_name,
            cost.annual_target) == ("产出指标", "1", "成本指标", "14", "成本控制率", "不超预算")


@pytest.mark.parametrize("rules", ["grid", "horizontal"])
def test_department_grid_titled_like_the_guangzhou_form(rules):
    """A 部门整体绩效目标 title (the Guangzhou form's title mark) over the national grid: read by the grid reader
    (its header has a value column), not by the Guangzhou department reader."""
    form = type(DEPARTMENT_GRID)(name="titled", columns=8, above=["2023年部门整体绩效目标申报表"], rows=DEPARTMENT_GRID.rows)
    doc = parse_document(to_pdf(form, rules=rules), "titled.pdf")
    assert (doc.layout, doc.department) == ("national_department_form", "广水市人民政府办公室")
    assert _department_indicators(doc) == DEPARTMENT_GRID_INDICATORS
