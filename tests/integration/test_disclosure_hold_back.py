"""No content of one document can fail the build for the others (issue 26), end to end on a real warehouse.

Into a copy of the warehouse built from the five seeds, rows are planted that would break the error-severity
tests of the marts: a 部门预算 whose 经济分类 table prints a 4-digit code (``accepted_values`` on
``fct_economic_expenditure.economic_level``), and a task without a name in the seeds' 部门整体绩效目标 with one
indicator (``not_null`` on ``dim_department_task.task_label``, then ``relationships`` from
``fct_department_target.task_key``). ``dbt build`` of the whole project passes; each planted part is listed
in ``rpt_disclosure_tables_held_back`` alone; the planted document's sound table and every other document
still publish. The dbt unit tests in ``dbt_project/models/intermediate/_models.yml`` plant one violation at a
time for every contract; this test proves the same through ``dbt build`` and its error tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import duckdb_path

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
PLANTED = "planted-economic-4-digit"


def _plant_disclosure(con: duckdb.DuckDBPyConnection) -> None:
    """A 部门预算 of 甲部门 2025: table 1 a sound 一般公共预算 功能分类 table, table 2 an 经济分类 table whose
    second row carries the 4-digit code 3010 (no 类 / 款 / 项 of the economic classification: 3, 5 or 7 digits)."""
    con.execute(
        "INSERT INTO raw.documents (document_id, file_name, format, doc_type, department, fiscal_year, byte_size, "
        "parser_version, status, ingested_at, first_seen_at) VALUES (?, ?, 'pdf', 'budget_disclosure', '甲部门', "
        "2025, 1, 'test', 'loaded', now(), now())", [PLANTED, f"{PLANTED}.pdf"])
    con.execute("INSERT INTO raw.disclosures VALUES (?, 'department', 'budget', false)", [PLANTED])
    for table_no, kind, fund, title in [
        (1, "function_expenditure", "general_public", "一般公共预算支出功能分类预算表"),
        (2, "economic_expenditure", None, "一般公共预算基本支出经济分类预算表"),
    ]:
        con.execute(
            "INSERT INTO raw.document_tables (document_id, entry_no, entry_type, kind, title, first_page, last_page, "
            "fund_type, stage, unit, row_count, amount_count, column_labels, read, table_no) "
            "VALUES (?, ?, 'table', ?, ?, ?, ?, ?, 'budget', '元', 2, 2, ['合计'], true, ?)",
            [PLANTED, table_no, kind, title, table_no, table_no, fund, table_no])
    rows = [(1, 1, "201", "201", None, "一般公共服务支出", 300.00), (1, 2, "20101", "201", "01", "人大事务", 300.00),
            (2, 1, "301", "301", None, "工资福利支出", 300.00), (2, 2, "3010", "301", "0", "基本工资", 300.00)]
    for table_no, row_no, code, class_code, section_code, name, amount in rows:
        con.execute(
            "INSERT INTO raw.budget_table_rows (document_id, table_no, row_no, side_no, row_kind, code, class_code, "
            "section_code, name, source_page) VALUES (?, ?, ?, 1, 'item', ?, ?, ?, ?, ?)",
            [PLANTED, table_no, row_no, code, class_code, section_code, name, table_no])
        con.execute(
            "INSERT INTO raw.budget_table_amounts (document_id, table_no, row_no, side_no, column_no, column_label, "
            "column_role, amount, unit, source_page) VALUES (?, ?, ?, 1, 2, '合计', 'total', ?, '元', ?)",
            [PLANTED, table_no, row_no, amount, table_no])


def _plant_unnamed_task(con: duckdb.DuckDBPyConnection) -> str:
    """Task 9 without a name, with one indicator, in the seeds' 部门整体绩效目标; returns its document id."""
    (document_id,) = con.execute("SELECT document_id FROM raw.department_targets ORDER BY 1 LIMIT 1").fetchone()
    con.execute("INSERT INTO raw.department_tasks (document_id, task_no, task_name) VALUES (?, 9, NULL)", [document_id])
    con.execute(
        "INSERT INTO raw.department_indicators (document_id, task_no, seq, indicator_name, level1_carried, level2_carried, "
        "repairs, raw_row) "
        "VALUES (?, 9, 1, '种植面积', false, false, [], '种植面积')", [document_id])
    return document_id


def test_planted_parts_are_held_back_alone_and_the_build_passes(seeded_warehouse, tmp_path):
    result, warehouse_dir = seeded_warehouse
    assert result.success
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(duckdb_path(warehouse_dir), warehouse)
    with duckdb.connect(str(warehouse)) as con:
        tasks_before = con.execute("SELECT count(*) FROM marts.dim_department_task").fetchone()[0]
        targets_before = con.execute("SELECT count(*) FROM marts.fct_department_target").fetchone()[0]
        _plant_disclosure(con)
        targets_document = _plant_unnamed_task(con)

    dbt = Path(sys.executable).with_name("dbt")
    build = subprocess.run(
        [str(dbt), "build", "--project-dir", ".", "--profiles-dir", ".",
         "--target-path", str(tmp_path / "dbt-target"), "--log-path", str(tmp_path / "dbt-logs")],
        cwd=REPO_ROOT / "dbt_project", env={**os.environ, "DUCKDB_PATH": str(warehouse)},
        capture_output=True, text=True, timeout=900,
    )
    assert build.returncode == 0, build.stdout[-4000:]

    with duckdb.connect(str(warehouse), read_only=True) as con:
        held_back = con.execute(
            "SELECT fact, document_id, table_no, contract_issue, is_table_held_back, cells, example_label "
            "FROM marts.rpt_disclosure_tables_held_back ORDER BY fact, table_no").fetchall()
        assert held_back == [
            ("dim_department_task", targets_document, 9, "task_label_missing", True, 1, f"{targets_document}:9"),
            ("fct_department_target", targets_document, 9, "task_not_published", True, 1, "种植面积"),
            ("fct_economic_expenditure", PLANTED, 2, "economic_level_missing", True, 1, "3010 / 合计"),
        ]
        # the planted document's sound table publishes; its broken table does not
        assert con.execute(
            "SELECT function_code, total_yuan FROM marts.fct_function_expenditure WHERE document_id = ? ORDER BY 1",
            [PLANTED]).fetchall() == [("201", 300), ("20101", 300)]
        assert con.execute("SELECT count(*) FROM marts.fct_economic_expenditure WHERE document_id = ?",
                           [PLANTED]).fetchone()[0] == 0
        # the seeds' targets still publish, their other tasks and indicators unchanged
        assert con.execute("SELECT count(*) FROM marts.dim_department_task").fetchone()[0] == tasks_before
        assert con.execute("SELECT count(*) FROM marts.fct_department_target").fetchone()[0] == targets_before
        # the table status: the function table's 类 = Σ 款 holds; no rule applies to the economic table, held back
        assert con.execute(
            "SELECT table_no, status, is_held_back FROM marts.rpt_disclosure_table_status WHERE document_id = ? "
            "ORDER BY 1", [PLANTED]).fetchall() == [(1, "verified", False), (2, "not_verifiable", True)]
