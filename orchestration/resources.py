"""Dagster resources: where the warehouse and the drop inbox are, the writer lock, and connections to the warehouse."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb
from filelock import FileLock

from orchestration import settings
from orchestration.ingestion.loading import connect, read_only_connection

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

    @property
    def tests_snapshot_dir(self) -> Path:
        """Where ``dbt_tests_job`` keeps its copy of the warehouse (:meth:`tests_snapshot`) and dbt's parse cache for it."""
        return self.root / ".dbt-tests"

    @contextmanager
    def tests_snapshot(self) -> Iterator[Path]:
        """A copy of ``warehouse.duckdb`` for the dbt tests that follow a streaming run; yields its path.

        The copy (the file and its ``.wal`` if any, same file name, so the DuckDB catalog keeps its
        name) is taken with :meth:`writer_lock` held, then the lock is released: the tests read the
        warehouse as it was when they started, and the next drop's run does not wait for them (issue 19:
        a drop arriving while ``dbt test`` held the lock took 43-48 s instead of 11-15 s). One test run
        at a time uses the copy (its own lock, ``.dbt-tests/.lock``). Costs the warehouse's size on disk
        once more. ``filelock.Timeout`` after :data:`WRITER_LOCK_TIMEOUT_S` seconds of waiting.
        """
        folder = self.tests_snapshot_dir
        folder.mkdir(parents=True, exist_ok=True)
        with FileLock(str(folder / ".lock"), timeout=WRITER_LOCK_TIMEOUT_S):
            copy = folder / self.duckdb_path.name
            with self.writer_lock():
                for suffix in ("", ".wal"):
                    source, target = Path(f"{self.duckdb_path}{suffix}"), Path(f"{copy}{suffix}")
                    if source.exists():
                        shutil.copyfile(source, target)
                    else:
                        target.unlink(missing_ok=True)
            yield copy

    @contextmanager
    def connection(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to ``warehouse.duckdb`` with :meth:`writer_lock` held, closed on exit.

        ``read_only=False`` opens (or creates) the file with the raw schema
        applied (:func:`orchestration.ingestion.loading.connect`); ``read_only=True``
        only reads, as the checks do.
        """
        with self.writer_lock():
            if read_only:
                with read_only_connection(self.duckdb_path) as con:
                    yield con
            else:
                with connect(self.duckdb_path) as con:
                    yield con
