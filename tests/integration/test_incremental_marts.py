"""Incremental facts keyed by document (issue 29): a drop's build equals the nightly full rebuild.

``fct_indicator_target``, ``fct_project_budget``, ``fct_department_target`` and ``dim_project`` are dbt incremental models (``delete+insert`` on
``document_id``, macros/incremental_documents.sql). On two copies of the session's real warehouse
(the seeds, built by the main job) the same drop is applied to the raw tables:

- a corrected re-publication of one 项目支出绩效目标表 (a new version: same department, year and
  kind, later first_seen_at, one project's budget changed) that supersedes the old one;
- a re-parse of another document and of a 部门整体绩效目标 (re-staged: ingested_at now, one indicator
  name changed);
- a document whose rows are not in the facts yet (arrived after their last build);
- a new document of a department the warehouse has not seen (a new dim_department row) and a new file
  that was quarantined (a rpt_document_summary row with its reason, no version of anything).

The per-document reports ``rpt_document_summary`` and ``rpt_reconciliation_findings`` list every
version, so the superseded document keeps its rows there with ``is_current`` false although it was not
staged again (its row depends on the other version: rebuilt from the registry's watermark);
``dim_department`` is rebuilt for the departments of those documents. A second drop then re-stages the
correction and the new department's document as quarantined: the old version is current again (in the
facts and in the reports) and the department no current document names any more leaves dim_department.

One copy is built incrementally, the other with ``--full-refresh`` (the nightly job): the facts are
equal row for row. A row planted in an untouched document survives the incremental build: only the
drop's documents were rebuilt.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO_ROOT

FACTS = ("fct_indicator_target", "fct_project_budget", "fct_department_target", "dim_project",
         "rpt_document_summary", "rpt_reconciliation_findings", "dim_department")
BY_DOCUMENT = tuple(fact for fact in FACTS if fact != "dim_department")
NEW_DEPARTMENT = "测试新部门（增量构建）"
MARKER = "未被重建的行 (untouched by the incremental build)"


def run_dbt(warehouse: Path, work: Path, *args: str) -> dict[str, float]:
    """``dbt run`` of the facts on ``warehouse``; returns each model's execution time (s) from run_results.json."""
    dbt = Path(sys.executable).with_name("dbt")
    target = work / "target"
    done = subprocess.run(
        [str(dbt), "run", "-s", *FACTS, *args, "--project-dir", ".", "--profiles-dir", ".",
         "--target-path", str(target), "--log-path", str(work / "logs")],
        cwd=REPO_ROOT / "dbt_project", env={**os.environ, "DUCKDB_PATH": str(warehouse)},
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:]
    results = json.loads((target / "run_results.json").read_text("utf-8"))["results"]
    return {r["unique_id"].rsplit(".", 1)[-1]: r["execution_time"] for r in results}


