"""From a file in the inbox to staging rows: register, parse, write or quarantine.

The document id is the SHA-256 of the file bytes (the same bytes twice are one
document). Every file ends either ``loaded``/``registered`` or ``quarantined``
with a reason a person can act on; one bad file never stops the others: any
exception from the parser is caught here and becomes a quarantine reason.

Batch runs read files in place and never move or change them. The reason of a
quarantined document is stored in ``staging.documents.error`` and written
next to a copy of the original under ``<warehouse>/quarantine/``.

No Dagster imports: ``orchestration.assets.ingest`` wires this into assets.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import os
import re
from pathlib import Path

import duckdb

from orchestration.parsing import ParseError, parse_document
from orchestration.parsing.records import ParsedDocument
from orchestration.warehouse import DocumentRegistration, WarehouseWriteError, write_document

#: File extensions picked up from an inbox folder (lower case).
INBOX_SUFFIXES = (".txt", ".tsv", ".pdf")


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


def list_inbox(inbox_dir: str | Path) -> list[Path]:
    """Files under ``inbox_dir`` (non-recursive, hidden files skipped), sorted by name.

    Raises ``FileNotFoundError`` with the folder named when it does not exist.
    """
    inbox = Path(inbox_dir)
    if not inbox.is_dir():
        raise FileNotFoundError(f"Inbox folder {inbox} does not exist; set INBOX_DIR or INBOX=… to a folder of documents.")
    return sorted(
        p for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in INBOX_SUFFIXES
    )


def sniff_format(data: bytes, file_name: str) -> str:
    """``pdf`` when the bytes start with ``%PDF``, else ``tsv``/``txt`` by extension, else ``unknown``."""
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    suffix = Path(file_name).suffix.lower()
    if suffix in (".txt", ".tsv"):
        return suffix[1:]
    return "unknown"


def register(path: Path, data: bytes) -> DocumentRegistration:
    """Build the registration of a file: SHA-256 id, name, format, size in bytes."""
    return DocumentRegistration(
        document_id=hashlib.sha256(data).hexdigest(),
        file_name=path.name,
        source_path=str(path.resolve()),
        format=sniff_format(data, path.name),
        byte_size=len(data),
    )


def parse_safely(data: bytes, file_name: str) -> tuple[ParsedDocument | None, str | None]:
    """Run the parser; return ``(parsed, None)`` or ``(None, reason)``.

    ``ParseError`` messages are already written for people; any other
    exception is a bug in the parser and is reported as such (the file is
    kept and can be re-run after a fix).
    """
    try:
        return parse_document(data, file_name), None
    except ParseError as exc:
        return None, str(exc)
    except Exception as exc:  # noqa: BLE001 - a parser bug must not crash the run
        return None, (
            f"Internal parser error ({type(exc).__name__}: {exc}). The file is kept; "
            "please report it with the file attached, and re-run after the fix."
        )


@dataclasses.dataclass(frozen=True)
class Destinations:
    """Where files end up: ``archive_dir`` for processed drop-inbox files,
    ``quarantine_dir`` for quarantined ones. ``move_processed`` is True for
    the drop inbox (files are moved) and False for batch runs (files are read
    in place; a quarantined file is *copied* with its reason)."""

    archive_dir: Path
    quarantine_dir: Path
    move_processed: bool = False


@dataclasses.dataclass(frozen=True)
class ParsedFile:
    """One file read and parsed, not yet written: what a parse worker returns.

    Picklable (bytes, dataclasses, ``Decimal``), so parsing can run in another
    process while the single writer stages the results.
    """

    path: Path
    data: bytes
    registration: DocumentRegistration
    parsed: ParsedDocument | None
    error: str | None

    @property
    def status(self) -> str:
        if self.parsed is None:
            return "quarantined"
        if self.parsed.doc_type == "project_targets" or self.parsed.department_targets is not None:
            return "loaded"
        disclosure = self.parsed.disclosure
        if disclosure is not None and (disclosure.has_amounts or self.parsed.budget_lines):
            return "loaded"
        return "registered"


def read_and_parse(path: Path, expected_id: str | None = None) -> ParsedFile:
    """Read ``path``, compute its id and parse it; no database, no file moved.

    Raises ``DocumentChangedError`` when ``expected_id`` is given and the
    bytes no longer hash to it (the file changed after it was detected).
    """
    path = Path(path)
    data = path.read_bytes()
    registration = register(path, data)
    if expected_id is not None and registration.document_id != expected_id:
        raise DocumentChangedError(
            f"{path.name} changed after it was detected (expected {expected_id[:12]}, found "
            f"{registration.document_id[:12]}); the sensor will pick up the new content."
        )
    parsed, error = parse_safely(data, path.name)
    return ParsedFile(path, data, registration, parsed, error)


def stage_parsed(con: duckdb.DuckDBPyConnection, item: ParsedFile, destinations: Destinations) -> IngestOutcome:
    """File away (drop mode: move; quarantined: keep a copy with its reason) and write one parsed file.

    In drop mode the file is moved *before* the database write, so the row
    always names where the bytes now are; if the write fails the bytes are
    safe in the archive and a re-run finds them by document id.
    """
    registration, status = item.registration, item.status
    kept = file_away(item.path, item.data, registration, destinations, status, item.error)
    if kept is not None and destinations.move_processed:
        registration = dataclasses.replace(registration, source_path=str(kept))
    try:
        write_document(con, registration, item.parsed, status, item.error)
    except (duckdb.Error, OSError) as db_error:
        if not _is_storage_error(db_error):
            raise
        raise WarehouseWriteError(
            f"cannot write {registration.file_name!r} to the warehouse database: {db_error}. Its transaction was "
            "rolled back (no partial rows); free disk space or make the warehouse folder writable, then re-run."
        ) from db_error
    return IngestOutcome(registration, status, item.error, DocumentFacts.of(item.parsed) if item.parsed else None)


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


class DocumentChangedError(RuntimeError):
    """The file's bytes differ from the document id it was scheduled under."""


