"""Incremental facts keyed by document (issue 29): a drop's build equals the nightly full rebuild.

``fct_indicator_target``, ``fct_project_budget``, ``fct_department_target`` and ``dim_project`` are dbt incremental models (``delete+insert`` on
``document_id``, macros/incremental_documents.sql). On two copies of the session's real warehouse
(the seeds, built by the main job) the same drop is applied to the raw tables:

- a corrected re-publication of one 项目支出绩效目标表 (a new version: same department, year and
  kind, later first_seen_at, one project's budget changed) that supersedes the old one;
- a re-parse of another document and of a 部门整体绩效目标 (re-staged: ingested_at now, one indicator
  name changed);
- a document whose rows are not in the facts yet (arrived after their last build).

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

FACTS = ("fct_indicator_target", "fct_project_budget", "fct_department_target", "dim_project")
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
            "AND table_name <> 'documents'").fetchall()]
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
    return {"old": old, "corrected": corrected, "restaged": restaged, "new": new, "untouched": untouched,
            "department": department}


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
        for fact in FACTS:
            con.execute(f"DELETE FROM marts.{fact} WHERE document_id = ?", [touched["new"]])
        original = con.execute("SELECT project_key, project_name FROM marts.fct_project_budget WHERE document_id = ? "
                               "ORDER BY project_key LIMIT 1", [touched["untouched"]]).fetchone()
        con.execute("UPDATE marts.fct_project_budget SET project_name = ? WHERE project_key = ?", [MARKER, original[0]])

    incremental_seconds = run_dbt(incremental, tmp_path / "inc")
    full_seconds = run_dbt(full, tmp_path / "full", "--full-refresh")
    print(f"dbt on the seeds' warehouse: incremental {incremental_seconds}, full refresh {full_seconds}")

    with duckdb.connect(str(incremental)) as con:
        # only the drop's documents were rebuilt: the planted row of an untouched document is still there
        assert con.execute("SELECT project_name FROM marts.fct_project_budget WHERE project_key = ?",
                           [original[0]]).fetchone()[0] == MARKER
        con.execute("UPDATE marts.fct_project_budget SET project_name = ? WHERE project_key = ?", list(original[::-1]))
        con.execute(f"ATTACH '{full}' AS full_build (READ_ONLY)")
        for fact in FACTS:
            assert fact_rows(con, "incremental", fact) == fact_rows(con, "full_build", fact), fact
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
