"""The alert sensor on the Dagster instance that ``make dev`` configures.

``make dev`` writes ``$DAGSTER_HOME/dagster.yaml`` (telemetry off, storage
left at Dagster's default: SQLite, the event log sharded per run). The
deprecated ``get_event_records`` with a storage-id cursor raises on that
storage on every tick after the first, so the sensor is ticked here several
times against an instance built from the very file the Makefile writes, with
a run that raises a new warning between ticks, and a real webhook on
localhost must receive each alert exactly once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.alerting.sensors import quality_alert_sensor
from orchestration.alerts import Outbox
from orchestration.batch import run_batch
from orchestration.definitions import build_definitions
from orchestration.resources import WarehouseResource
from tests.conftest import REPO_ROOT
from tests.integration.test_quality_gate import SEED_003, WARNING_FAULT, Webhook, planted

pytestmark = pytest.mark.slow


def make_dev_instance(warehouse_dir) -> dg.DagsterInstance:
    """The instance of ``make dev WAREHOUSE_DIR=<warehouse_dir>``: its home made by the command the Makefile runs
    (``python -m orchestration.settings``: ``$WAREHOUSE_DIR/.dagster`` with a dagster.yaml, telemetry off)."""
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"} | {"WAREHOUSE_DIR": str(warehouse_dir)}
    home = subprocess.run([sys.executable, "-m", "orchestration.settings"], check=True, capture_output=True,
                          text=True, env=env, cwd=REPO_ROOT).stdout.strip()
    assert (Path(home) / "dagster.yaml").is_file()
    return dg.DagsterInstance.from_config(home)


def tick(instance, resource, cursor):
    """One evaluation of the real sensor definition, as the daemon does it; returns the SensorResult."""
    with dg.build_sensor_context(instance=instance, cursor=cursor, resources={"warehouse": resource},
                                 sensor_name=quality_alert_sensor.name) as context:
        return quality_alert_sensor(context)


def test_alert_arrives_once_over_several_ticks_on_the_make_dev_instance(tmp_path, monkeypatch):
    warehouse_dir = tmp_path / "warehouse"
    warehouse_dir.mkdir()
    instance = make_dev_instance(warehouse_dir)
    # The storage a user gets: one SQLite event database per run (the case the old cursor failed on).
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

    assert type(instance.event_log_storage) is SqliteEventLogStorage

    resource = WarehouseResource(warehouse_dir=str(warehouse_dir), inbox_dir=str(tmp_path / "inbox"))
    defs = build_definitions(resource)
    hook = Webhook()
    monkeypatch.setenv("ALERT_WEBHOOK_URL", hook.url)
    monkeypatch.setenv("ALERT_WEBHOOK_FORMAT", "json")
    try:
        clean = tmp_path / "clean"
        clean.mkdir()
        shutil.copy(SEED_003, clean / SEED_003.name)
        first = run_batch(defs, instance, clean)
        assert first.success
        run = instance.get_run_by_id(first.results[0].run_id)  # the file name next to the document id (hash)
        assert run.tags["document/id"] == first.document_ids[0] and run.tags["document/file"] == SEED_003.name

        cursor = None
        result = tick(instance, resource, cursor)  # tick 1: the alerts of the first run
        cursor = result.cursor
        first_delivery = list(hook.delivered)
        assert first_delivery, "the clean seed's known warnings (reconciliation rounding) raise an alert"
        assert all(r["body"]["run_id"] == first.results[0].run_id for r in first_delivery)

        result = tick(instance, resource, cursor)  # tick 2: nothing new, and no error (failed here before)
        cursor = result.cursor
        assert len(hook.requests) == len(first_delivery)

        warned = tmp_path / "warned"
        warned.mkdir()
        (warned / "warning_code_2_31.txt").write_text(planted(SEED_003.read_text("utf-8"), *WARNING_FAULT), "utf-8")
        second = run_batch(defs, instance, warned)  # a new warning between ticks
        assert second.success

        for _ in range(3):  # ticks 3-5: the new warning arrives on the first of them, once
            result = tick(instance, resource, result.cursor)
        new = hook.delivered[len(first_delivery):]
        assert [r["body"]["check"] for r in new] == ["staged_documents:gx_document_gate"]
        assert "warning_code_2_31.txt" in str(new[0]["body"]["details"])
        assert new[0]["body"]["run_id"] == second.results[0].run_id
        ids = [r["headers"]["X-Alert-Id"] for r in hook.requests]
        assert len(ids) == len(set(ids)), "no alert is sent twice"
        assert len(hook.requests) == len(hook.delivered)
    finally:
        hook.close()
    logged = Outbox(warehouse_dir / "alerts").states()
    assert {s["webhook_state"] for s in logged} <= {"delivered", "repeat"}