def safe_file_stem(file_name: str) -> str:
    """A file-system-safe stem derived from an untrusted file name (no path parts)."""
    stem = re.sub(r"[^\w.\-]+", "_", Path(file_name).stem, flags=re.UNICODE).strip("._")
    return stem[:80] or "document"


def kept_file_name(registration: DocumentRegistration) -> str:
    """``<safe stem>.<first 12 hex of the id><suffix>``: unique per content, findable by id."""
    suffix = re.sub(r"[^\w.]", "", Path(registration.file_name).suffix)[:10]
    return f"{safe_file_stem(registration.file_name)}.{registration.document_id[:12]}{suffix}"


def file_away(
    path: Path,
    data: bytes,
    registration: DocumentRegistration,
    destinations: Destinations,
    status: str,
    reason: str | None,
) -> Path | None:
    """Move (drop mode) or copy (batch, quarantined only) a file to where it is kept.

    Returns the kept path, or ``None`` when the file stays where it is
    (a loaded file in batch mode). Nothing is ever deleted or overwritten:
    the name carries the content hash, and a second drop of the same bytes
    is kept beside the first as ``….dup1``, ``….dup2`` ….
    """
    quarantined = status == "quarantined"
    if not destinations.move_processed and not quarantined:
        return None
    folder = destinations.quarantine_dir if quarantined else destinations.archive_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / kept_file_name(registration)
        if destinations.move_processed:
            target = _free_name(target)
            _move(path, target, data)
        elif not (target.is_file() and target.stat().st_size == len(data)):
            write_atomically(target, data)
        if quarantined:
            write_reason(target, registration, reason or "")
    except OSError as error:
        raise WarehouseWriteError(
            f"cannot keep {registration.file_name!r} in {folder}: {error.strerror or error} "
            f"({_errno_name(error)}). The original is untouched at {path}; nothing of this document was "
            "written. Fix the folder (free disk space, make it writable) and re-run."
        ) from error
    return target


_STORAGE_ERROR_TEXTS = ("no space left", "read-only file system", "could not write", "permission denied",
                        "disk quota", "cannot open file")


def _is_storage_error(error: BaseException) -> bool:
    """True for an error of the disk or folder under the database (full, read-only), not of the data."""
    if isinstance(error, (OSError, duckdb.IOException)):
        return True
    text = str(error).lower()
    return any(t in text for t in _STORAGE_ERROR_TEXTS)


def _errno_name(error: OSError) -> str:
    return errno.errorcode.get(error.errno, "OSError") if error.errno else type(error).__name__


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` via a temporary file in the same folder, fsync and ``os.replace``.

    A crash or a full disk leaves either no ``target`` or the complete one,
    never a truncated file that a re-run would take for the kept copy.
    """
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _move(source: Path, target: Path, data: bytes) -> None:
    """Move ``source`` to ``target``; across file systems copy atomically first, then remove the source.

    ``rename`` fails with ``EXDEV`` when the inbox and the warehouse are on
    different mounts; the copy is complete and fsynced before the inbox file
    is unlinked, so the bytes exist in at least one place at every moment.
    """
    try:
        source.replace(target)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        write_atomically(target, data)
        source.unlink()


def _free_name(target: Path) -> Path:
    n = 0
    candidate = target
    while candidate.exists():
        n += 1
        candidate = target.with_name(f"{target.stem}.dup{n}{target.suffix}")
    return candidate


def write_reason(kept: Path, registration: DocumentRegistration, reason: str) -> Path:
    """Write ``<kept>.reason.json`` (document id, original name and path, reason)."""
    reason_file = kept.with_name(kept.name + ".reason.json")
    write_atomically(
        reason_file,
        json.dumps(
            {
                "document_id": registration.document_id,
                "file_name": registration.file_name,
                "source_path": registration.source_path,
                "reason": reason,
            },
            ensure_ascii=False,
            indent=2,
        ).encode("utf-8"),
    )
    return reason_file


def locate_document(document_id: str, known_path: str | None, folders: list[Path]) -> Path | None:
    """Find the bytes of ``document_id``: the known path if it still holds them,
    else a kept copy ``*.<id12>*`` in ``folders`` (archive, quarantine)."""
    if known_path and Path(known_path).is_file():
        return Path(known_path)
    for folder in folders:
        if folder.is_dir():
            for candidate in sorted(folder.glob(f"*.{document_id[:12]}*")):
                if not candidate.name.endswith(".reason.json") and not candidate.name.startswith("."):
                    return candidate
    return None