def apply_drop(warehouse: Path) -> dict[str, str]:
    """The drop described in the module docstring, written to the raw tables; returns the documents it touched."""
    with duckdb.connect(str(warehouse)) as con:
        docs = [d for (d,) in con.execute(
            "SELECT d.document_id FROM intermediate.int_documents d WHERE d.doc_type = 'project_targets' "
            "AND d.status = 'loaded' AND d.is_current "
            "AND EXISTS (SELECT 1 FROM raw.budget_lines b WHERE b.document_id = d.document_id AND b.line_type = 'project') "
            "AND EXISTS (SELECT 1 FROM raw.performance_indicators p WHERE p.document_id = d.document_id) "
            "ORDER BY d.file_name").fetchall()]
        assert len(docs) >= 4, docs
        old, restaged, new, untouched = docs[:4]
        corrected = f"corrected-{old[:12]}"
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = 'raw' AND column_name = 'document_id' "
            "AND table_name NOT IN ('documents', 'evidence_images')").fetchall()]  # evidence: the pipeline's output
        con.execute("INSERT INTO raw.documents SELECT * REPLACE (? AS document_id, 'corrected_' || file_name AS file_name, "
                    "first_seen_at + INTERVAL 1 DAY AS first_seen_at, now()::TIMESTAMP AS ingested_at) "
                    "FROM raw.documents WHERE document_id = ?", [corrected, old])
        for table in tables:
            con.execute(f"INSERT INTO raw.{table} SELECT * REPLACE (? AS document_id) FROM raw.{table} "
                        "WHERE document_id = ?", [corrected, old])
        con.execute("UPDATE raw.budget_lines SET amount_total = amount_total + 1 WHERE document_id = ? AND line_no = "
                    "(SELECT min(line_no) FROM raw.budget_lines WHERE document_id = ? AND line_type = 'project')",
                    [corrected, corrected])
        con.execute("UPDATE raw.performance_indicators SET indicator_name = indicator_name || '（重新解析）' "
                    "WHERE rowid = (SELECT min(rowid) FROM raw.performance_indicators WHERE document_id = ?)",
                    [restaged])
        # a 部门整体绩效目标 re-parsed too (fct_department_target)
        department = con.execute("SELECT min(document_id) FROM intermediate.int_documents WHERE is_current "
                                 "AND doc_type = 'department_targets'").fetchone()[0]
        con.execute("UPDATE raw.department_indicators SET indicator_name = indicator_name || '（重新解析）' "
                    "WHERE rowid = (SELECT min(rowid) FROM raw.department_indicators WHERE document_id = ?)", [department])
        con.execute("UPDATE raw.documents SET ingested_at = now()::TIMESTAMP WHERE document_id IN (?, ?, ?)",
                    [restaged, new, department])
        # a document of a department not seen before (loaded, with the rows of `new`), and a quarantined file
        fresh, quarantined = f"new-department-{new[:12]}", f"quarantined-{untouched[:12]}"
        con.execute("INSERT INTO raw.documents SELECT * REPLACE (? AS document_id, 'new_department_' || file_name "
                    "AS file_name, ? AS department, now()::TIMESTAMP AS ingested_at) FROM raw.documents "
                    "WHERE document_id = ?", [fresh, NEW_DEPARTMENT, new])
        for table in tables:
            con.execute(f"INSERT INTO raw.{table} SELECT * REPLACE (? AS document_id) FROM raw.{table} "
                        "WHERE document_id = ?", [fresh, new])
        con.execute("INSERT INTO raw.documents SELECT * REPLACE (? AS document_id, 'quarantined_' || file_name "
                    "AS file_name, 'quarantined' AS status, '无法解析 (test)' AS error, "
                    "first_seen_at + INTERVAL 2 DAY AS first_seen_at, now()::TIMESTAMP AS ingested_at) "
                    "FROM raw.documents WHERE document_id = ?", [quarantined, untouched])
    return {"old": old, "corrected": corrected, "restaged": restaged, "new": new, "untouched": untouched,
            "department": department, "fresh": fresh, "quarantined": quarantined}


