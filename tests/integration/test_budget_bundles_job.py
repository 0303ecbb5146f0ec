"""The main job over the ten real 部门预算 / 部门决算 PDFs: staging → dbt marts → GX findings.

Numbers are the ones read off the pages (see tests/unit/test_budget_bundles.py);
the findings asserted here are differences printed in the source, shown next to
the cells that make them.
"""

from __future__ import annotations

from decimal import Decimal as D

import dagster as dg
import pytest

from orchestration.summary import fetch_disclosure_findings, fetch_table_inventory, finding_lines, inventory_lines
from orchestration.settings import duckdb_path
from tests.bundles import BUNDLES
from tests.integration.test_main_job import batch_over_copies, query

pytestmark = pytest.mark.slow

SIFAJU_DEPT = "上海市普陀区司法局_2026_部门预算.pdf"
SIFAJU_UNIT = "上海市普陀区司法局_2026_单位预算.pdf"
WANLI_2025 = "上海市普陀区万里街道办事处_2025_部门预算.pdf"
CAIZHENG = "上海市普陀区财政局_2024_部门决算.pdf"
TEMPLATE = "部门决算模板_空白_2024.pdf"


@pytest.fixture(scope="module")
def bundles_warehouse(tmp_path_factory):
    files = sorted(BUNDLES.glob("*.pdf"))
    if len(files) != 10:
        pytest.skip(f"the ten real documents are not in {BUNDLES}")
    return batch_over_copies(tmp_path_factory, "bundles", files)


def test_every_bundle_is_loaded_or_registered_with_its_inventory(bundles_warehouse):
    result, wh = bundles_warehouse
    assert result.success
    statuses = dict(query(wh, "SELECT file_name, status FROM raw.documents"))
    assert len(statuses) == 10
    assert statuses.pop(TEMPLATE) == "registered"
    assert set(statuses.values()) == {"loaded"}
    assert query(wh, "SELECT is_template FROM raw.disclosures JOIN raw.documents USING (document_id) "
                     "WHERE file_name = ?", [TEMPLATE]) == [(True,)]
    # the template's inventory is kept, its (absent) amounts feed no mart
    assert query(wh, "SELECT count(*) FILTER (WHERE is_present), count(*) FROM marts.rpt_disclosure_completeness "
                     "WHERE file_name = ?", [TEMPLATE]) == [(9, 9)]
    assert query(wh, "SELECT count(*) FROM marts.fct_function_expenditure WHERE file_name = ?", [TEMPLATE]) == [(0,)]
    # 部门预算 and 单位预算 of one department and year are two publications, both current
    assert query(wh, "SELECT count(*) FROM marts.dim_document WHERE department = '上海市普陀区司法局' AND is_current") == [(2,)]
    assert query(wh, "SELECT count(*) FROM marts.rpt_disclosure_completeness WHERE NOT is_present") == [(0,)]
    blocking = [e for e in result.check_evaluations() if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR]
    assert blocking == []


def test_function_expenditure_mart_in_yuan_and_wan(bundles_warehouse):
    _, wh = bundles_warehouse
    rows = query(wh, """
        SELECT stage, scope, function_level, function_name, total_yuan, basic_yuan, project_yuan, total_wan, unit_as_printed
        FROM marts.fct_function_expenditure
        WHERE file_name = ? AND fund_type = 'general_public' AND function_code = '2040601'""", [SIFAJU_DEPT])
    assert rows == [("budget", "department", "item", "行政运行", D("16726725.44"), D("16726725.44"), D("0.00"),
                     D("1672.672544"), "元")]
    # a 决算 printed in 万元: 支出决算表 p10, 201 06 01 行政运行 1,511.89 | 1,503.52 | 8.37 万元 (all funds)
    rows = query(wh, """
        SELECT stage, total_yuan, basic_yuan, project_yuan, total_wan, unit_as_printed FROM marts.fct_function_expenditure
        WHERE file_name = ? AND fund_type = 'all_funds' AND function_code = '2010601'""", [CAIZHENG])
    assert rows == [("final_accounts", D("15118900.00"), D("15035200.00"), D("83700.00"), D("1511.890000"), "万元")]
    assert query(wh, "SELECT count(*) FROM marts.fct_function_expenditure WHERE file_name = ? AND fund_type = 'general_public'",
                 [SIFAJU_DEPT]) == [(21,)]  # 4 类 + 4 款 + 13 项
    assert query(wh, "SELECT function_name FROM marts.dim_function_class WHERE function_code = '20406'") == [("司法",)]
    assert query(wh, """SELECT amount_wan FROM marts.fct_three_public_expenses
                        WHERE file_name = ? AND expense = 'total'""", [SIFAJU_DEPT]) == [(D("10.810000"),)]
    assert query(wh, """SELECT total_yuan, personnel_yuan, public_operating_yuan FROM marts.fct_economic_expenditure
                        WHERE file_name = ? AND economic_code = '301'""", [SIFAJU_DEPT]) == [
        (D("23084662.00"), D("23084662.00"), D("0.00"))]
    assert query(wh, """SELECT amount_yuan FROM marts.fct_budget_income
                        WHERE file_name = ? AND function_level = 'total' AND income_source = 'total'""", [SIFAJU_DEPT]) == [
        (D("96282213.44"),)]


