"""绩效自评表 through the whole pipeline (issue 27 §1): raw tables, fct_indicator_outcome, the match with the published
targets (rpt_targets_vs_outcomes), the chart shape and the report section, on a real run.

Inbox: the real 宁德 部门整体绩效自评表 and 佛山 部门决算 (its page-29 list 项目名称 | 自评分数), and a rendered
项目支出绩效自评表 of 宁德市人民政府办公室 2024 (政务热线运行维护) beside that project's rendered 绩效目标申报表
(``tests/self_evaluation_forms.py``): three of its four evaluated indicators are among the published targets
(``“接通率”`` printed with quotes in the evaluation), 群众满意度 is not, and the published 热线知晓率 is not evaluated;
and a rendered 2024 部门整体支出绩效目标申报表 of 宁德市人民政府办公室 whose targets 电梯维保次数 and 转办准确率 the real
部门整体绩效自评表 evaluates (12345平台座席满意率 too, but the 自评表 prints it as 度12345平台座席满意率).
"""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from orchestration.reporting.outcomes import targets_met_by_department
from orchestration.settings import SERVING_FILE_NAME
from tests.bundles import REALDOCS
from tests.national_forms import to_pdf
from tests.pipeline import batch_over_copies, query
from tests.self_evaluation_forms import department_targets, project_evaluation, project_targets

pytestmark = pytest.mark.slow

NINGDE = REALDOCS / "self-evaluation" / "宁德_市人民政府办公室_2024_部门整体绩效自评表.pdf"
FOSHAN = REALDOCS / "guangdong" / "佛山_市轨道交通局_2019_部门决算.pdf"


@pytest.fixture(scope="module")
def evaluation_run(tmp_path_factory):
    if not (NINGDE.is_file() and FOSHAN.is_file()):
        pytest.skip("realdocs not found (set REALDOCS_DIR)")
    rendered = tmp_path_factory.mktemp("rendered")
    evaluation, targets = rendered / "政务热线_项目支出绩效自评表.pdf", rendered / "政务热线_绩效目标申报表.pdf"
    evaluation.write_bytes(to_pdf(project_evaluation()))
    targets.write_bytes(to_pdf(project_targets()))
    department = rendered / "宁德_部门整体支出绩效目标申报表.pdf"
    department.write_bytes(to_pdf(department_targets()))
    result, warehouse_dir = batch_over_copies(tmp_path_factory, "self_evaluation",
                                              [NINGDE, FOSHAN, evaluation, targets, department])
    assert result.success
    return warehouse_dir


def test_every_document_loads_and_the_raw_tables_hold_what_the_pages_print(evaluation_run):
    statuses = query(evaluation_run, "SELECT file_name, status FROM raw.documents ORDER BY file_name")
    assert {status for _, status in statuses} == {"loaded"} and len(statuses) == 5
    summaries = query(evaluation_run, """
        SELECT d.file_name, count(*), sum(e.total_score), min(e.first_page)
        FROM raw.evaluation_summaries e JOIN raw.documents d USING (document_id)
        GROUP BY d.file_name ORDER BY d.file_name""")
    assert summaries == [
        ("佛山_市轨道交通局_2019_部门决算.pdf", 7, Decimal("694.110000"), 29),
        ("宁德_市人民政府办公室_2024_部门整体绩效自评表.pdf", 1, Decimal("92.330000"), 1),
        ("政务热线_项目支出绩效自评表.pdf", 1, Decimal("94.000000"), 1)]
    (funds,) = query(evaluation_run, """
        SELECT budget_initial, budget_full, executed, execution_rate, weight, score FROM raw.evaluation_funding f
        JOIN raw.documents d USING (document_id) WHERE d.file_name LIKE '宁德%' AND f.row_label = '合计'""")
    assert funds == (Decimal("9209.550000"), Decimal("9999.770000"), Decimal("8874.740000"), Decimal("88.750000"),
                     Decimal("10.000000"), Decimal("7.000000"))


def test_fct_indicator_outcome_on_the_real_form(evaluation_run):
    rows = query(evaluation_run, """
        SELECT department, fiscal_year, scope, level2_code, target_text, outcome_text, target_comparator,
               target_value_normalized, outcome_value_normalized, outcome_unit_from_target, weight, score, status,
               source_page
        FROM marts.fct_indicator_outcome WHERE indicator_name = '基本经费投入成本'""")
    assert rows == [("宁德市人民政府办公室", 2024, "department", "41", "≤3843.67万元", "4262.96", "le",
                     pytest.approx(38436700.0), pytest.approx(42629600.0), True, Decimal("4.000000"),
                     Decimal("0.000000"), "not_met", 1)]
    counts = query(evaluation_run, """
        SELECT scope, status, count(*) FROM marts.fct_indicator_outcome GROUP BY ALL ORDER BY ALL""")
    assert counts == [("department", "met", 15), ("department", "not_met", 2), ("project", "met", 3),
                      ("project", "not_met", 1)]


def test_targets_vs_outcomes_match_by_normalised_names_and_list_both_sides_unmatched(evaluation_run):
    project = query(evaluation_run, """
        SELECT indicator_name, match_status, targets_loaded, evaluated_target_text, published_target_text, status
        FROM marts.rpt_targets_vs_outcomes WHERE scope = 'project' ORDER BY match_status, indicator_name""")
    assert project == [
        ("“接通率”", "matched", True, "≥95%", "≥95%", "met"),
        ("受理来电数量", "matched", True, "≥10万件", "≥10万件", "met"),
        ("工单按时办结率", "matched", True, "≥98%", "≥98%", "not_met"),
        ("群众满意度", "outcome_without_target", True, "≥90%", None, "met"),
        ("热线知晓率", "target_without_outcome", True, None, "≥80%", None)]
    # the 部门整体 evaluation against the department's published 部门整体 targets of the same year
    department = query(evaluation_run, """
        SELECT indicator_name, match_status, targets_loaded, evaluated_target_text, published_comparator,
               published_value_normalized, status
        FROM marts.rpt_targets_vs_outcomes
        WHERE scope = 'department' AND match_status <> 'outcome_without_target' ORDER BY match_status, indicator_name""")
    assert department == [
        ("电梯维保次数", "matched", True, "≥24次", "ge", 24.0, "met"),
        ("转办准确率", "matched", True, "≥95%", "ge", 95.0, "met"),
        ("12345平台座席满意率", "target_without_outcome", True, None, "ge", 95.0, None),
        ("公文办理数量", "target_without_outcome", True, None, "ge", 3000.0, None)]
    unmatched = query(evaluation_run, """
        SELECT count(*), count(*) FILTER (WHERE targets_loaded), bool_or(indicator_name = '度12345平台座席满意率')
        FROM marts.rpt_targets_vs_outcomes WHERE scope = 'department' AND match_status = 'outcome_without_target'""")
    assert unmatched == [(15, 15, True)]


def test_chart_shape_and_report_section(evaluation_run):
    shape = query(evaluation_run, "SELECT * FROM marts.rpt_outcomes_by_department")
    assert shape == [("宁德市人民政府办公室", 2024, 21, 18, 3, 0, 85.7, Decimal("170.330000"),
                      Decimal("180.000000"))]
    con = duckdb.connect(str(evaluation_run / SERVING_FILE_NAME), read_only=True)
    try:
        section = targets_met_by_department(con)
    finally:
        con.close()
    assert section.spec is not None
    assert section.reading == ("18 of 21 comparable self-evaluated indicators met their target (86%) across 1 "
                               "department(s); most not met: 宁德市人民政府办公室 2024 (3).")
