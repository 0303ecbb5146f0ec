"""The warm run launcher on the instance ``make dev`` configures (``orchestration/run_launcher.py``, issue 19).

Real Dagster: the instance is created from the ``dagster.yaml`` that ``python -m
orchestration.settings`` writes, runs are launched through its run launcher (as the daemon's
queued run coordinator does), each in its own worker process that reads the run from stdin.
"""

from __future__ import annotations

import os
import re
import signal
import time

import dagster as dg
import psutil
import pytest

from pathlib import Path

from orchestration import settings
from orchestration.parsing import vocabulary
from orchestration.run_launcher import WORKER_PID_TAG, WarmRunLauncher
from tests.integration import launcher_jobs

pytestmark = pytest.mark.slow


def launch(instance: dg.DagsterInstance, job: dg.JobDefinition) -> str:
    origin = dg.reconstructable(getattr(launcher_jobs, job.name)).get_python_origin()
    run = instance.create_run_for_job(job_def=job, job_code_origin=origin, remote_job_origin=None)
    instance.launch_run(run.run_id, workspace=None)
    return run.run_id


def wait_status(instance, run_id, statuses, timeout=120.0) -> dg.DagsterRunStatus:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = instance.get_run_by_id(run_id).status
        if status in statuses:
            return status
        time.sleep(0.25)
    raise AssertionError(f"run {run_id} still {status} after {timeout} s")


def messages(instance, run_id) -> list[str]:
    return [entry.message or (entry.dagster_event.message if entry.dagster_event else "") or ""
            for entry in instance.all_logs(run_id)]


def worker_line(instance, run_id) -> re.Match:
    (line,) = [m for m in messages(instance, run_id) if "worker pid=" in m]
    return re.search(r"worker pid=(\d+) preloaded=(\w+)", line)


@pytest.fixture
def instance(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    home = settings.dagster_home()
    # make dev's config, with this test's quick job among the jobs that may take the spare
    config = home / "dagster.yaml"
    mine = config.read_text("utf-8").replace("spare_for_jobs: [streaming_job, main_job]",
                                             "spare_for_jobs: [streaming_job, main_job, report_worker_job]")
    assert mine != config.read_text("utf-8")
    config.write_text(mine, "utf-8")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        yield instance


def wait_ready_spare(launcher, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not (launcher._spare is not None and launcher._spare.is_ready()):
        assert time.monotonic() < deadline, "no ready spare worker"
        time.sleep(0.1)
    return launcher._spare


def test_runs_go_to_a_worker_that_imported_the_code_before_the_run_arrived(instance):
    launcher = instance.run_launcher
    assert isinstance(launcher, WarmRunLauncher)
    DONE = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE}

    first = launch(instance, launcher_jobs.report_worker_job)
    assert wait_status(instance, first, DONE) == dg.DagsterRunStatus.SUCCESS
    assert any("a new worker (no spare)" in m for m in messages(instance, first))

    # once the first run's worker has exited, a spare is started; when it has preloaded, the next run goes to it
    wait_ready_spare(launcher)
    second = launch(instance, launcher_jobs.report_worker_job)
    assert wait_status(instance, second, DONE) == dg.DagsterRunStatus.SUCCESS
    logged = messages(instance, second)
    assert any("the spare worker, ready" in m for m in logged), logged
    assert any("preloaded orchestration.definitions, orchestration.dbt_in_process:warm_up in" in m
               for m in logged), logged
    one, two = worker_line(instance, first), worker_line(instance, second)
    assert two.group(2) == "True"  # the op ran in a process that had the code location imported
    assert one.group(1) != two.group(1)  # one process per run
    assert instance.get_run_by_id(second).tags[WORKER_PID_TAG] == two.group(1)

    # a run that arrives while the spare is still preloading gets its own worker; the spare stays for the next
    deadline = time.monotonic() + 30
    while launcher._spare is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    importing = launcher._spare
    assert not importing.is_ready()
    third = launch(instance, launcher_jobs.report_worker_job)
    assert any("the spare is still preloading; it stays for the next run" in m for m in messages(instance, third))
    assert wait_status(instance, third, DONE) == dg.DagsterRunStatus.SUCCESS
    assert wait_ready_spare(launcher) is importing

    # the code changed after the spare imported it: the run goes to a fresh `dagster api execute_run`
    module = Path(vocabulary.__file__)
    stat = module.stat()
    try:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        fourth = launch(instance, launcher_jobs.report_worker_job)
        assert wait_status(instance, fourth, DONE) == dg.DagsterRunStatus.SUCCESS
    finally:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert any("The code changed after this run worker imported it" in m for m in messages(instance, fourth))
    assert worker_line(instance, fourth).group(2) == "False"  # a fresh process: nothing preloaded


def test_terminate_from_another_process_cancels_the_run_and_a_dead_worker_fails_the_health_check(instance):
    running = {dg.DagsterRunStatus.STARTED}
    run_id = launch(instance, launcher_jobs.wait_long_job)
    # not a job the spare is kept for: a worker of its own
    assert any("a new worker (the spare is kept for the jobs main_job, report_worker_job, streaming_job)" in m
               for m in messages(instance, run_id))
    wait_status(instance, run_id, running)
    while not any("waiting" in m for m in messages(instance, run_id)):
        time.sleep(0.25)
    # the UI terminates through its own instance and launcher: the worker is found from the run's tags
    with dg.DagsterInstance.from_config(os.environ["DAGSTER_HOME"]) as other:
        assert other.run_launcher.check_run_worker_health(other.get_run_by_id(run_id)).status.value == "RUNNING"
        assert other.run_launcher.terminate(run_id)
    assert wait_status(instance, run_id, {dg.DagsterRunStatus.CANCELED}, 60) == dg.DagsterRunStatus.CANCELED

    killed = launch(instance, launcher_jobs.wait_long_job)
    wait_status(instance, killed, running)
    worker = psutil.Process(int(instance.get_run_by_id(killed).tags[WORKER_PID_TAG]))
    helpers = worker.children(recursive=True)  # the compute-log tailer: a killed worker cannot stop it
    os.kill(worker.pid, signal.SIGKILL)
    for helper in helpers:
        helper.kill()
    deadline = time.monotonic() + 20
    while (health := instance.run_launcher.check_run_worker_health(instance.get_run_by_id(killed))).status.value != "FAILED":
        assert time.monotonic() < deadline, health
        time.sleep(0.2)
    assert "no longer running" in health.msg
    instance.report_run_failed(instance.get_run_by_id(killed))
