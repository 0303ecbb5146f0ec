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

Relative paths are resolved against the current working directory.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
SAMPLES_DIR = REPO_ROOT / "warehouse" / "samples"
DUCKDB_FILE_NAME = "warehouse.duckdb"
SERVING_FILE_NAME = "serving.duckdb"


def warehouse_dir() -> Path:
    """``$WAREHOUSE_DIR`` or ``<repo>/warehouse``, absolute."""
    return Path(os.environ.get("WAREHOUSE_DIR") or REPO_ROOT / "warehouse").resolve()


def inbox_dir() -> Path:
    """``$INBOX_DIR`` or ``$WAREHOUSE_DIR/inbox`` (the sensor's drop folder), absolute."""
    return Path(os.environ.get("INBOX_DIR") or warehouse_dir() / "inbox").resolve()


def gx_data_dir() -> Path:
    """``$GX_DATA_DIR`` or ``$WAREHOUSE_DIR/gx``, absolute: GX validation results and Data Docs."""
    return Path(os.environ.get("GX_DATA_DIR") or warehouse_dir() / "gx").resolve()


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
#: the inbox sensor waited 2.5 s on average for the dequeue (issue 19, ``make bench`` part daemon).
INSTANCE_CONFIG = """\
telemetry:
  enabled: false
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    dequeue_interval_seconds: 1
"""

#: What earlier versions wrote; such a file is replaced by :data:`INSTANCE_CONFIG` (a user's own file is kept).
_PREVIOUS_INSTANCE_CONFIGS = ("telemetry:\n  enabled: false\n",)


def dagster_home() -> Path:
    """``$DAGSTER_HOME`` or ``$WAREHOUSE_DIR/.dagster``, absolute, created with a ``dagster.yaml``
    (:data:`INSTANCE_CONFIG`: telemetry off, run queue polled every second).

    A ``dagster.yaml`` that a user wrote is left as it is; one that an earlier
    version of this function wrote is brought up to date.
    """
    home = Path(os.environ.get("DAGSTER_HOME") or warehouse_dir() / ".dagster").resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_text("utf-8") in _PREVIOUS_INSTANCE_CONFIGS:
        config.write_text(INSTANCE_CONFIG, "utf-8")
    return home


if __name__ == "__main__":
    print(dagster_home())
