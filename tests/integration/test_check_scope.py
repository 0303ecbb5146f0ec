"""The GX checks of a document's run read that run's documents; the nightly rebuild reads every document (issue 29).

A fault planted in another document's rows must not fail the run of this one (its cost and its verdict do not
depend on what else the warehouse holds), and must fail the whole-warehouse run of the same suites.
Real DuckDB and GX over a copy of the seeds' warehouse (``seeded_warehouse``).
"""

from __future__ import annotations

import shutil

import duckdb
import pytest

from orchestration.run_documents import run_document_ids, stage_run_config
from orchestration.quality.runner import run_suites
from orchestration.settings import duckdb_path


@pytest.fixture(scope="module")
def two_departments(seeded_warehouse, tmp_path_factory):
    """A copy of the seeds' warehouse and two loaded 项目支出绩效目标表 of different departments: (con, kept, faulty)."""
    _, warehouse_dir = seeded_warehouse
    copy = tmp_path_factory.mktemp("scope") / "warehouse.duckdb"
    shutil.copyfile(duckdb_path(warehouse_dir), copy)
    con = duckdb.connect(str(copy))
    rows = con.execute("""
        SELECT document_id, department FROM raw.documents
        WHERE doc_type = 'project_targets' AND status = 'loaded' ORDER BY file_name""").fetchall()
    kept, faulty = rows[0], next(r for r in rows if r[1] != rows[0][1])
    # the faulty document: a project's 总计 no longer equals its parts (raw), and its department's mart total is off
    con.execute("""
        UPDATE raw.budget_lines SET amount_total = amount_total + 100
        WHERE document_id = ? AND line_type = 'project'
          AND line_no = (SELECT min(line_no) FROM raw.budget_lines WHERE document_id = ? AND line_type = 'project')""",
                [faulty[0], faulty[0]])
    con.execute("""
        UPDATE marts.fct_project_budget SET amount_total_wan = amount_total_wan + 7
        WHERE document_id = ? AND project_key = (SELECT min(project_key) FROM marts.fct_project_budget WHERE document_id = ?)""",
                [faulty[0], faulty[0]])
    yield con, kept[0], faulty[0]
    con.close()


def _blocking(outcomes) -> dict[str, int]:
    return {o.suite: len(o.blocking_failures) for o in outcomes}


@pytest.mark.parametrize("suites", [["staging_budget_lines", "staging_reconciliation"], ["marts_department_totals"]])
def test_a_run_checks_its_own_documents_and_the_nightly_every_document(two_departments, suites):
    con, kept, faulty = two_departments
    assert not any(_blocking(run_suites(con, suites, [kept], defer_docs=True)).values())
    assert any(_blocking(run_suites(con, suites, [faulty], defer_docs=True)).values())
    assert any(_blocking(run_suites(con, suites, None, defer_docs=True)).values())  # the nightly rebuild's scope


def test_a_run_reads_only_its_documents_rows(two_departments):
    con, kept, faulty = two_departments
    for suite in ("staging_budget_lines", "marts_disclosure_checks"):
        (outcome,) = run_suites(con, [suite], [kept], defer_docs=True)
        (everything,) = run_suites(con, [suite], None, defer_docs=True)
        assert outcome.row_count <= everything.row_count
    (lines,) = run_suites(con, ["staging_budget_lines"], [kept], defer_docs=True)
    (expected,) = con.execute("SELECT count(*) FROM raw.budget_lines WHERE document_id = ?", [kept]).fetchone()
    assert lines.row_count == expected > 0
    # the department totals of the kept document's department only (4 amount columns per department-year)
    (totals,) = run_suites(con, ["marts_department_totals"], [kept], defer_docs=True)
    (departments,) = con.execute("""SELECT count(DISTINCT (department, fiscal_year)) FROM stg.stg_documents
                                    WHERE document_id = ?""", [kept]).fetchone()
    assert totals.row_count == 4 * departments


def test_run_document_ids_reads_the_stage_config():
    config = stage_run_config({"b" * 64: "/inbox/b.pdf", "a" * 64: "/inbox/a.pdf"}, move_processed=True)
    assert run_document_ids(config) == ["b" * 64, "a" * 64]  # the files' order
    again = stage_run_config({"b" * 64: "/inbox/b.pdf"}, move_processed=False, document_ids=["c" * 64, "b" * 64])
    assert run_document_ids(again) == ["b" * 64, "c" * 64]
    assert run_document_ids({}) is None and run_document_ids(None) is None  # nightly: the whole warehouse


def test_a_document_of_the_run_that_the_gate_quarantined_is_left_out(two_departments):
    """The gate quarantines a document after staging and keeps its rows; the checks after it read loaded rows only."""
    from orchestration.defs.quality.checks import loaded_among

    con, kept, faulty = two_departments
    con.execute("UPDATE raw.documents SET status = 'quarantined' WHERE document_id = ?", [faulty])
    try:
        assert loaded_among(con, [faulty, kept]) == [kept] and loaded_among(con, None) is None
        outcomes = run_suites(con, ["staging_budget_lines", "staging_reconciliation"], loaded_among(con, [faulty]),
                              defer_docs=True)
        assert not any(_blocking(outcomes).values())
        assert all(o.row_count == 0 for o in outcomes)
        # the suites themselves validate the ids they are given, whatever their status (the gate, a test)
        assert any(_blocking(run_suites(con, ["staging_reconciliation"], [faulty], defer_docs=True)).values())
    finally:
        con.execute("UPDATE raw.documents SET status = 'loaded' WHERE document_id = ?", [faulty])