def test_cross_table_checks_are_warn_findings_with_evidence(bundles_warehouse):
    result, wh = bundles_warehouse
    (check,) = [e for e in result.check_evaluations() if e.check_name == "gx_marts_disclosure_checks"]
    assert check.passed  # a WARN finding never fails the run
    warnings = check.metadata["warnings"].value
    assert any("difference_cents" in w for w in warnings)
    counts = dict(query(wh, "SELECT rule, count(*) FILTER (WHERE difference_cents <> 0) FROM marts.rpt_disclosure_checks GROUP BY rule"))
    assert set(counts) == {"summary_balance", "income_table_vs_summary", "function_tree_sum", "total_equals_parts",
                           "fiscal_summary_fund_sum", "fiscal_summary_vs_function", "three_public_parts", "same_code_same_amount",
                           "summary_class_vs_function", "function_vs_economic_total"}
    assert {r for r, n in counts.items() if n} == {"function_tree_sum", "total_equals_parts",
                                                   "summary_class_vs_function", "function_vs_economic_total"}
    # the 决算 p6 收支总表 prints 八、社会保障和就业支出 326.71 (万元), its 支出决算表 p15 prints 208 326.72; the same
    # class row of the 财政拨款收支总表 (p12) against the 一般公共预算财政拨款支出决算表
    assert query(wh, """SELECT source_page, left_yuan, right_yuan FROM marts.rpt_disclosure_checks
                        WHERE file_name = ? AND rule = 'summary_class_vs_function' AND difference_cents <> 0
                        ORDER BY source_page""", [CAIZHENG]) == [
        (6, D("3267100.00"), D("3267200.00")), (12, D("3267100.00"), D("3267200.00"))]
    # 司法局 单位预算: the 经济分类 table's 合计 (p19) 22,118,861.34 against the function table's 基本支出 合计 printed
    # 22,118,861 (p15, no decimals)
    assert query(wh, """SELECT left_yuan, right_yuan FROM marts.rpt_disclosure_checks
                        WHERE file_name = ? AND rule = 'function_vs_economic_total'""", [SIFAJU_UNIT]) == [
        (D("22118861.34"), D("22118861.00"))]
    # 司法局 单位预算 p11: 行政运行 合计 14,348,853.34 but 基本 14,348,853.34 + 项目 64,840,547.00 printed on the row
    assert query(wh, """SELECT source_page, left_yuan, right_yuan, difference_yuan, bbox_top < bbox_bottom
                        FROM marts.rpt_disclosure_checks
                        WHERE file_name = ? AND rule = 'total_equals_parts' AND subject = '2040601 行政运行'
                          AND table_title = '2026年预算单位支出预算总表'""", [SIFAJU_UNIT]) == [
        (11, D("14348853.34"), D("79189400.34"), D("-64840547.00"), True)]
    # 万里 2025 p12: 21201 城乡社区管理事务 94,995,790 vs its 项 rows 94,995,789
    assert query(wh, """SELECT left_yuan, right_yuan FROM marts.rpt_disclosure_checks
                        WHERE file_name = ? AND rule = 'function_tree_sum' AND subject = '21201 城乡社区管理事务 / 收入预算/合计'""",
                 [WANLI_2025]) == [(D("94995790.00"), D("94995789.00"))]
    # the 决算 in 万元: 合计 2,940.05 vs Σ 类 2,940.06 (rounding to 0.01 万元 in the source)
    assert query(wh, """SELECT left_yuan, right_yuan FROM marts.rpt_disclosure_checks
                        WHERE file_name = ? AND rule = 'function_tree_sum' AND subject = '合计 / 合计'""", [CAIZHENG]) == [
        (D("29400500.00"), D("29400600.00"))]
    # the balanced rules hold on every file: 收支总表 总计 both sides, 收入总表 = 收支总表, 三公 合计 = parts
    assert query(wh, "SELECT count(*) FROM marts.rpt_disclosure_checks WHERE rule = 'summary_balance'") == [(18,)]
    lines = finding_lines(fetch_disclosure_findings(duckdb_path(wh)))
    assert any(line.startswith(f"{SIFAJU_UNIT} p11 total_equals_parts 2040601 行政运行: 14,348,853.34 ≠ 79,189,400.34") for line in lines)


def test_run_prints_each_files_table_inventory(bundles_warehouse):
    _, wh = bundles_warehouse
    lines = inventory_lines(fetch_table_inventory(duckdb_path(wh)))
    assert len(lines) == 10
    (line,) = [l for l in lines if l.startswith(SIFAJU_DEPT)]
    assert "收支总表 p10 13 rows" in line and "支出总表 p12-13 22 rows" in line and "三公经费 p21 1 rows" in line
    assert line.endswith("narrative 9 pp")


def test_disclosure_marts_equal_the_golden_build(bundles_warehouse):
    """The marts of the ten real disclosures are those of the golden build (issue 17; see tests/golden.py)."""
    import json
    import os

    from tests.golden import DATA, diff, fingerprint, load_renames

    golden = DATA / "golden_marts_bundles.json"
    _, wh = bundles_warehouse
    actual = fingerprint(duckdb_path(wh), renames=load_renames())
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(json.dumps(actual, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert diff(expected, actual) == []
