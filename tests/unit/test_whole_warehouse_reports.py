"""What a drop's build leaves out (issue 29), and when it follows: the rules, on their own.

- which whole-warehouse models a warehouse still lacks (a first drop builds them): a real DuckDB file;
- the ``--exclude`` added to dagster-dbt's selection;
- when the views are this project's already (a drop leaves them out): a real DuckDB file and the real manifest;
- when ``reports_refresh_job`` and ``dbt_tests_job`` are due (:func:`refresh_due`).
The whole path (a drop's build without them, the refresh rebuilding them) is
``tests/integration/test_streaming_dbt_in_process.py`` (slow tier).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import duckdb

from orchestration.dbt_in_process import _with_exclusion
from orchestration.defs.quality.sensors import REFRESH_QUIET_S, TESTS_MAX_WAIT_S, refresh_due
from orchestration.defs.transformation.dbt import (VIEWS_BUILT_FILE, WHOLE_WAREHOUSE_TAG,
                                                   _project_whole_warehouse_relations, dbt_project,
                                                   deferred_models_missing, project_fingerprint, record_views_built,
                                                   view_nodes, views_are_current)


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


def test_the_dbt_tests_wait_for_quiet_but_not_longer_than_the_max_wait():
    now = 1_000_000.0
    # a stream that never pauses: a drop's run is always in flight
    in_stream = dict(in_flight=True, last_refresh_created=now - 900, now=now, max_wait_s=TESTS_MAX_WAIT_S)
    assert refresh_due(now - 2, first_pending_end=now - 60, **in_stream) is not None  # untested for a minute: wait
    assert refresh_due(now - 2, first_pending_end=now - TESTS_MAX_WAIT_S, **in_stream) is None  # too long: due
    # ... once: a test run requested after the last drop's end is not requested again
    assert refresh_due(now - 2, True, now - 1, now, first_pending_end=now - 2, max_wait_s=TESTS_MAX_WAIT_S) is not None
    # the reports (no max wait) keep waiting for quiet
    assert refresh_due(now - 2, True, now - 900, now, first_pending_end=now - 3600) is not None


def test_a_drop_leaves_the_views_out_only_when_the_warehouse_holds_this_projects_views(tmp_path):
    manifest = json.loads(Path(dbt_project.manifest_path).read_text("utf-8"))
    views = view_nodes(manifest)
    assert len(views) > 30 and ("stg", "stg_documents") in views.values()
    db = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(db)) as con:
        for schema in {schema for schema, _ in views.values()}:
            con.execute(f"CREATE SCHEMA {schema}")
        for schema, name in views.values():
            con.execute(f"CREATE VIEW {schema}.{name} AS SELECT 1 AS x")
    assert not views_are_current(db, manifest)  # never recorded: a drop builds them
    # a build that created only some of them records nothing
    assert not record_views_built(db, manifest, set(list(views)[:-1]))
    assert not views_are_current(db, manifest)
    assert record_views_built(db, manifest, set(views) | {"model.x.some_table"})
    assert views_are_current(db, manifest)
    # another project (a view's SQL changed, a macro, a raw column): built again
    changed = copy.deepcopy(manifest)
    uid = next(iter(views))
    changed["nodes"][uid]["checksum"]["checksum"] = "0" * 64
    assert project_fingerprint(changed) != project_fingerprint(manifest)
    assert not views_are_current(db, changed)
    macro = next(iter(changed["macros"]))
    assert project_fingerprint({**manifest, "macros": {**manifest["macros"], macro: {"macro_sql": "x"}}}) != \
        project_fingerprint(manifest)
    # parse times and paths are not part of it (each `dbt parse` changes them)
    reparsed = copy.deepcopy(manifest)
    reparsed["nodes"][uid]["created_at"] = 1.0
    assert project_fingerprint(reparsed) == project_fingerprint(manifest)
    # a view dropped from the file: built again
    schema, name = views[uid]
    with duckdb.connect(str(db)) as con:
        con.execute(f"DROP VIEW {schema}.{name}")
    assert not views_are_current(db, manifest)
    (tmp_path / VIEWS_BUILT_FILE).write_text("not json", "utf-8")
    assert not views_are_current(db, manifest)
