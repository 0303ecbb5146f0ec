"""The main job over the real 2026 Guangzhou performance-target PDFs (``../shared/realdocs/guangzhou-2026/``).

Both files load (issue 25: both were quarantined before), and the marts carry what the pages print:
the 项目支出绩效目标表 (合计 86,246.64 万元, four units, 70 projects, 404 indicators of which 67 成本指标) and
the 部门整体预算绩效目标申报表 (the budget split, five tasks, 21 indicators). The 0.01 万元 rounding
differences of the source are findings with their page, not reasons to drop the document.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tests.bundles import REALDOCS
from tests.pipeline import query

pytestmark = pytest.mark.slow

FOLDER = REALDOCS / "guangzhou-2026"
PROJECTS = "广州_市政务服务和数据管理局_2026_项目支出绩效目标表.pdf"
DEPARTMENT = "广州_市政务服务和数据管理局_2026_部门整体预算绩效目标申报表.pdf"
#: The rows of one file (``?``) in a mart keyed by document_id: the shared run holds other documents too.
OF_FILE = "document_id IN (SELECT document_id FROM raw.documents WHERE file_name = ?)"


@pytest.fixture(scope="module")
def warehouse(guangzhou_beijing_run):
    """Both files of the folder, in the session's run that the review-queue and narrative-pair modules read too
    (``tests/shared_runs.py``; the 北京 副中心 pair and an empty file are there as well)."""
    if len(sorted(FOLDER.glob("*.pdf"))) != 2:
        pytest.skip(f"the two real documents are not in {FOLDER}")
    return guangzhou_beijing_run


def test_both_files_load_and_serving_is_published(warehouse):
    result, wh = warehouse
    assert result.success and result.blocking_failures() == []
    # the shared run (tests/shared_runs.py) holds the 北京 副中心 pair and an empty file too: this folder's files
    statuses = dict(query(wh, "SELECT file_name, status || '/' || doc_type FROM raw.documents WHERE file_name IN (?, ?)",
                          [PROJECTS, DEPARTMENT]))
    assert statuses == {PROJECTS: "loaded/project_targets", DEPARTMENT: "loaded/department_targets"}
    assert (wh / "serving.duckdb").is_file()


def test_project_marts(warehouse):
    _, wh = warehouse
    [(total, units, projects)] = query(wh, """
        SELECT sum(amount_total) FILTER (WHERE line_type = 'department_total'),
               count(*) FILTER (WHERE line_type = 'spending_unit'), count(*) FILTER (WHERE line_type = 'project')
        FROM raw.budget_lines JOIN raw.documents USING (document_id) WHERE file_name = ?""", [PROJECTS])
    assert (total, units, projects) == (D("86246.64"), 4, 70)
    assert query(wh, f"SELECT count(*) FROM marts.fct_project_budget WHERE {OF_FILE}", [PROJECTS]) == [(70,)]
    by_type = dict(query(wh, f"SELECT indicator_type, count(*) FROM marts.fct_indicator_target WHERE {OF_FILE} "
                             "GROUP BY ALL", [PROJECTS]))
    assert by_type == {"output": 192, "outcome": 98, "satisfaction": 47, "cost": 67}
    assert query(wh, f"SELECT count(*) FROM marts.fct_indicator_target WHERE is_taxonomy_violation AND {OF_FILE}",
                 [PROJECTS]) == [(0,)]
    # the source rounds: Σ units 86,246.63 against 合计 86,246.64, each a finding with its page
    findings = query(wh, """SELECT parent_label, amount_column, difference, source_page FROM marts.rpt_reconciliation_findings
                            WHERE amount_column = 'amount_total' AND file_name = ? ORDER BY parent_line_no""",
                     [PROJECTS])
    assert findings == [("合计", "amount_total", D("0.01"), 1),
                        ("广州市政务服务和数据管理局", "amount_total", D("-0.01"), 1),
                        ("广州市数字政府运营中心", "amount_total", D("-0.01"), 4),
                        ("广州市市长专线电话受理中心", "amount_total", D("-0.01"), 11)]


def test_department_form_marts_keep_the_split(warehouse):
    _, wh = warehouse
    [row] = query(wh, f"""SELECT department, fiscal_year, expenditure_basic_wan, expenditure_project_wan,
                                income_fiscal_appropriation_wan, income_other_wan, own_level_use_wan
                         FROM marts.fct_department_income WHERE {OF_FILE}""", [DEPARTMENT])
    assert row == ("广州市政务服务和数据管理局", 2026, D("12634.14"), D("86246.64"), D("98880.78"), D("0.00"),
                   D("98880.78"))
    tasks = [r[0] for r in query(wh, f"SELECT amount_wan FROM marts.dim_department_task WHERE NOT is_overall "
                                     f"AND {OF_FILE} ORDER BY task_no", [DEPARTMENT])]
    assert tasks == [D("164.85"), D("12000.00"), D("1108.00"), D("1756.90"), D("51365.96")]
    levels = dict(query(wh, f"SELECT level1_code, count(*) FROM marts.fct_department_target WHERE {OF_FILE} "
                            "GROUP BY ALL", [DEPARTMENT]))
    assert levels == {"1": 10, "2": 7, "3": 2, "4": 2}


def test_targets_table_total_equals_the_forms_project_expenditure(warehouse):
    """The two documents describe one project budget: 合计 86,246.64 (p1) = the form's 项目支出."""
    _, wh = warehouse
    assert query(wh, """SELECT targets_total_wan, targets_total_page, form_project_expenditure_wan, is_equal
                        FROM marts.rpt_targets_vs_department_budget""") == [(D("86246.64"), 1, D("86246.64"), True)]
