"""Running the cluster profile: the Dagster instance on PostgreSQL, Celery workers, dbt-postgres, the demo.

:func:`demo` is ``make cluster-demo``: start PostgreSQL and Redis (:mod:`orchestration.cluster.services`),
write ``$CLUSTER_DIR/dagster/dagster.yaml`` (run, event-log and schedule storage in PostgreSQL:
``dagster-postgres``), start ``workers`` Celery workers (``dagster-celery worker start``, one process each),
execute :data:`orchestration.cluster.jobs.cluster_job` over a folder and report documents per second.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import yaml

from orchestration import settings
from orchestration.cluster import services

INSTANCE_CONFIG = """\
telemetry:
  enabled: false
storage:
  postgres:
    postgres_url: {url}
"""


def profile_environment(folder: Path | None = None) -> dict[str, str]:
    """The environment of every cluster-profile process: services started, instance written, URLs set.

    Sets ``DEPLOYMENT_PROFILE=cluster``, ``WAREHOUSE_DATABASE_URL``, ``CELERY_BROKER_URL``, ``DAGSTER_HOME`` and
    the ``WAREHOUSE_PG_*`` variables that ``dbt_project/profiles.yml``'s target ``postgres`` reads.
    """
    folder = folder or services.cluster_dir()
    warehouse_url = services.start_postgres(folder)
    broker = services.start_redis(folder)
    # SQLAlchemy 2.1 (under dagster-postgres) takes psycopg 3 for a bare postgresql:// URL: name psycopg2, installed.
    home = write_instance_config(folder, services.pg_url("dagster").replace("postgresql://", "postgresql+psycopg2://"))
    parts = urlparse(warehouse_url)
    return {
        "DEPLOYMENT_PROFILE": "cluster",
        "WAREHOUSE_DATABASE_URL": warehouse_url,
        "CELERY_BROKER_URL": broker,
        "DAGSTER_HOME": str(home),
        "CLUSTER_DIR": str(folder),
        "WAREHOUSE_PG_HOST": parts.hostname or "127.0.0.1",
        "WAREHOUSE_PG_PORT": str(parts.port or 5432),
        "WAREHOUSE_PG_USER": parts.username or "postgres",
        "WAREHOUSE_PG_PASSWORD": parts.password or "",
        "WAREHOUSE_PG_DBNAME": parts.path.lstrip("/") or "warehouse",
        "GX_ANALYTICS_ENABLED": "False",
        "DO_NOT_TRACK": "1",
    }


def write_instance_config(folder: Path, dagster_url: str) -> Path:
    """``folder/dagster/dagster.yaml`` with run, event-log and schedule storage in PostgreSQL; returns the folder."""
    home = folder / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(INSTANCE_CONFIG.format(url=dagster_url), "utf-8")
    return home


def celery_config(folder: Path, broker: str) -> Path:
    """``folder/celery.yaml``: the ``celery_executor`` block the workers and the job share (Redis broker and backend)."""
    path = folder / "celery.yaml"
    path.write_text(yaml.safe_dump({"execution": {"config": {"broker": broker, "backend": broker}}}), "utf-8")
    return path


def run_config(folder: str | Path, broker: str, documents_per_step: int = 4, celery: bool = True) -> dict:
    """The run config of ``cluster_job`` over ``folder``."""
    config: dict = {"ops": {"list_documents": {"config": {"folder": str(folder),
                                                          "documents_per_step": documents_per_step}}}}
    if celery:
        config["execution"] = {"config": {"broker": broker, "backend": broker}}
    return config


def start_workers(count: int, env: dict[str, str], folder: Path) -> list[int]:
    """Start ``count`` Celery workers (``dagster-celery worker start``, concurrency 1 each); returns their pids.

    Each worker writes ``folder/workers/<name>.log`` and ``<name>.pid``; they are waited for until Celery
    answers their ``ping`` (at most 60 s).
    """
    workers = folder / "workers"
    workers.mkdir(parents=True, exist_ok=True)
    config = celery_config(folder, env["CELERY_BROKER_URL"])
    executable = str(Path(sys.executable).parent / "dagster-celery")
    # dagster-celery starts the `celery` program found on PATH: the one beside this Python.
    full_env = {**os.environ, **env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    pids = []
    for n in range(1, count + 1):
        name = f"budget-etl-{n}"
        log = open(workers / f"{name}.log", "ab")
        process = subprocess.Popen(
            [executable, "worker", "start", "-A", "dagster_celery.app", "-n", name, "-y", str(config), "-l", "INFO", "--",
             "--concurrency=1", "--without-gossip", "--without-mingle"],
            env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        (workers / f"{name}.pid").write_text(str(process.pid))
        pids.append(process.pid)
    wait_for_workers(env["CELERY_BROKER_URL"], count)
    return pids


def wait_for_workers(broker: str, count: int, timeout_s: float = 90.0) -> int:
    """Wait until ``count`` Celery workers answer a ping on ``broker``; returns how many answered."""
    from celery import Celery

    app = Celery(broker=broker, backend=broker)
    deadline = time.monotonic() + timeout_s
    answered = 0
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        answered = len(replies)
        if answered >= count:
            return answered
        time.sleep(0.5)
    raise services.ServiceError(f"only {answered} of {count} Celery workers answered within {timeout_s:.0f} s")


def stop_workers(folder: Path) -> int:
    """Stop the workers started from ``folder`` (SIGTERM to each pid's process group); returns how many."""
    stopped = 0
    for pid_file in sorted((folder / "workers").glob("*.pid")):
        try:
            pid = int(pid_file.read_text().strip())
            os.killpg(pid, signal.SIGTERM)
            stopped += 1
        except (ProcessLookupError, ValueError, PermissionError):
            pass
        pid_file.unlink(missing_ok=True)
    return stopped


def run_dbt(arguments: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``dbt <arguments> --target postgres`` in ``dbt_project`` (its own target and log folders under the cluster dir).

    The DuckDB profile's manifest (``dbt_project/target``, read by dagster-dbt) is never overwritten.
    """
    folder = Path(os.environ.get("CLUSTER_DIR") or services.cluster_dir())
    command = [settings.dbt_executable(), *arguments, "--target", "postgres", "--project-dir", ".",
               "--profiles-dir", ".", "--target-path", str(folder / "dbt-target"), "--log-path",
               str(folder / "dbt-logs")]
    return subprocess.run(command, cwd=settings.DBT_PROJECT_DIR, env={**os.environ, **(env or {})},
                          capture_output=True, text=True)


def execute(folder: str | Path, env: dict[str, str], documents_per_step: int = 4, celery: bool = True) -> dict:
    """Execute ``cluster_job`` (or ``cluster_load_job`` without Celery) over ``folder``; returns timings and counts.

    ``{"success", "run_id", "documents", "load_seconds", "dbt_seconds", "seconds", "documents_per_s"}``:
    ``load_seconds`` from the run's start to the end of the last ``parse_and_load`` step.
    """
    from dagster import DagsterEventType, DagsterInstance, execute_job, reconstructable

    from orchestration.cluster import jobs

    os.environ.update(env)
    instance = DagsterInstance.get()
    job = jobs.cluster_job if celery else jobs.cluster_load_job
    started = time.perf_counter()
    with execute_job(reconstructable(job), instance=instance,
                     run_config=run_config(folder, env["CELERY_BROKER_URL"], documents_per_step, celery),
                     raise_on_error=False) as result:
        success, run_id = result.success, result.run_id
        documents = result.output_for_node("build_marts")["documents"] if success else None
    seconds = time.perf_counter() - started
    records = instance.get_records_for_run(run_id, of_type=DagsterEventType.STEP_SUCCESS).records
    ends = {r.event_log_entry.step_key: r.event_log_entry.timestamp for r in records}
    starts = instance.get_records_for_run(run_id, of_type=DagsterEventType.STEP_START).records
    begins = {r.event_log_entry.step_key: r.event_log_entry.timestamp for r in starts}
    loads = [t for k, t in ends.items() if k.startswith("parse_and_load")]
    run_start = min(begins.values()) if begins else 0.0
    load_seconds = (max(loads) - run_start) if loads else None
    dbt_seconds = (ends["build_marts"] - begins["build_marts"]) if "build_marts" in ends else None
    return {"success": success, "run_id": run_id, "documents": documents,
            "load_seconds": load_seconds, "dbt_seconds": dbt_seconds, "seconds": seconds,
            "documents_per_s": (documents / load_seconds) if documents and load_seconds else None}


def demo(inbox: str, workers: int = 2, documents_per_step: int = 4) -> dict:
    """``make cluster-demo``: services, ``workers`` Celery workers, ``cluster_job`` over ``inbox``; prints a summary."""
    folder = services.cluster_dir()
    env = profile_environment(folder)
    stop_workers(folder)
    start_workers(workers, env, folder)
    outcome = execute(Path(inbox).resolve(), env, documents_per_step)
    print(f"cluster_job over {inbox}: {'succeeded' if outcome['success'] else 'FAILED'} (run {outcome['run_id']})")
    if outcome["documents"]:
        print(f"  {outcome['documents']} documents parsed and loaded by {workers} Celery workers in "
              f"{outcome['load_seconds']:.1f} s ({outcome['documents_per_s']:.2f} documents/s); dbt build on "
              f"PostgreSQL {outcome['dbt_seconds']:.1f} s; whole run {outcome['seconds']:.1f} s")
    print(f"  warehouse: {env['WAREHOUSE_DATABASE_URL']} (schemas raw, stg, intermediate, marts); Dagster instance: "
          f"{env['DAGSTER_HOME']}/dagster.yaml (PostgreSQL); workers' logs: {folder / 'workers'}; `make cluster-stop` stops it all")
    return outcome


def stop(folder: Path | None = None) -> None:
    """``make cluster-stop``: the workers, Redis and PostgreSQL started from the cluster folder."""
    folder = folder or services.cluster_dir()
    stop_workers(folder)
    services.stop_redis(folder)
    services.stop_postgres(folder)
