"""The inbox sensor's lean streaming job and the dbt tests that follow it (issue 19).

The sensor's runs build the dbt models without the dbt tests and keep every GX check (the
per-document gate, the staging suites, the blocking mart suites before publish); once the inbox is quiet
after a successful run, a ``dbt_tests_job`` run with every dbt test follows, whose failures reach the alert sensor.
Real definitions, a real run on the instance `make dev` configures (``orchestration.settings``),
real dbt and DuckDB.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import time
import types

import dagster as dg
import duckdb
import pytest
from dagster._core.definitions.dependency import NodeHandle

from orchestration.alerts import Outbox, WebhookSettings
from orchestration.definitions import build_definitions, defs
from orchestration.defs.alerting.sensors import run_alert_tick
from orchestration.defs.quality import sensors as follow_ups
from orchestration.run_documents import stage_run_config
from orchestration.defs.transformation.dbt import dbt_models
from orchestration.resources import WarehouseResource
from orchestration.settings import SAMPLES_DIR, dagster_home

GX_CHECKS = {"gx_document_gate", "gx_staging_documents", "gx_staging_budget_lines",
             "gx_staging_performance_indicators", "gx_marts_reconcile_with_staging",
             "gx_marts_disclosure_checks"}
SAMPLE = SAMPLES_DIR / "004_1eb0d3f2a58e12d2.txt"
BROKEN_TEST = "unique_rpt_document_summary_document_id"


def selected(job_name: str) -> tuple[set[dg.AssetKey], set[dg.AssetCheckKey]]:
    """The assets and the asset checks a job of the code location executes."""
    job = defs.get_repository_def().get_job(job_name)
    keys = set()
    for node in job.graph.nodes:
        keys |= set(job.asset_layer.get_selected_entity_keys_for_node(NodeHandle(node.name, None)))
    return ({k for k in keys if isinstance(k, dg.AssetKey)}, {k for k in keys if isinstance(k, dg.AssetCheckKey)})


def test_the_inbox_sensor_launches_the_streaming_job():
    repo = defs.get_repository_def()
    assert repo.get_sensor_def("inbox_sensor").job_name == "streaming_job"
    follow_up = repo.get_sensor_def("dbt_tests_after_streaming_sensor")
    assert follow_up.job_name == "dbt_tests_job"
    assert follow_up.default_status == dg.DefaultSensorStatus.RUNNING
    refresh = repo.get_sensor_def("reports_refresh_sensor")
    assert refresh.job_name == "reports_refresh_job" and refresh.default_status == dg.DefaultSensorStatus.RUNNING


def test_the_reports_refresh_job_rebuilds_the_whole_warehouse_reports_with_their_tests():
    graph = defs.get_repository_def().asset_graph
    whole = {k for k in dbt_models.keys if "whole_warehouse" in graph.get(k).tags}
    assets, checks = selected("reports_refresh_job")
    assert assets == whole | {dg.AssetKey("serving_database"), dg.AssetKey("warehouse_report")}
    assert checks and {c.asset_key for c in checks} <= whole  # their dbt tests
    job = defs.get_repository_def().get_job("reports_refresh_job")
    assert job.tags["budget_etl/writes_warehouse"] == "true" and int(job.tags["dagster/priority"]) < 0
    assert whole <= selected("nightly_rebuild_job")[0] and whole <= selected("main_job")[0]


def test_the_streaming_job_keeps_every_gx_check_blocking_and_no_dbt_test():
    dbt_tests = set(dbt_models.check_keys)
    assert len(dbt_tests) > 250  # every dbt test is a check of the dbt multi-asset (sources' included)
    main_assets, main_checks = selected("main_job")
    assets, checks = selected("streaming_job")
    # the same assets (staging, every dbt model, publish, summary) but the report: reports_refresh_job draws it
    assert assets == main_assets - {dg.AssetKey("warehouse_report")}
    assert {c.name for c in checks} == GX_CHECKS
    assert not checks & dbt_tests
    graph = defs.get_repository_def().asset_graph
    for check in checks:
        if check.name != "gx_document_gate":  # the per-document gate quarantines a document, never blocks
            assert graph.get(check).blocking, check
    # every dbt test still runs: after each streaming run (dbt_tests_job, no asset built) and in main_job
    test_assets, test_checks = selected("dbt_tests_job")
    assert test_assets == set() and test_checks == dbt_tests
    assert main_checks == checks | dbt_tests
    # the nightly rebuild: every test of the dbt models (it rebuilds from staging, not the staging tables)
    assert {c for c in dbt_tests if c.asset_key in dbt_models.keys} <= selected("nightly_rebuild_job")[1]
    # ... and the GX suites of the raw tables over every document (a document's run checks its own: issue 29)
    assert {c.name for c in selected("nightly_rebuild_job")[1] if c.name.startswith("gx_staging_")} == {
        "gx_staging_documents", "gx_staging_budget_lines", "gx_staging_performance_indicators"}


@pytest.mark.slow  # a streaming run, then a dbt_tests_job run and the alert sensor: ~47 s
def test_a_streaming_run_requests_the_dbt_tests_whose_failures_reach_the_alerts(tmp_path, monkeypatch):
    warehouse_dir = tmp_path / "warehouse"
    monkeypatch.setenv("WAREHOUSE_DIR", str(warehouse_dir))
    for name in ("DAGSTER_HOME", "INBOX_DIR", "ALERT_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    instance = dg.DagsterInstance.from_config(str(dagster_home()))  # the instance make dev runs on
    inbox = warehouse_dir / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLE, inbox / SAMPLE.name)
    document_id = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    local = build_definitions(WarehouseResource(warehouse_dir=str(warehouse_dir), inbox_dir=str(inbox)))
    try:
        streaming = local.resolve_job_def("streaming_job").execute_in_process(
            instance=instance,
            run_config=stage_run_config({document_id: str(inbox / SAMPLE.name)}, move_processed=True))
        assert streaming.success
        assert {e.check_name for e in streaming.get_asset_check_evaluations()} == GX_CHECKS
        with duckdb.connect(str(warehouse_dir / "serving.duckdb"), read_only=True) as con:
            assert con.execute("SELECT count(*) FROM marts.rpt_document_summary WHERE document_id = ?",
                               [document_id]).fetchone() == (1,)

        # the run's success requests the dbt tests once the inbox is quiet (no drop's run in flight for 30 s)
        sensor = local.resolve_sensor_def("dbt_tests_after_streaming_sensor")
        skipped = sensor(dg.build_sensor_context(instance=instance, sensor_name=sensor.name))
        assert isinstance(skipped, dg.SkipReason) and "quiet" in skipped.skip_message
        later = time.time() + follow_ups.REFRESH_QUIET_S + 1
        with monkeypatch.context() as patch:  # the sensor module's clock only, 31 s on
            patch.setattr(follow_ups, "time", types.SimpleNamespace(time=lambda: later))
            request = sensor(dg.build_sensor_context(instance=instance, sensor_name=sensor.name))
        assert isinstance(request, dg.RunRequest) and streaming.run_id in request.run_key

        # a duplicate summary row: the dbt test run reports it, and the alert sensor's tick raises it
        with duckdb.connect(str(warehouse_dir / "warehouse.duckdb")) as con:
            con.execute("INSERT INTO marts.rpt_document_summary SELECT * FROM marts.rpt_document_summary")
        # The test run reads a copy of the warehouse taken under the writer lock and does not hold the lock while
        # dbt runs, so a drop's run can write meanwhile: here this test holds the lock from the copy to the end.
        snapshot = WarehouseResource(warehouse_dir=str(warehouse_dir), inbox_dir=str(inbox)).tests_snapshot_dir
        outcome: dict = {}

        def test_run():
            outcome["tests"] = local.resolve_job_def("dbt_tests_job").execute_in_process(
                instance=instance, tags=request.tags, raise_on_error=False)

        thread = threading.Thread(target=test_run)
        thread.start()
        deadline = time.monotonic() + 300
        while not (snapshot / "warehouse.duckdb").exists() and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (snapshot / "warehouse.duckdb").exists(), "the test run copied the warehouse"
        with WarehouseResource(warehouse_dir=str(warehouse_dir), inbox_dir=str(inbox)).writer_lock():
            thread.join(timeout=600)
            assert not thread.is_alive(), "the dbt tests waited for the writer lock"
        tests = outcome["tests"]
        evaluations = {e.check_name: e for e in tests.get_asset_check_evaluations()}
        assert set(evaluations) == {k.name for k in dbt_models.check_keys}  # every dbt test, no model built
        assert tests.get_asset_materialization_events() == []
        assert not evaluations[BROKEN_TEST].passed
        assert sum(not e.passed for e in evaluations.values()) == 1
        assert not tests.success  # an error-severity test fails the run, as in the full build

        _cursor, counts = run_alert_tick(instance, Outbox(warehouse_dir / "alerts"), None, WebhookSettings(url=None))
        assert counts["runs"] == 2  # the streaming run (its gate may warn) and the test run
        alerts = [json.loads(line) for line in (warehouse_dir / "alerts" / "alerts.jsonl").read_text("utf-8").splitlines()]
        assert [a["check"] for a in alerts if a["run_id"] == tests.run_id] == [f"marts/rpt_document_summary:{BROKEN_TEST}"]
    finally:
        instance.dispose()
