"""The streaming job's dbt step runs dbt in the Dagster process (issue 19), with the events of the subprocess.

``dbt_models`` builds the dbt models without their tests in this process (``dbtRunner``,
``orchestration/dbt_in_process.py``) when its step selects no dbt test check, as
``streaming_job`` does. Real definitions, real dbt and DuckDB, several warehouses in one pytest
process (dbt keeps adapters, flags and loggers process-wide).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_dbt import DbtCliResource

from orchestration.definitions import build_definitions
from orchestration.run_documents import stage_run_config
from orchestration.defs.transformation.dbt import (dbt_models, dbt_models_translator, dbt_project, view_nodes,
                                                  views_are_current)
from orchestration.resources import WarehouseResource
from orchestration.settings import SAMPLES_DIR, dbt_executable
from orchestration.ingestion.loading import connect

SAMPLE = SAMPLES_DIR / "004_1eb0d3f2a58e12d2.txt"
IN_PROCESS_LOG = "Running dbt in process"


def dbt_step_logs(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """The messages the ``dbt_models`` step logged in run ``run_id``."""
    return [e.user_message for e in instance.all_logs(run_id) if e.step_key == "dbt_models"]


def run_target(run_id: str) -> Path:
    """The dbt artifacts folder of the in-process build of run ``run_id``."""
    return Path(dbt_project.project_dir) / dbt_project.target_path / f"dbt_models-{run_id[:7]}"


def build_models_only(warehouse_dir: Path, instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    """The dbt step as ``streaming_job`` runs it (every dbt model, no dbt test check), alone, on ``warehouse_dir``."""
    return dg.materialize(
        [dbt_models],
        selection=dg.AssetSelection.assets(dbt_models).without_checks(),
        resources={"dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
                   "warehouse": WarehouseResource(warehouse_dir=str(warehouse_dir), inbox_dir=str(warehouse_dir / "inbox"))},
        instance=instance,
        raise_on_error=False,
    )


def empty_warehouse(warehouse_dir: Path) -> Path:
    """A warehouse with the raw schema and no document; returns its DuckDB file."""
    db = warehouse_dir / "warehouse.duckdb"
    with connect(db):
        pass
    return db


@pytest.mark.slow  # a streaming run on a sample: ~30 s
def test_the_streaming_dbt_step_builds_every_model_in_process_with_row_counts_and_no_test(tmp_path, monkeypatch):
    warehouse_dir = tmp_path / "warehouse"
    monkeypatch.setenv("WAREHOUSE_DIR", str(warehouse_dir))
    inbox = warehouse_dir / "inbox"
    inbox.mkdir(parents=True)
    (inbox / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    document_id = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    local = build_definitions(WarehouseResource(warehouse_dir=str(warehouse_dir), inbox_dir=str(inbox)))
    with dg.DagsterInstance.ephemeral() as instance:
        result = local.resolve_job_def("streaming_job").execute_in_process(
            instance=instance,
            run_config=stage_run_config({document_id: str(inbox / SAMPLE.name)}, move_processed=True))
        assert result.success  # the read-only steps after dbt (GX mart suites, publish) opened the file
        assert any(IN_PROCESS_LOG in m for m in dbt_step_logs(instance, result.run_id))
        # the publish goes before the run's summary and the evidence images (dagster/priority -1), not after
        started = [e.step_key for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_START]
        assert started.index("serving_database") < min(started.index("document_summary"),
                                                        started.index("evidence_images"))

    # every dbt model and seed, each with its column types, and a row count for every table
    materializations = {e.asset_key: e.materialization for e in result.get_asset_materialization_events()
                        if e.step_key == "dbt_models"}
    assert set(materializations) == set(dbt_models.keys)
    assert len(materializations) > 50
    manifest = json.loads(Path(dbt_project.manifest_path).read_text("utf-8"))
    for key, materialization in materializations.items():
        metadata = materialization.metadata
        node = manifest["nodes"][metadata["unique_id"].text]
        if node["resource_type"] != "model":
            continue
        assert metadata["dagster/column_schema"].schema.columns, key
        if node["config"]["materialized"] == "table":
            assert "dagster/row_count" in metadata, key
    assert materializations[dg.AssetKey(["marts", "rpt_document_summary"])].metadata["dagster/row_count"].value == 1

    # no dbt data test and no dbt unit test ran: both are dbt_tests_job's (`dbt test`) and the full builds'.
    assert not [e for e in result.get_asset_check_evaluations() if e.asset_check_key in dbt_models.check_keys]
    run_results = json.loads((run_target(result.run_id) / "run_results.json").read_text("utf-8"))
    ran = {r["unique_id"].split(".")[0] for r in run_results["results"]}
    assert "test" not in ran and "unit_test" not in ran and "model" in ran and "seed" in ran

    assert "dbt.cli.main" in sys.modules  # dbt ran here, imported on first use

    # The first build created every view of this project, and recorded it next to the warehouse.
    assert views_are_current(warehouse_dir / "warehouse.duckdb", manifest)

    # The next drop's build leaves the whole-warehouse reports out (they exist now: issue 29), and the views (this
    # project's already); reports_refresh_job rebuilds the reports, with their dbt tests, and republishes.
    second = SAMPLES_DIR / "003_cd7a85ae5b49b932.txt"
    (inbox / second.name).write_bytes(second.read_bytes())
    second_id = hashlib.sha256(second.read_bytes()).hexdigest()
    whole = {k for k in dbt_models.keys if "whole_warehouse" in local.get_repository_def().asset_graph.get(k).tags}
    assert len(whole) >= 5 and dg.AssetKey(["marts", "rpt_indicator_reuse"]) in whole
    with dg.DagsterInstance.ephemeral() as instance:
        drop = local.resolve_job_def("streaming_job").execute_in_process(
            instance=instance, run_config=stage_run_config({second_id: str(inbox / second.name)}, move_processed=True))
        assert drop.success
        assert any("--exclude tag:whole_warehouse config.materialized:view" in m
                   for m in dbt_step_logs(instance, drop.run_id))
        built = {e.asset_key for e in drop.get_asset_materialization_events() if e.step_key == "dbt_models"}
        views = {dbt_models_translator.get_asset_key(manifest["nodes"][uid]) for uid in view_nodes(manifest)}
        assert len(views) > 30 and views <= set(dbt_models.keys)
        assert built == set(dbt_models.keys) - whole - views
        refresh = local.resolve_job_def("reports_refresh_job").execute_in_process(instance=instance)
        assert refresh.success
        refreshed = {e.asset_key for e in refresh.get_asset_materialization_events()}
        assert whole | {dg.AssetKey("serving_database")} <= refreshed
        assert {e.asset_key for e in refresh.get_asset_check_evaluations()} <= whole  # their dbt tests, only
        assert all(e.passed for e in refresh.get_asset_check_evaluations())
    with duckdb.connect(str(warehouse_dir / "serving.duckdb"), read_only=True) as con:
        (projects,) = con.execute("SELECT count(DISTINCT department) FROM marts.rpt_largest_projects").fetchone()
    assert projects == 2  # both drops' departments in the refreshed ranking


@pytest.mark.slow  # two dbt builds: keeps the fast tier under 5 minutes
def test_two_warehouses_in_one_process_each_get_their_own_build(tmp_path):
    """dbt keeps its adapter (and dbt-duckdb its database handle) process-wide: each run must still
    build the warehouse of its own ``DUCKDB_PATH``, and leave the file closed."""
    first, second = empty_warehouse(tmp_path / "first"), empty_warehouse(tmp_path / "second")
    with duckdb.connect(str(first)) as con:  # one document row in the first warehouse only
        con.execute("INSERT INTO raw.documents (document_id, file_name, format, byte_size, parser_version, status, "
                    "ingested_at, first_seen_at) VALUES ('d1', 'one.txt', 'txt', 1, 'test', 'registered', now(), now())")
    with dg.DagsterInstance.ephemeral() as instance:
        runs = [build_models_only(db.parent, instance) for db in (first, second)]
        for run in runs:
            assert run.success
            assert any(IN_PROCESS_LOG in m for m in dbt_step_logs(instance, run.run_id))
    for run, db, rows in zip(runs, (first, second), (1, 0)):
        materializations = {e.asset_key: e.materialization for e in run.get_asset_materialization_events()}
        assert set(materializations) == set(dbt_models.keys)
        assert materializations[dg.AssetKey(["stg", "stg_documents"])].metadata["dagster/column_schema"].schema.columns
        assert materializations[dg.AssetKey(["marts", "rpt_document_summary"])].metadata["dagster/row_count"].value == rows
        with duckdb.connect(str(db)) as con:  # read-write in this process: dbt holds the file no more
            assert con.execute("SELECT count(*) FROM marts.rpt_document_summary").fetchone() == (rows,)
    assert "dbt.cli.main" in sys.modules  # dbt ran here, imported on first use


@pytest.mark.slow  # a dbt build: keeps the fast tier under 5 minutes
def test_a_failing_model_fails_the_step_naming_it_after_the_events_of_what_was_built(tmp_path):
    db = empty_warehouse(tmp_path)
    with duckdb.connect(str(db)) as con:
        con.execute("DROP TABLE raw.parse_events")  # stg_parse_events selects from it
    with dg.DagsterInstance.ephemeral() as instance:
        result = build_models_only(tmp_path, instance)
    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
    message = failure.step_failure_data.error.message
    assert "model.budget_targets.stg_parse_events (error)" in message
    assert "parse_events" in message and "does not exist" in message  # dbt's own error text
    built = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["stg", "stg_documents"]) in built  # what succeeded reached Dagster
    assert dg.AssetKey(["stg", "stg_parse_events"]) not in built
    with duckdb.connect(str(db)) as con:  # the failed build left the file closed too
        con.execute("SELECT 1")


def test_the_warm_up_parses_in_a_temporary_folder_and_touches_no_database(tmp_path, monkeypatch):
    from orchestration import dbt_in_process
    from orchestration.dbt_in_process import take_warm_manifest, warm_up

    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path / "nowhere" / "warehouse.duckdb"))
    target = Path(dbt_project.project_dir) / dbt_project.target_path
    # the files the asset graph and the next build read; the run folders beside them belong to whatever
    # else is running on this checkout (another test session, make dev), not to the warm-up
    kept = ("manifest.json", "partial_parse.msgpack")
    before = {name: (target / name).stat().st_mtime_ns for name in kept if (target / name).exists()}
    assert warm_up()
    assert not (tmp_path / "nowhere").exists()
    # its manifest serves the next build of that database only, once (a build compiles into it)
    manifest = take_warm_manifest(str(tmp_path / "nowhere" / "warehouse.duckdb"))
    assert manifest is not None and "model.budget_targets.rpt_document_summary" in manifest.nodes
    assert take_warm_manifest(str(tmp_path / "nowhere" / "warehouse.duckdb")) is None
    monkeypatch.setattr(dbt_in_process, "_WARM_MANIFEST", (str(tmp_path / "nowhere" / "warehouse.duckdb"), manifest))
    assert take_warm_manifest(str(tmp_path / "elsewhere" / "warehouse.duckdb")) is None  # another warehouse's build
    assert {name: (target / name).stat().st_mtime_ns for name in kept if (target / name).exists()} == before
