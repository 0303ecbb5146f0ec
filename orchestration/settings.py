"""Paths and environment variables, in one place.

- ``WAREHOUSE_DIR`` (default ``<repo>/warehouse``): home of ``warehouse.duckdb``
  (the pipeline's database, one writer), ``serving.duckdb`` (the published
  marts BI tools read), ``archive/`` and ``quarantine/``.
- ``INBOX_DIR`` (default ``$WAREHOUSE_DIR/inbox``): the drop folder the
  ``inbox_sensor`` watches; processed files are moved from it to ``archive/``
  or ``quarantine/``. Batch runs (``make run INBOX=…``, ``budget-etl run
  --inbox``) name their own folder and read it in place.
- ``GX_DATA_DIR`` (default ``$WAREHOUSE_DIR/gx``): Great Expectations'
  validation results and Data Docs (generated data, kept out of the
  repository; the suites and definitions stay in ``expectations/gx``).
- ``DUCKDB_PATH`` is derived (``$WAREHOUSE_DIR/warehouse.duckdb``) and exported
  for dbt's ``profiles.yml``.
- ``DAGSTER_HOME`` (default ``$WAREHOUSE_DIR/.dagster``): Dagster's instance
  (run history, event log). ``python -m orchestration.settings`` creates it
  (telemetry off) and prints it; the Makefile uses that instead of building
  paths in the shell, so folder names with spaces or quotes stay one argument.
- ``PARSE_*`` (:class:`ParseSettings`: workers, pool, time and memory budget of
  a parse) and ``ALERT_WEBHOOK_*`` (:class:`AlertWebhookSettings`).

Every variable is read and validated by pydantic-settings (an empty value
means the default; a value that is not valid is a ``ValueError`` naming the
variable), each time it is asked for, so a test or a run that changes the
environment is seen. Relative paths are resolved against the current working directory.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import Field, NonNegativeFloat, PositiveFloat, PositiveInt, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
SAMPLES_DIR = REPO_ROOT / "warehouse" / "samples"
DUCKDB_FILE_NAME = "warehouse.duckdb"
SERVING_FILE_NAME = "serving.duckdb"


class _Env(BaseSettings):
    model_config = SettingsConfigDict(env_ignore_empty=True, extra="ignore", str_strip_whitespace=True)


class PathSettings(_Env):
    """``WAREHOUSE_DIR``, ``INBOX_DIR``, ``GX_DATA_DIR``, ``DAGSTER_HOME`` as given (``None``: the default)."""

    warehouse_dir: Path | None = None
    inbox_dir: Path | None = None
    gx_data_dir: Path | None = None
    dagster_home: Path | None = None


class ParseSettings(_Env):
    """The parse pool and the budget of one parse (``orchestration/ingestion/parallel.py``)."""

    model_config = SettingsConfigDict(env_prefix="PARSE_")

    workers: PositiveInt | None = None  # PARSE_WORKERS: parse processes (default: the core count)
    pool: Literal["auto", "always"] = "always"  # PARSE_POOL
    timeout_s: PositiveFloat = 60.0  # PARSE_TIMEOUT_S
    timeout_s_per_mb: PositiveFloat = 30.0  # PARSE_TIMEOUT_S_PER_MB
    memory_mb: PositiveInt = 2048  # PARSE_MEMORY_MB

    @field_validator("pool", mode="before")
    @classmethod
    def _lower(cls, value):
        return value.strip().lower() if isinstance(value, str) else value


class AlertWebhookSettings(_Env):
    """The alert webhook (``orchestration/alerts.py``); no URL: no webhook."""

    model_config = SettingsConfigDict(env_prefix="ALERT_WEBHOOK_")

    url: str | None = None
    secret: str | None = None
    format: str = "slack"
    max_tries: PositiveInt = 4
    backoff_seconds: NonNegativeFloat = 0.5


class ClusterSettings(_Env):
    """The cluster deployment profile (issue 29; ``orchestration/cluster/``): ``DEPLOYMENT_PROFILE=cluster``.

    ``DEPLOYMENT_PROFILE`` is ``duckdb`` (the default: the embedded warehouse) or ``cluster`` (the raw tables
    and marts in PostgreSQL at ``WAREHOUSE_DATABASE_URL``, parse steps on Celery workers with the broker
    ``CELERY_BROKER_URL``, the Dagster instance in PostgreSQL). ``CLUSTER_DIR`` (default
    ``$WAREHOUSE_DIR/cluster``), ``CLUSTER_PG_PORT`` and ``CLUSTER_REDIS_PORT`` place the services that
    ``make cluster-demo`` starts on loopback.
    """

    deployment_profile: Literal["duckdb", "cluster"] = "duckdb"
    warehouse_database_url: str | None = None
    celery_broker_url: str | None = None
    dir: Path | None = Field(default=None, validation_alias="CLUSTER_DIR")
    pg_port: PositiveInt = Field(default=55432, validation_alias="CLUSTER_PG_PORT")
    redis_port: PositiveInt = Field(default=56379, validation_alias="CLUSTER_REDIS_PORT")
    pg_fsync: Literal["on", "off"] = Field(default="on", validation_alias="CLUSTER_PG_FSYNC")


def deployment_profile() -> str:
    """``$DEPLOYMENT_PROFILE``: ``duckdb`` (default) or ``cluster``."""
    return read(ClusterSettings).deployment_profile


_S = TypeVar("_S", bound=_Env)


def read(settings: type[_S]) -> _S:
    """``settings`` read from the environment now; ``ValueError`` naming the variable when one is not valid."""
    try:
        return settings()
    except ValidationError as error:
        prefix = settings.model_config.get("env_prefix", "")
        problems = "; ".join(f"{(prefix + str(e['loc'][0])).upper()}: {e['msg']} (got {e.get('input')!r})"
                             for e in error.errors())
        raise ValueError(f"invalid environment setting: {problems}") from None


def warehouse_dir() -> Path:
    """``$WAREHOUSE_DIR`` or ``<repo>/warehouse``, absolute."""
    return (read(PathSettings).warehouse_dir or REPO_ROOT / "warehouse").resolve()


def inbox_dir() -> Path:
    """``$INBOX_DIR`` or ``$WAREHOUSE_DIR/inbox`` (the sensor's drop folder), absolute."""
    return (read(PathSettings).inbox_dir or warehouse_dir() / "inbox").resolve()


def gx_data_dir() -> Path:
    """``$GX_DATA_DIR`` or ``$WAREHOUSE_DIR/gx``, absolute: GX validation results and Data Docs."""
    return (read(PathSettings).gx_data_dir or warehouse_dir() / "gx").resolve()


def duckdb_path(warehouse: str | Path | None = None) -> Path:
    """Path of the warehouse DuckDB file inside ``warehouse`` (default: :func:`warehouse_dir`)."""
    return Path(warehouse or warehouse_dir()).resolve() / DUCKDB_FILE_NAME


def dbt_executable() -> str:
    """The ``dbt`` installed next to this Python (the venv may not be on ``PATH``)."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


#: The ``dagster.yaml`` that :func:`dagster_home` writes. Storage stays at Dagster's default (SQLite, the
#: event log sharded per run). The queued run coordinator (Dagster's default) is kept — runs still pass
#: through the queue — but the queue is looked at every second instead of every 5 s: a run requested by
#: the inbox sensor waited 2.5 s on average for the dequeue (issue 19, ``make bench`` part daemon). Runs
#: are launched by :class:`orchestration.run_launcher.WarmRunLauncher`: one process per run, as Dagster's
#: default launcher, but started and imported before the run arrives (6-7 s less per run, issue 19). Runs
#: tagged ``budget_etl/writes_warehouse`` (:data:`orchestration.defs.jobs.WRITES_WAREHOUSE_TAG`) run one at a
#: time: the writer lock is per step, and two drops' runs interleaving staging, dbt and the blocking mart
#: reconciliation made the first one fail its check (seen in the daemon's 50-file burst test).
INSTANCE_CONFIG = """\
telemetry:
  enabled: false
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    dequeue_interval_seconds: 1
    tag_concurrency_limits:
      - key: budget_etl/writes_warehouse
        limit: 1
      - key: budget_etl/dbt_tests
        limit: 1
run_launcher:
  module: orchestration.run_launcher
  class: WarmRunLauncher
  config:
    preload_modules: [orchestration.definitions, "orchestration.dbt_in_process:warm_up"]
    spare_for_jobs: [streaming_job, main_job]
sensors:
  use_threads: true
  num_workers: 4
"""

#: What :data:`INSTANCE_CONFIG` was before the dbt test runs were limited to one at a time (issue 29: during a
#: stream of drops up to three ran at once, each copying the warehouse and testing it, on 2 cores).
_ONE_TEST_RUN = "      - key: budget_etl/dbt_tests\n        limit: 1\n"
_INSTANCE_CONFIG_2026_12_07 = INSTANCE_CONFIG.replace(_ONE_TEST_RUN, "")
#: What :data:`INSTANCE_CONFIG` was before the runs that write the warehouse were serialised (to upgrade it).
_SERIALISED_WRITES = "    tag_concurrency_limits:\n      - key: budget_etl/writes_warehouse\n        limit: 1\n"
_INSTANCE_CONFIG_2026_11_30 = _INSTANCE_CONFIG_2026_12_07.replace(_SERIALISED_WRITES, "")

#: What earlier versions wrote; such a file is replaced by :data:`INSTANCE_CONFIG` (a user's own file is kept).
_PREVIOUS_INSTANCE_CONFIGS = (
    "telemetry:\n  enabled: false\n",
    "telemetry:\n  enabled: false\nrun_coordinator:\n  module: dagster.core.run_coordinator\n"
    "  class: QueuedRunCoordinator\n  config:\n    dequeue_interval_seconds: 1\n",
    _INSTANCE_CONFIG_2026_11_30.split("sensors:\n")[0],  # before the sensors were evaluated in threads (issue 19)
    _INSTANCE_CONFIG_2026_11_30,  # before the runs that write the warehouse were serialised
    _INSTANCE_CONFIG_2026_12_07,  # before the dbt test runs were limited to one at a time
)


def dagster_home() -> Path:
    """``$DAGSTER_HOME`` or ``$WAREHOUSE_DIR/.dagster``, absolute, created with a ``dagster.yaml``
    (:data:`INSTANCE_CONFIG`: telemetry off, run queue polled every second, warm run workers, sensors
    evaluated in threads so that ``inbox_sensor``'s watching tick does not hold up the others).

    A ``dagster.yaml`` that a user wrote is left as it is; one that an earlier
    version of this function wrote is brought up to date.
    """
    home = (read(PathSettings).dagster_home or warehouse_dir() / ".dagster").resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_text("utf-8") in _PREVIOUS_INSTANCE_CONFIGS:
        config.write_text(INSTANCE_CONFIG, "utf-8")
    return home


if __name__ == "__main__":
    print(dagster_home())
