"""From the files of a run to raw rows: parse in parallel, file away, load — the top of the package.

:func:`ingest_documents` is the whole policy of one run (what the Dagster asset
``stage_documents`` calls): each document id is found (the file given, the
registry, ``archive/``, ``quarantine/``), parsed ahead by the pool
(:mod:`.parallel`), and written by this one process in the given order
(:func:`stage_parsed`: filed by :mod:`.filing`, loaded by :mod:`.loading`, one
transaction per document). A file changed, gone or unreadable since it was
listed is quarantined under the listed id (batch) or left for the next run
(drop inbox).

The document id is the SHA-256 of the file bytes (the same bytes twice are one
document). Every file ends either ``loaded``/``registered`` or ``quarantined``
with a reason a person can act on; one bad file never stops the others: any
exception from the parser becomes a quarantine reason (``reading.parse_safely``),
a parse over its time or memory budget too (:mod:`.parallel`).

Batch runs read files in place and never move or change them. The reason of a
quarantined document is stored in ``raw.documents.error`` and written
next to a copy of the original under ``<warehouse>/quarantine/``.

No Dagster imports: ``orchestration.defs.ingestion.assets`` wires this into assets.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path
from typing import Protocol

import duckdb

from orchestration.ingestion.filing import Destinations, file_away, locate_document, write_reason
from orchestration.ingestion.inbox import display_name
from orchestration.ingestion.loading import DocumentRegistration, WarehouseWriteError, write_document
from orchestration.ingestion.parallel import ParseJob, Progress, notify_listeners, parse_files
from orchestration.ingestion.reading import DocumentChangedError, ParsedFile, read_and_parse, vanished_file
from orchestration.parsing.records import ParsedDocument


@dataclasses.dataclass(frozen=True)
class DocumentFacts:
    """What a run reports about one parsed document (a few numbers, not its records).

    Kept instead of the :class:`ParsedDocument` so that a backfill of
    thousands of documents does not hold every parsed record in memory.
    ``indicator_count`` counts project indicators plus department-wide ones.
    """

    doc_type: str
    department: str | None
    fiscal_year: int | None
    spending_unit_count: int
    project_count: int
    indicator_count: int
    page_count: int | None

    @classmethod
    def of(cls, parsed: ParsedDocument) -> DocumentFacts:
        targets = parsed.department_targets
        return cls(
            doc_type=parsed.doc_type,
            department=parsed.department,
            fiscal_year=parsed.fiscal_year,
            spending_unit_count=parsed.spending_unit_count,
            project_count=parsed.project_count,
            indicator_count=len(parsed.indicators) + (len(targets.indicators) if targets else 0),
            page_count=parsed.page_count,
        )


@dataclasses.dataclass(frozen=True)
class IngestOutcome:
    """Result of ingesting one file: its registration, final status and reason, and a few facts of its parse."""

    registration: DocumentRegistration
    status: str  # loaded | registered | quarantined
    error: str | None
    facts: DocumentFacts | None
    parse_seconds: float | None = None
    peak_memory_bytes: int | None = None


def stage_parsed(con: duckdb.DuckDBPyConnection, item: ParsedFile, destinations: Destinations,
                 run_id: str | None = None) -> IngestOutcome:
    """File away (drop mode: move; quarantined: keep a copy with its reason) and write one parsed file.

    In drop mode the file is moved *before* the database write, so the row
    always names where the bytes now are; if the write fails the bytes are
    safe in the archive and a re-run finds them by document id. ``run_id``: the Dagster run staging it
    (``raw.documents.run_id``).
    """
    registration, status = item.registration, item.status
    kept = file_away(item.path, item.data, registration, destinations, status, item.error)
    if kept is not None and destinations.move_processed:
        registration = dataclasses.replace(registration, source_path=str(kept))
    error = item.error
    try:
        try:
            write_document(con, registration, item.parsed, status, error, run_id)
        except duckdb.Error as data_error:
            if _is_storage_error(data_error):
                raise
            # A value the parser let through but DuckDB refuses (out of range, constraint): this
            # document is quarantined with DuckDB's words; the others are staged as usual.
            status, error = "quarantined", (
                f"{registration.file_name}: parsed, but the warehouse refused to store it ({type(data_error).__name__}: "
                f"{data_error}); nothing of it was loaded. Please report it with the file attached.")
            write_document(con, registration, None, status, error, run_id)
            if kept is None:
                file_away(item.path, item.data, registration, destinations, status, error)
            else:
                write_reason(kept, registration, error)
    except (duckdb.Error, OSError) as db_error:
        if not _is_storage_error(db_error):
            raise
        raise WarehouseWriteError(
            f"cannot write {registration.file_name!r} to the warehouse database: {db_error}. Its transaction was "
            "rolled back (no partial rows); free disk space or make the warehouse folder writable, then re-run."
        ) from db_error
    facts = DocumentFacts.of(item.parsed) if item.parsed and status != "quarantined" else None
    return IngestOutcome(registration, status, error, facts, item.parse_seconds, item.peak_memory_bytes)


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    destinations: Destinations,
    expected_id: str | None = None,
) -> IngestOutcome:
    """Register, parse and stage one file in one transaction (:func:`read_and_parse` + :func:`stage_parsed`).

    Status: ``loaded`` for a parsed 项目支出绩效目标表 or a fully parsed
    部门整体绩效目标 (profile, tasks, indicators), ``registered`` for a
    recognised document whose content is not modelled, ``quarantined``
    when it cannot be parsed (reason in ``error`` and in a ``.reason.json``
    next to the kept file).

    Raises ``DocumentChangedError`` when ``expected_id`` is given and the
    bytes no longer hash to it (the file changed after it was detected).
    """
    return stage_parsed(con, read_and_parse(path, expected_id), destinations)


_STORAGE_ERROR_TEXTS = ("no space left", "read-only file system", "could not write", "permission denied",
                        "disk quota", "cannot open file")


def _is_storage_error(error: BaseException) -> bool:
    """True for an error of the disk or folder under the database (full, read-only), not of the data."""
    if isinstance(error, (OSError, duckdb.IOException)):
        return True
    text = str(error).lower()
    return any(t in text for t in _STORAGE_ERROR_TEXTS)


class RunLog(Protocol):
    """Where a run's lines go: Dagster's ``context.log`` or a :class:`logging.Logger`."""

    def info(self, msg: str) -> None: ...
    def warning(self, msg: str) -> None: ...
    def error(self, msg: str) -> None: ...


#: Seconds between two progress lines in the run log (plus one at the end).
PROGRESS_LOG_INTERVAL_S = 10.0


@dataclasses.dataclass
class IngestRun:
    """What :func:`ingest_documents` did: one outcome per document written, the ids no file was found for,
    the progress (documents, pages, seconds) and the number of parse workers used."""

    outcomes: list[IngestOutcome]
    missing: list[str]
    progress: Progress
    workers: int


def ingest_documents(
    con: duckdb.DuckDBPyConnection,
    document_ids: list[str],
    files: dict[str, str],
    destinations: Destinations,
    workers: int,
    log: RunLog | None = None,
    run_id: str | None = None,
) -> IngestRun:
    """Parse (``workers`` processes) and write every document of ``document_ids``, in that order.

    ``files``: document id → path of its bytes (given by the sensor or the batch
    run); an id without an entry is looked up in ``raw.documents.source_path``,
    then among the kept copies in ``destinations``' archive and quarantine
    folders. Rules per document:

    - no file holds it: listed in ``missing`` (logged as an error), nothing written;
    - batch run (``move_processed`` False), file given but deleted, changed or
      unreadable since it was listed: quarantined under the listed id with the reason;
    - drop inbox, file changed or gone: listed in ``missing`` (the sensor sees
      the new bytes as a new document);
    - otherwise :func:`stage_parsed` (loaded / registered / quarantined).

    ``run_id``: the Dagster run (recorded in the registry, ``raw.documents.run_id``).

    Raises :class:`WarehouseWriteError` when the database or a folder cannot be
    written; any other exception of a worker is a bug and is raised.
    """
    log = log or logging.getLogger(__name__)
    outcomes: list[IngestOutcome] = []
    missing: list[str] = []
    known = {**_known_paths(con, document_ids), **files}
    jobs: list[ParseJob] = []
    for doc_id in document_ids:
        path = locate_document(doc_id, known.get(doc_id), [destinations.archive_dir, destinations.quarantine_dir])
        if path is None and doc_id in files and not destinations.move_processed:
            given = Path(files[doc_id])
            item = vanished_file(doc_id, str(given), _gone_reason(given))
            outcomes.append(stage_parsed(con, item, destinations, run_id))
            log.warning(item.error)
        elif path is None:
            missing.append(doc_id)
            log.error(f"No file holds document {doc_id}: it was neither given nor found in archive/quarantine.")
        else:
            jobs.append(ParseJob(doc_id, path))
    progress = Progress(len(jobs), sum(_size(job.path) for job in jobs))
    if len(jobs) > 1:
        log.info(f"Staging {len(jobs)} documents with {min(workers, len(jobs))} parse worker(s)")
    last_log = time.perf_counter()
    # Workers parse ahead; this process is the only writer (one transaction per document, in order).
    for job, result in parse_files(jobs, workers):
        result = _unread_as_quarantined(job, result, destinations.move_processed, log)
        if result is None:
            missing.append(job.document_id)
            continue
        outcome = stage_parsed(con, result, destinations, run_id)
        outcomes.append(outcome)
        progress.add(result.parsed.page_count if result.parsed else None, result.registration.byte_size)
        notify_listeners(progress)
        (log.warning if outcome.status == "quarantined" else log.info)(
            f"{job.path.name}: {outcome.status}" + (f" — {outcome.error}" if outcome.error else ""))
        if len(jobs) > 1 and time.perf_counter() - last_log >= PROGRESS_LOG_INTERVAL_S:
            last_log = time.perf_counter()
            log.info(progress.line())
    if len(jobs) > 1:
        log.info(progress.line())
    return IngestRun(outcomes, missing, progress, min(workers, max(len(jobs), 1)))


def _unread_as_quarantined(job: ParseJob, result: ParsedFile | BaseException, move_processed: bool,
                           log: RunLog) -> ParsedFile | None:
    """The file to write for a parse result: itself, a quarantined stand-in when the file could not be read as
    listed, or ``None`` when a dropped file changed or vanished (left for the sensor). Other errors are raised."""
    unreadable = isinstance(result, OSError) and not isinstance(result, FileNotFoundError)
    changed_or_gone = isinstance(result, (DocumentChangedError, FileNotFoundError))
    if unreadable:
        reason = (f"{display_name(job.path.name)}: the file cannot be read ({result.strerror or result}); "
                  "nothing was loaded. Check the disk or copy the file again, then re-run.")
        return vanished_file(job.document_id, str(job.path), reason)
    if changed_or_gone and not move_processed:
        reason = _gone_reason(job.path) if isinstance(result, FileNotFoundError) else str(result)
        return vanished_file(job.document_id, str(job.path), reason)
    if changed_or_gone:
        log.warning(str(result))
        return None
    if isinstance(result, BaseException):
        raise result
    return result


def _gone_reason(path: Path) -> str:
    return (f"{display_name(path.name)}: the file was deleted or moved after it was listed, before it could be "
            "read; nothing was loaded. Put it back and run again.")


def _known_paths(con: duckdb.DuckDBPyConnection, document_ids: list[str]) -> dict[str, str]:
    """Where the registry last saw each of ``document_ids`` (``raw.documents.source_path``)."""
    rows = con.execute(
        "SELECT document_id, source_path FROM raw.documents WHERE list_contains(?, document_id)", [document_ids]
    ).fetchall()
    return dict(rows)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def outcomes_markdown(outcomes: list[IngestOutcome]) -> str:
    """A Markdown table of a run's outcomes: file, status, type, department, year, counts, parse s, peak MB, reason."""
    lines = [
        "| file | status | type | department | year | units | projects | indicators | parse s | peak MB | reason |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        p = o.facts
        cells = [
            o.registration.file_name,
            o.status,
            p.doc_type if p else "",
            (p.department or "") if p else "",
            (p.fiscal_year or "") if p else "",
            p.spending_unit_count if p else "",
            p.project_count if p else "",
            p.indicator_count if p else "",
            "" if o.parse_seconds is None else f"{o.parse_seconds:.2f}",
            "" if o.peak_memory_bytes is None else f"{o.peak_memory_bytes / 2**20:.0f}",
            o.error or "",
        ]
        lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)
