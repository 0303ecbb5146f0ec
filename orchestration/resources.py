"""Dagster resources: where the warehouse and the drop inbox are, the writer lock, and connections to the warehouse."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb
from filelock import FileLock

from orchestration import settings
from orchestration.warehouse import connect, read_only_connection

#: Seconds a step waits for the warehouse writer lock before failing.
WRITER_LOCK_TIMEOUT_S = 900


class WarehouseResource(dg.ConfigurableResource):
    """Locations of the warehouse files and of the drop inbox.

    Defaults come from ``WAREHOUSE_DIR`` and ``INBOX_DIR`` (see
    ``orchestration/settings.py``); both can be overridden in the launchpad.
    ``settle_seconds``: how long a file in the drop inbox must be unchanged
    (size and mtime) before the sensor picks it up. ``watch_seconds``: how long
    a sensor tick that finds nothing ready keeps watching the inbox for file
    events (:class:`orchestration.defs.ingestion.sensors.InboxWatch`) before it
    ends (0: one look; the code location's resource sets
    :data:`orchestration.defs.resources.SENSOR_WATCH_SECONDS`).
    """

    warehouse_dir: str
    inbox_dir: str
    settle_seconds: float = 2.0
    watch_seconds: float = 0.0

    @classmethod
    def from_env(cls, **options) -> "WarehouseResource":
        """Build the resource from ``WAREHOUSE_DIR`` / ``INBOX_DIR`` (or the defaults); ``options``: the other fields."""
        return cls(warehouse_dir=str(settings.warehouse_dir()), inbox_dir=str(settings.inbox_dir()), **options)

    @property
    def root(self) -> Path:
        return Path(self.warehouse_dir).resolve()

    @property
    def duckdb_path(self) -> Path:
        """Absolute path of ``warehouse.duckdb`` (the pipeline's own database)."""
        return settings.duckdb_path(self.warehouse_dir)

    @property
    def serving_path(self) -> Path:
        """Absolute path of ``serving.duckdb`` (published marts for BI tools)."""
        return self.root / settings.SERVING_FILE_NAME

    @property
    def archive_dir(self) -> Path:
        """Where processed files from the drop inbox are moved."""
        return self.root / "archive"

    @property
    def quarantine_dir(self) -> Path:
        """Quarantined files (moved from the drop inbox, or copied in batch runs) and their ``.reason.json``."""
        return self.root / "quarantine"

    def writer_lock(self) -> FileLock:
        """Inter-process lock serialising every access to ``warehouse.duckdb``.

        DuckDB allows one writing process, and a second process cannot even
        open the file read-only while it writes; all steps that touch the
        file (staging, checks, dbt, publish) hold this lock.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.root / ".warehouse.lock"), timeout=WRITER_LOCK_TIMEOUT_S)

    @contextmanager
    def connection(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to ``warehouse.duckdb`` with :meth:`writer_lock` held, closed on exit.

        ``read_only=False`` opens (or creates) the file with the raw schema
        applied (:func:`orchestration.warehouse.connect`); ``read_only=True``
        only reads, as the checks do.
        """
        with self.writer_lock():
            if read_only:
                with read_only_connection(self.duckdb_path) as con:
                    yield con
            else:
                with connect(self.duckdb_path) as con:
                    yield con
