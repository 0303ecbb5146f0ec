"""Drops coalesce (issue 29): while a ``streaming_job`` run waits in the queue, the inbox sensor holds new files,
and the first tick after that run has started submits every held file, and what arrived since, in one run.

On the instance ``make dev`` creates (``orchestration.settings.dagster_home``: the queued run coordinator,
one run writing the warehouse at a time), with real ticks of ``inbox_sensor``; no daemon dequeues, so a run
submitted here stays queued until the test lets it go.
"""

from __future__ import annotations

import json
import os
import time

import dagster as dg
import pytest

from orchestration import settings
from orchestration.defs.ingestion.sensors import READY, inbox_sensor, scan_inbox
from orchestration.ingestion.reading import document_digest
from orchestration.resources import WarehouseResource
from tests.conftest import SEED_FILES


def _drop(inbox, source, name=None, age_s: float = 60.0):
    """Copy ``source`` into the inbox as a file last written ``age_s`` seconds ago (settled)."""
    target = inbox / (name or source.name)
    target.write_bytes(source.read_bytes())
    past = time.time() - age_s
    os.utime(target, (past, past))
    return target


@pytest.fixture
def make_dev_instance(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    with dg.DagsterInstance.from_config(str(settings.dagster_home())) as instance:
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        yield instance


def _tick(instance, inbox, warehouse_dir, cursor, watch_seconds=0.0):
    from orchestration.definitions import defs

    resource = WarehouseResource(warehouse_dir=str(warehouse_dir), inbox_dir=str(inbox), watch_seconds=watch_seconds)
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"warehouse": resource},
                                      definitions=defs, sensor_name=inbox_sensor.name)
    return inbox_sensor(context)


def _queued_streaming_run(instance) -> dg.DagsterRun:
    """A ``streaming_job`` run submitted to the instance's queue (the code location loaded in this process), as the
    daemon leaves one behind a run in progress: nothing dequeues it here."""
    import sys

    from dagster._core.test_utils import in_process_test_workspace
    from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

    from orchestration.definitions import defs
    from orchestration.settings import REPO_ROOT

    origin = LoadableTargetOrigin(executable_path=sys.executable, module_name="orchestration.definitions",
                                  working_directory=str(REPO_ROOT))
    with in_process_test_workspace(instance, origin) as workspace:
        (entry,) = workspace.get_code_location_entries().values()
        (repository,) = entry.code_location.get_repositories().values()
        remote_job = repository.get_full_job("streaming_job")
        run = instance.create_run_for_job(job_def=defs.resolve_job_def("streaming_job"), run_config={},
                                          remote_job_origin=remote_job.get_remote_origin(),
                                          job_code_origin=remote_job.get_python_origin())
        instance.submit_run(run.run_id, workspace)
    assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.QUEUED
    return run


def test_files_dropped_while_a_run_waits_are_held_then_go_in_one_run(make_dev_instance, tmp_path):
    instance = make_dev_instance
    inbox, warehouse_dir = tmp_path / "inbox", tmp_path / "warehouse"
    inbox.mkdir()
    waiting = _queued_streaming_run(instance)

    first = _drop(inbox, SEED_FILES[0])
    held = _tick(instance, inbox, warehouse_dir, None)
    assert not held.run_requests
    assert waiting.run_id in held.skip_reason.skip_message
    state = json.loads(held.cursor)
    assert state[first.name][2] == READY + document_digest(first)[0]

    second = _drop(inbox, SEED_FILES[1])  # a later drop, still while the run waits
    held_again = _tick(instance, inbox, warehouse_dir, held.cursor)
    assert not held_again.run_requests
    assert {n for n, v in json.loads(held_again.cursor).items() if str(v[2]).startswith(READY)} == {first.name, second.name}

    instance.report_run_canceled(instance.get_run_by_id(waiting.run_id))  # the queued run has left the queue
    third = _drop(inbox, SEED_FILES[2])
    taken = _tick(instance, inbox, warehouse_dir, held_again.cursor)
    (request,) = taken.run_requests  # one run for the three files
    files = request.run_config["ops"]["stage_documents"]["config"]["files"]
    assert sorted(files.values()) == sorted(str(p) for p in (first, second, third))
    assert request.tags["document/count"] == "3"
    # submitted: the next tick does not take them again
    assert not _tick(instance, inbox, warehouse_dir, taken.cursor).run_requests


def test_a_tick_that_holds_files_takes_them_as_soon_as_the_queued_run_starts(make_dev_instance, tmp_path):
    """The tick watches the queue for the rest of its watch instead of leaving the files to the next tick."""
    import threading

    instance = make_dev_instance
    inbox, warehouse_dir = tmp_path / "inbox", tmp_path / "warehouse"
    inbox.mkdir()
    waiting = _queued_streaming_run(instance)
    dropped = _drop(inbox, SEED_FILES[0])
    timer = threading.Timer(1.0, lambda: instance.report_run_canceled(instance.get_run_by_id(waiting.run_id)))
    timer.start()
    started = time.monotonic()
    try:
        result = _tick(instance, inbox, warehouse_dir, None, watch_seconds=4.0)
    finally:
        timer.join()
    (request,) = result.run_requests
    assert list(request.run_config["ops"]["stage_documents"]["config"]["files"].values()) == [str(dropped)]
    assert 1.0 <= time.monotonic() - started < 3.5  # within a queue poll of the run leaving the queue


def test_a_held_file_that_changes_waits_to_settle_again(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    dropped = _drop(inbox, SEED_FILES[0])
    state, ready = scan_inbox(inbox, {}, 2.0, time.time())
    held = {name: [*value[:2], READY + value[2]] for name, value in state.items()}
    # unchanged: ready again at once, with the id it was hashed to
    assert scan_inbox(inbox, held, 2.0, time.time())[1] == ready
    with dropped.open("ab") as handle:  # written again: pending until quiet for the settle window
        handle.write(b"\n")
    state_after, ready_after = scan_inbox(inbox, held, 2.0, time.time())
    assert ready_after == [] and state_after[dropped.name][2] == "pending"
