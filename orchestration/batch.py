"""Batch runs over a folder the user names: files are read in place, never moved.

Hashes every file of the folder (document id = SHA-256), then executes ``main_job``
in this process once over all of them (the documents named in the run config:
:mod:`orchestration.run_documents`; each becomes a row of the registry
``raw.documents``, not a Dagster partition). Entries
that are not documents (links, folders, FIFOs, hidden or unsupported files,
files that cannot be read) are listed in ``BatchResult.skipped`` with their
reason and recorded under ``quarantine/not-read/``.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import uuid
from pathlib import Path
from typing import Callable

import dagster as dg


from orchestration.ingestion.filing import record_skipped
from orchestration.ingestion.inbox import SkippedEntry, display_name, scan_folder
from orchestration.ingestion.reading import document_digest
from orchestration.ingestion.loading import WarehouseWriteError
from orchestration.run_documents import file_tags, stage_run_config


#: The asset whose materialization means serving.duckdb was replaced (orchestration/defs/serving/assets.py).
SERVING_KEY = dg.AssetKey("serving_database")


@dataclasses.dataclass
class BatchResult:
    """What a batch run did: the document ids of the folder (file order), the Dagster results."""

    document_ids: list[str]
    results: list[dg.ExecuteInProcessResult]
    duplicates: dict[str, list[str]]  # document id → extra file names with the same bytes
    skipped: list[SkippedEntry] = dataclasses.field(default_factory=list)  # entries not read, with reasons

    @property
    def success(self) -> bool:
        return all(r.success for r in self.results)

    def published(self) -> bool:
        """True when a run of the batch materialized ``serving_database``: the publish step's own result.

        A run may fail after it published (a report or summary step); what the user is told about
        serving.duckdb comes from this, never from the run's overall success.
        """
        return any(e.asset_key == SERVING_KEY for r in self.results for e in r.get_asset_materialization_events())

    def failed_steps(self) -> list[str]:
        """Keys of the steps that failed in the batch's runs, in run and event order."""
        return [e.step_key for r in self.results for e in r.all_events if e.is_step_failure]

    def check_evaluations(self) -> list:
        return [e for r in self.results for e in r.get_asset_check_evaluations()]

    def blocking_failures(self) -> list:
        return [e for e in self.check_evaluations() if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR]


def run_batch(defs: dg.Definitions, instance: dg.DagsterInstance, folder: Path, log_level: str = "INFO",
              on_event: Callable[[dg.EventLogEntry], None] | None = None) -> BatchResult:
    """Run ``main_job`` over every document in ``folder`` and its sub-folders (read in place).

    Raises ``FileNotFoundError`` when ``folder`` does not exist. Files with
    identical bytes are one document (the first name is used; the others are
    listed in ``duplicates``). ``on_event`` is called with every event of the
    runs as it is stored (the terminal's progress: ``orchestration.terminal``).
    """
    listing = scan_folder(folder, recursive=True)
    skipped = list(listing.skipped)
    files: dict[str, str] = {}
    duplicates: dict[str, list[str]] = {}
    for path in listing.files:
        try:
            document_id, _size = document_digest(path)
        except OSError as error:
            name = display_name(path.name)
            skipped.append(SkippedEntry(name, display_name(str(path)), (
                f"{name}: the file cannot be read ({error.strerror or error}); nothing was loaded. Check the disk or "
                "copy the file again, then re-run.")))
            continue
        if document_id in files:
            duplicates.setdefault(document_id, []).append(display_name(path.name))
        else:
            files[document_id] = str(path)
    ids = list(files)
    resource = defs.resources.get("warehouse")
    if skipped and resource is not None:
        record_skipped(skipped, Path(resource.quarantine_dir))
    if not ids:
        return BatchResult([], [], {}, skipped)
    try:
        return BatchResult(ids, _run(defs, instance, files, ids, log_level, on_event), duplicates, skipped)
    except sqlite3.OperationalError as error:
        raise _storage_error(instance, error) from error
    except Exception as error:  # Dagster wraps the storage's error (DagsterInstance, SQLAlchemy)
        cause = _sqlite_cause(error)
        if cause is None:
            raise
        raise _storage_error(instance, cause) from error


def open_instance() -> dg.DagsterInstance:
    """The Dagster instance of a batch run: ``$DAGSTER_HOME`` (created with telemetry off) if set, else ephemeral.

    Raises :class:`WarehouseWriteError` when its folder or its sqlite storage
    cannot be written (disk full, read-only).
    """
    import os

    from orchestration import settings

    if not os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.ephemeral()
    try:
        settings.dagster_home()
        return dg.DagsterInstance.get()
    except OSError as error:
        raise WarehouseWriteError(
            f"cannot create Dagster's home {os.environ['DAGSTER_HOME']}: {error}. Free disk space on that folder "
            "(or point WAREHOUSE_DIR / DAGSTER_HOME elsewhere) and re-run."
        ) from error
    except Exception as error:  # noqa: BLE001 - Dagster wraps sqlite's error
        cause = _sqlite_cause(error)
        if cause is None:
            raise
        raise _storage_error(None, cause) from error


def _run(defs: dg.Definitions, instance: dg.DagsterInstance, files: dict[str, str], ids: list[str],
         log_level: str, on_event: Callable[[dg.EventLogEntry], None] | None = None) -> list[dg.ExecuteInProcessResult]:
    """One ``main_job`` run in this process over the documents ``ids`` (their files in ``files``)."""
    in_files = {i: files[i] for i in ids}
    config = stage_run_config(in_files, move_processed=False)
    config["loggers"] = {"console": {"config": {"log_level": log_level}}}
    run_id = str(uuid.uuid4())  # known before the run starts, to listen to its events
    if on_event is not None:
        instance.add_event_listener(run_id, on_event)
    job = defs.resolve_job_def("main_job")
    return [job.execute_in_process(instance=instance, run_config=config, raise_on_error=False, run_id=run_id,
                                   tags=file_tags(in_files))]


def _sqlite_cause(error: BaseException) -> sqlite3.OperationalError | None:
    """The ``sqlite3.OperationalError`` of the disk under Dagster's storage in ``error``'s chain, if any."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        orig = getattr(error, "orig", None)  # SQLAlchemy keeps the DB-API error here
        for candidate in (error, orig):
            if isinstance(candidate, sqlite3.OperationalError) and _is_disk_error(candidate):
                return candidate
        error = error.__cause__ or error.__context__
    return None


def _is_disk_error(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return any(t in text for t in ("disk i/o error", "database or disk is full", "readonly database",
                                   "unable to open database", "no space"))


def _storage_error(instance: dg.DagsterInstance, error: BaseException) -> WarehouseWriteError:
    home = getattr(instance, "root_directory", None) or __import__("os").environ.get("DAGSTER_HOME", "$DAGSTER_HOME")
    return WarehouseWriteError(
        f"cannot write Dagster's run storage in {home}: {error} (sqlite). The run did not complete; documents "
        "already staged are whole (one transaction each). Free disk space on that folder (or point "
        "WAREHOUSE_DIR / DAGSTER_HOME elsewhere) and re-run."
    )