def apply_second_drop(warehouse: Path, touched: dict[str, str]) -> None:
    """The correction and the new department's document re-staged as quarantined (a re-parse that failed)."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE raw.documents SET status = 'quarantined', error = '重新解析失败 (test)', "
                    "ingested_at = now()::TIMESTAMP WHERE document_id IN (?, ?)", [touched["corrected"], touched["fresh"]])


def fact_rows(con: duckdb.DuckDBPyConnection, schema: str, fact: str) -> list[tuple]:
    return sorted(con.execute(f"SELECT * FROM {schema}.marts.{fact}").fetchall(), key=repr)


@pytest.mark.slow
def test_incremental_build_equals_the_full_rebuild(seeded_warehouse, tmp_path):
    _, warehouse_dir = seeded_warehouse
    incremental, full = tmp_path / "incremental.duckdb", tmp_path / "rebuilt.duckdb"
    shutil.copy(warehouse_dir / "warehouse.duckdb", incremental)
    shutil.copy(warehouse_dir / "warehouse.duckdb", full)
    touched = apply_drop(incremental)
    assert apply_drop(full) == touched

    with duckdb.connect(str(incremental)) as con:
        # the facts as built before the drop: the new document's rows are not there yet
        for fact in BY_DOCUMENT:
            con.execute(f"DELETE FROM marts.{fact} WHERE document_id = ?", [touched["new"]])
        original = con.execute("SELECT project_key, project_name FROM marts.fct_project_budget WHERE document_id = ? "
                               "ORDER BY project_key LIMIT 1", [touched["untouched"]]).fetchone()
        con.execute("UPDATE marts.fct_project_budget SET project_name = ? WHERE project_key = ?", [MARKER, original[0]])
        # and in the reports: an untouched document's summary, a department no document of the drop names
        summary_file = con.execute("SELECT file_name FROM marts.rpt_document_summary WHERE document_id = ?",
                                   [touched["untouched"]]).fetchone()[0]
        con.execute("UPDATE marts.rpt_document_summary SET file_name = ? WHERE document_id = ?",
                    [MARKER, touched["untouched"]])
        drop_departments = [d for (d,) in con.execute(
            "SELECT DISTINCT department FROM intermediate.int_documents WHERE list_contains(?, document_id)",
            [list(touched.values())]).fetchall()]
        other_department = con.execute("SELECT department_key, department_names FROM marts.dim_department "
                                       "WHERE NOT list_contains(?, department) ORDER BY department_key LIMIT 1",
                                       [drop_departments]).fetchone()
        if other_department:
            con.execute("UPDATE marts.dim_department SET department_names = ? WHERE department_key = ?",
                        [MARKER, other_department[0]])

    incremental_seconds = run_dbt(incremental, tmp_path / "inc")
    full_seconds = run_dbt(full, tmp_path / "full", "--full-refresh")
    print(f"dbt on the seeds' warehouse: incremental {incremental_seconds}, full refresh {full_seconds}")

    with duckdb.connect(str(incremental)) as con:
        # only the drop's documents were rebuilt: the planted row of an untouched document is still there
        assert con.execute("SELECT project_name FROM marts.fct_project_budget WHERE project_key = ?",
                           [original[0]]).fetchone()[0] == MARKER
        con.execute("UPDATE marts.fct_project_budget SET project_name = ? WHERE project_key = ?", list(original[::-1]))
        assert con.execute("SELECT file_name FROM marts.rpt_document_summary WHERE document_id = ?",
                           [touched["untouched"]]).fetchone()[0] == MARKER
        con.execute("UPDATE marts.rpt_document_summary SET file_name = ? WHERE document_id = ?",
                    [summary_file, touched["untouched"]])
        if other_department:
            assert con.execute("SELECT department_names FROM marts.dim_department WHERE department_key = ?",
                               [other_department[0]]).fetchone()[0] == MARKER
            con.execute("UPDATE marts.dim_department SET department_names = ? WHERE department_key = ?",
                        list(other_department[::-1]))
        con.execute(f"ATTACH '{full}' AS full_build (READ_ONLY)")
        for fact in FACTS:
            assert fact_rows(con, "incremental", fact) == fact_rows(con, "full_build", fact), fact
        # the reports' cross-document columns: the superseded version was not staged again, yet its rows say so
        standing = dict(con.execute(
            "SELECT document_id, is_current_version FROM marts.rpt_document_summary").fetchall())
        reasons = dict(con.execute(
            "SELECT document_id, quarantine_reason FROM marts.rpt_document_summary").fetchall())
        findings_current = dict(con.execute(
            "SELECT DISTINCT document_id, is_current FROM marts.rpt_reconciliation_findings").fetchall())
        departments = {d: n for d, n in con.execute("SELECT department, document_count FROM marts.dim_department")
                       .fetchall()}
        by_document = dict(con.execute(
            "SELECT document_id, count(*) FROM marts.fct_project_budget GROUP BY document_id").fetchall())
        renamed = con.execute("SELECT count(*) FROM marts.fct_indicator_target WHERE document_id = ? "
                              "AND indicator_name LIKE '%（重新解析）'", [touched["restaged"]]).fetchone()[0]
        department_renamed = con.execute(
            "SELECT count(*) FROM marts.fct_department_target WHERE document_id = ? "
            "AND indicator_name LIKE '%（重新解析）'", [touched["department"]]).fetchone()[0]
    # the superseded version left the facts, its correction and the new document came in, the re-parse is visible
    assert touched["old"] not in by_document and by_document[touched["corrected"]] > 0
    assert by_document[touched["new"]] > 0 and renamed == 1 and department_renamed == 1
    assert standing[touched["old"]] is False and standing[touched["corrected"]] is True
    assert standing[touched["quarantined"]] is False and reasons[touched["quarantined"]] == "无法解析 (test)"
    assert findings_current.get(touched["old"], False) is False
    assert departments[NEW_DEPARTMENT] == 1

    # second drop: the correction fails its re-parse (quarantined): the old version is current again; the new
    # department's only document is quarantined: the department leaves dim_department
    apply_second_drop(incremental, touched)
    apply_second_drop(full, touched)
    run_dbt(incremental, tmp_path / "inc2")
    run_dbt(full, tmp_path / "full2", "--full-refresh")
    with duckdb.connect(str(incremental)) as con:
        con.execute(f"ATTACH '{full}' AS full_build (READ_ONLY)")
        for fact in FACTS:
            assert fact_rows(con, "incremental", fact) == fact_rows(con, "full_build", fact), fact
        standing = dict(con.execute(
            "SELECT document_id, is_current_version FROM marts.rpt_document_summary").fetchall())
        departments = {d for (d,) in con.execute("SELECT department FROM marts.dim_department").fetchall()}
        by_document = dict(con.execute(
            "SELECT document_id, count(*) FROM marts.fct_project_budget GROUP BY document_id").fetchall())
    assert standing[touched["old"]] is True and standing[touched["corrected"]] is False
    assert NEW_DEPARTMENT not in departments
    assert by_document[touched["old"]] > 0 and touched["corrected"] not in by_document
