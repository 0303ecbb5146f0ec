"""The reports whose rows combine documents leave a drop's build (issue 29): the rules, on their own.

- which whole-warehouse models a warehouse still lacks (a first drop builds them): a real DuckDB file;
- the ``--exclude`` added to dagster-dbt's selection;
- when ``reports_refresh_job`` is due (:func:`refresh_due`).
The whole path (a drop's build without them, the refresh rebuilding them) is
``tests/integration/test_streaming_dbt_in_process.py`` (slow tier).
"""

from __future__ import annotations

import duckdb

from orchestration.dbt_in_process import _with_exclusion
from orchestration.defs.quality.sensors import REFRESH_QUIET_S, refresh_due
from orchestration.defs.transformation.dbt import (WHOLE_WAREHOUSE_TAG, _project_whole_warehouse_relations,
                                                   deferred_models_missing)


def test_the_project_tags_the_reports_that_combine_documents():
    relations = _project_whole_warehouse_relations()
    names = set(relations.values())
    assert {"rpt_indicator_reuse", "rpt_largest_projects", "rpt_targets_vs_outcomes",
            "rpt_department_indicator_quality", "rpt_indicator_quality"} <= names
    # what a drop must see at once stays in its build: the facts, the per-document reports
    assert not names & {"fct_project_budget", "fct_indicator_target", "dim_document", "rpt_document_summary",
                        "rpt_disclosure_checks", "rpt_document_status"}
    assert all(schema == "marts" for schema, _ in relations)


def test_a_warehouse_lacking_a_whole_warehouse_table_builds_them(tmp_path):
    relations = {("marts", "rpt_a"): "rpt_a", ("marts", "rpt_b"): "rpt_b"}
    db = tmp_path / "warehouse.duckdb"
    assert deferred_models_missing(db, relations) == ["rpt_a", "rpt_b"]  # no file yet: a first drop
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE SCHEMA marts; CREATE TABLE marts.rpt_a (x INTEGER)")
    assert deferred_models_missing(db, relations) == ["rpt_b"]
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE marts.rpt_b (x INTEGER)")
    assert deferred_models_missing(db, relations) == []


def test_the_exclusion_joins_dagster_dbts_selection():
    assert _with_exclusion(["--select", "a b"], f"tag:{WHOLE_WAREHOUSE_TAG}") == [
        "--select", "a b", "--exclude", "tag:whole_warehouse"]
    assert _with_exclusion(["--select", "a", "--exclude", "c"], "tag:x") == ["--select", "a", "--exclude", "c tag:x"]


def test_the_refresh_waits_for_quiet_and_runs_once_per_drop():
    now = 1_000_000.0
    assert refresh_due(None, False, None, now) is not None  # nothing processed yet
    assert refresh_due(now - 5, False, None, now) is not None  # a drop just ended: wait for quiet
    assert refresh_due(now - REFRESH_QUIET_S - 1, True, None, now) is not None  # a drop's run in flight
    assert refresh_due(now - REFRESH_QUIET_S - 1, False, None, now) is None  # quiet: due
    assert refresh_due(now - REFRESH_QUIET_S - 1, False, now - REFRESH_QUIET_S - 0.5, now) is not None  # done
    assert refresh_due(now - REFRESH_QUIET_S - 1, False, now - 3600, now) is None  # refreshed before the drop
