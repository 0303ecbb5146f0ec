"""From a file in the inbox to raw rows: register, parse, write or quarantine.

The document id is the SHA-256 of the file bytes (the same bytes twice are one
document). Every file ends either ``loaded``/``registered`` or ``quarantined``
with a reason a person can act on; one bad file never stops the others: any
exception from the parser is caught here and becomes a quarantine reason.

Batch runs read files in place and never move or change them. The reason of a
quarantined document is stored in ``raw.documents.error`` and written
next to a copy of the original under ``<warehouse>/quarantine/``.

No Dagster imports: ``orchestration.defs.ingestion.assets`` wires this into assets.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import os
import stat
from pathlib import Path

import duckdb

from orchestration.ingestion.filing import errno_name, kept_file_name, write_atomically, write_reason
from orchestration.parsing import ParseError, parse_document
from orchestration.parsing.records import ParsedDocument
from orchestration.parsing.vocabulary import starts_with_pdf_header
from orchestration.ingestion.loading import DocumentRegistration, WarehouseWriteError, write_document

#: File extensions picked up from an inbox folder (lower case).
INBOX_SUFFIXES = (".txt", ".tsv", ".pdf", ".xlsx", ".xls", ".docx", ".html", ".htm")

#: Largest file read per format, in bytes. A larger file is registered (its id is
#: hashed in blocks) and quarantined with the limit named, without being read into
#: memory. Text extracts of real tables are well under 1 MB (the seeds: 6-55 KB);
#: a PDF is also refused above 2,000 pages (``parsing.pdf_document.MAX_PAGES``).
#: Office files and saved pages of the national grid templates: a real workbook or
#: document of performance targets is well under 1 MB; 32 MiB leaves room for embedded
#: images and bounds the memory openpyxl / python-docx / lxml need (10-20x the file).
MAX_BYTES = {"txt": 16 * 2**20, "tsv": 16 * 2**20, "pdf": 128 * 2**20, "xlsx": 32 * 2**20, "xls": 32 * 2**20,
             "docx": 32 * 2**20, "html": 16 * 2**20, "unknown": 16 * 2**20}

#: Flags of every open of an inbox file: a symbolic link swapped in after listing is
#: not followed (ELOOP), and a FIFO does not block the run (O_NONBLOCK).
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


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


@dataclasses.dataclass(frozen=True)
class SkippedEntry:
    """An inbox entry that is not read as a document, and why (a reason a person can act on)."""

    file_name: str  # display name (bytes that are not UTF-8 shown as \\xNN)
    path: str
    reason: str


@dataclasses.dataclass(frozen=True)
class InboxListing:
    """What a folder holds: the files to read as documents, and every other entry with its reason."""

    files: list[Path]
    skipped: list[SkippedEntry]


def display_name(name: str) -> str:
    """A file name as text that can be stored and printed: bytes that are not UTF-8 become ``\\xNN``.

    Python hands such names over with lone surrogates (``bad\\udcff.txt``), which
    DuckDB, JSON and the terminal refuse; ``bad\\xff.txt`` names the same file for a person.
    """
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def scan_folder(inbox_dir: str | Path, recursive: bool = False) -> InboxListing:
    """Every entry of ``inbox_dir``, sorted by name: documents to read, or skipped with a reason.

    Read as documents: regular files (not followed through symbolic links) whose
    name does not start with ``.`` and ends in one of :data:`INBOX_SUFFIXES`.
    Skipped, each with its reason: symbolic links (never followed, so nothing
    outside the inbox is read), folders, FIFOs/sockets/devices, hidden files and
    unsupported suffixes (a trailing space after the suffix is named).
    With ``recursive`` (a batch run over a folder read in place, e.g. all of ``realdocs/``),
    real sub-folders (not hidden, not links) are listed too, depth first, each in name order;
    the drop inbox of the sensor is never recursive (files are moved out of it).
    Raises ``FileNotFoundError`` with the folder named when it does not exist.
    """
    inbox = Path(inbox_dir)
    if not inbox.is_dir():
        raise FileNotFoundError(f"Inbox folder {inbox} does not exist; set INBOX_DIR or INBOX=… to a folder of documents.")
    files: list[Path] = []
    skipped: list[SkippedEntry] = []
    with os.scandir(inbox) as entries:
        for entry in sorted(entries, key=lambda e: os.fsencode(e.name)):
            reason = skip_reason(inbox, entry)
            if recursive and _is_sub_folder(entry):
                inner = scan_folder(entry.path, recursive=True)
                files.extend(inner.files)
                skipped.extend(inner.skipped)
                if inner.files or inner.skipped:
                    continue
                reason = "a folder, not a file, and it holds nothing to read."
            elif recursive and entry.is_dir(follow_symlinks=False):
                reason = "a hidden folder (its name starts with '.'): not read; rename it without the dot to load it."
            if reason is None:
                files.append(Path(entry.path))
            else:
                name = display_name(entry.name)
                skipped.append(SkippedEntry(name, display_name(entry.path), f"{name}: {reason}"))
    return InboxListing(files, skipped)


def _is_sub_folder(entry: os.DirEntry) -> bool:
    """A real folder (not a link to one), not hidden: what a recursive listing descends into."""
    return entry.is_dir(follow_symlinks=False) and not entry.name.startswith(".")


def list_inbox(inbox_dir: str | Path) -> list[Path]:
    """The files of ``inbox_dir`` to read as documents (see :func:`scan_folder`), sorted by name."""
    return scan_folder(inbox_dir).files


def skip_reason(inbox: Path, entry: os.DirEntry) -> str | None:
    """Why ``entry`` of ``inbox`` is not read as a document, or ``None`` when it is one (the one rule of
    batch runs and of the drop-inbox sensor)."""
    if entry.is_symlink():
        return _symlink_reason(inbox, entry)
    mode = entry.stat(follow_symlinks=False).st_mode
    if stat.S_ISDIR(mode):
        return "a folder, not a file: sub-folders are not read; move its documents into the inbox itself."
    if not stat.S_ISREG(mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
        return f"{kind}, not a document file: not read."
    if entry.name.startswith("."):
        return "a hidden file (its name starts with '.'): not read; rename it without the leading dot to load it."
    suffix = Path(entry.name).suffix
    if suffix.lower() in INBOX_SUFFIXES:
        return None
    if suffix.rstrip().lower() in INBOX_SUFFIXES or entry.name.rstrip() != entry.name:
        return (f"the name ends in white space after the suffix ({display_name(suffix)!r}): not read; rename it to "
                f"end in {suffix.strip().lower() or '.pdf, .txt or .tsv'}.")
    shown = display_name(suffix) if suffix else "none"
    return (f"unsupported file type (suffix {shown}): only {', '.join(INBOX_SUFFIXES)} are read. Submit the "
            "document as a PDF with a text layer or as a UTF-8 text extract.")


def _symlink_reason(inbox: Path, entry: os.DirEntry) -> str:
    try:
        target = Path(entry.path).resolve(strict=True)
    except RuntimeError:  # Python 3.11 raises RuntimeError for a symlink loop
        return "a symbolic link that loops (it points back to itself): not read."
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "a symbolic link that loops (it points back to itself): not read."
        return f"a symbolic link to a missing or unreadable path ({errno_name(error)}): not read."
    inside = target.parent == inbox.resolve()
    where = "another file of the inbox" if inside else "a path outside the inbox"
    return (f"a symbolic link to {where}: links are never followed, so nothing outside the inbox is read, and "
            "this file was not opened. Copy the document itself into the inbox to load it.")


def open_document(path: Path) -> int:
    """Open an inbox file for reading without following a symbolic link or blocking on a FIFO.

    Returns the descriptor. Raises ``OSError`` (``ELOOP`` for a link swapped in
    after listing, ``EISDIR``…) and :class:`NotARegularFile`.
    """
    fd = os.open(path, _OPEN_FLAGS)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise NotARegularFile(f"{display_name(Path(path).name)} is not a regular file any more; it was not read.")
    return fd


class NotARegularFile(OSError):
    """An inbox path that is no longer a regular file when it is opened (a FIFO, a folder…)."""


#: The hash a document id is made with: the id is the hex digest of the file's bytes.
DOCUMENT_ID_HASH = "sha256"


def document_id(source: bytes | Path) -> str:
    """The id of a document: the SHA-256 hex of its bytes.

    ``source`` is the bytes, or the path of the file, then hashed in blocks as
    :func:`document_digest` does (opened with :func:`open_document`'s checks).
    Every document id is computed here.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        return hashlib.new(DOCUMENT_ID_HASH, source).hexdigest()
    return document_digest(Path(source))[0]


def document_digest(path: Path) -> tuple[str, int]:
    """``(document id, size in bytes)`` of a file, hashed in blocks (no file is held in memory)."""
    with os.fdopen(open_document(path), "rb") as handle:
        digest = hashlib.file_digest(handle, DOCUMENT_ID_HASH)
        return digest.hexdigest(), handle.tell()


def size_limit_reason(file_name: str, fmt: str, size: int) -> str | None:
    """The reason a file of ``size`` bytes in format ``fmt`` is refused unread, or ``None`` when within :data:`MAX_BYTES`."""
    limit = MAX_BYTES.get(fmt, MAX_BYTES["unknown"])
    if size <= limit:
        return None
    kind = {"pdf": "PDF", "xlsx": "Excel workbook", "xls": "Excel workbook", "docx": "Word document",
            "html": "web page"}.get(fmt, "text extract")
    return (f"{file_name}: too large to read: {size / 2**20:,.1f} MiB, over the limit of {limit / 2**20:,.0f} MiB "
            f"for a {kind} (MAX_BYTES in orchestration/ingestion/ingest.py); it was not read. A real table is far smaller: "
            "check that this is the right file, or split the document.")


def sniff_format(data: bytes, file_name: str) -> str:
    """``pdf`` when the bytes start with ``%PDF``, else by extension: ``tsv``/``txt``, ``xlsx``/``xls``/``docx``,
    ``html`` (``.html`` and ``.htm``), else ``unknown``."""
    if starts_with_pdf_header(data):
        return "pdf"
    suffix = Path(file_name).suffix.lower()
    if suffix in (".txt", ".tsv", ".xlsx", ".xls", ".docx", ".html"):
        return suffix[1:]
    if suffix == ".htm":
        return "html"
    return "unknown"


def register(path: Path, data: bytes) -> DocumentRegistration:
    """Build the registration of a file: SHA-256 id, name, format, size in bytes.

    Names and paths are stored as :func:`display_name` text (never with lone surrogates).
    """
    return DocumentRegistration(
        document_id=document_id(data),
        file_name=display_name(path.name),
        source_path=display_name(str(path.absolute())),
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
    except MemoryError:
        raise  # the parse pool names the memory limit (orchestration/ingestion/parallel.py)
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
    data: bytes | None  # None: not read (over the size limit, or its parse was ended)
    registration: DocumentRegistration
    parsed: ParsedDocument | None
    error: str | None
    parse_seconds: float | None = None  # wall time of the parse worker
    peak_memory_bytes: int | None = None  # peak resident memory of the worker during this parse

    @property
    def status(self) -> str:
        if self.parsed is None:
            return "quarantined"
        if self.parsed.doc_type == "project_targets" or self.parsed.department_targets is not None:
            return "loaded"
        disclosure = self.parsed.disclosure
        if disclosure is not None and (disclosure.has_amounts or self.parsed.budget_lines or self.parsed.evaluations):
            return "loaded"  # evaluations: a 绩效自评表 (alone, or in a 决算 without amounts read)
        return "registered"


def read_and_parse(path: Path, expected_id: str | None = None) -> ParsedFile:
    """Read ``path``, compute its id and parse it; no database, no file moved.

    The file is opened without following symbolic links; one over its format's
    size limit (:data:`MAX_BYTES`) is hashed in blocks and returned unread and
    unparsed, with the limit as its reason. Raises ``DocumentChangedError``
    when ``expected_id`` is given and the bytes no longer hash to it, and
    ``OSError`` when the file cannot be opened or read.
    """
    path = Path(path)
    name = display_name(path.name)
    with os.fdopen(open_document(path), "rb") as handle:
        head = handle.read(1024)
        size = os.fstat(handle.fileno()).st_size
        too_large = size_limit_reason(name, sniff_format(head, path.name), size)
        if too_large:
            return unread_file(path, expected_id, too_large)
        data = head + handle.read()
    registration = register(path, data)
    _check_expected(registration, expected_id)
    parsed, error = parse_safely(data, name)
    return ParsedFile(path, data, registration, parsed, error)


def unread_file(path: Path, expected_id: str | None, reason: str, keep_bytes: bool = False) -> ParsedFile:
    """A quarantined, unparsed :class:`ParsedFile` for ``path`` with ``reason`` (over its size limit, parse ended).

    ``keep_bytes``: read the file (it is within its size limit) so that a copy
    is kept in quarantine; otherwise the id is hashed in blocks and no copy is
    made (batch runs leave the original in place and say so in the reason
    file; drop mode moves it).
    """
    path = Path(path)
    if keep_bytes:
        with os.fdopen(open_document(path), "rb") as handle:
            data = handle.read()
        registration = register(path, data)
    else:
        data = None
        document_id, size = document_digest(path)
        registration = DocumentRegistration(document_id, display_name(path.name),
                                            display_name(str(path.absolute())), _format_of(path), size)
    _check_expected(registration, expected_id)
    return ParsedFile(path, data, registration, None, reason)


def _format_of(path: Path) -> str:
    with os.fdopen(open_document(path), "rb") as handle:
        return sniff_format(handle.read(1024), path.name)


def _check_expected(registration: DocumentRegistration, expected_id: str | None) -> None:
    if expected_id is not None and registration.document_id != expected_id:
        raise DocumentChangedError(
            f"{registration.file_name}: the file changed after it was listed (expected content "
            f"{expected_id[:12]}, found {registration.document_id[:12]}), so the listed version was not loaded. "
            "Run again to load the new content."
        )


def vanished_file(document_id: str, known_path: str, reason: str) -> ParsedFile:
    """A quarantined :class:`ParsedFile` for a listed document whose file is gone or changed before it was read."""
    path = Path(known_path)
    registration = DocumentRegistration(document_id, display_name(path.name), display_name(str(path)), "unknown", 0)
    return ParsedFile(path, None, registration, None, reason)


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
    error = item.error
    try:
        try:
            write_document(con, registration, item.parsed, status, error)
        except duckdb.Error as data_error:
            if _is_storage_error(data_error):
                raise
            # A value the parser let through but DuckDB refuses (out of range, constraint): this
            # document is quarantined with DuckDB's words; the others are staged as usual.
            status, error = "quarantined", (
                f"{registration.file_name}: parsed, but the warehouse refused to store it ({type(data_error).__name__}: "
                f"{data_error}); nothing of it was loaded. Please report it with the file attached.")
            write_document(con, registration, None, status, error)
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


class DocumentChangedError(RuntimeError):
    """The file's bytes differ from the document id it was scheduled under."""


def file_away(
    path: Path,
    data: bytes | None,
    registration: DocumentRegistration,
    destinations: Destinations,
    status: str,
    reason: str | None,
) -> Path | None:
    """Move (drop mode) or copy (batch, quarantined only) a file to where it is kept.

    Returns the kept path, or ``None`` when the file stays where it is
    (a loaded file in batch mode). Nothing is ever deleted or overwritten:
    the name carries the content hash, and a second drop of the same bytes
    is kept beside the first as ``….dup1``, ``….dup2`` …. ``data`` is
    ``None`` for a file that was not read (over its size limit, gone): in a
    batch run only its reason file is written (the original stays where it is).
    """
    quarantined = status == "quarantined"
    if not destinations.move_processed and not quarantined:
        return None
    folder = destinations.quarantine_dir if quarantined else destinations.archive_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / kept_file_name(registration)
        copied = True
        if destinations.move_processed:
            target = _free_name(target)
            _move(path, target, data)
        elif data is None:
            copied = False
        elif not (target.is_file() and target.stat().st_size == len(data)):
            write_atomically(target, data)
        if quarantined:
            write_reason(target, registration, reason or "", copied)
    except OSError as error:
        raise WarehouseWriteError(
            f"cannot keep {registration.file_name!r} in {folder}: {error.strerror or error} "
            f"({errno_name(error)}). The original is untouched at {path}; nothing of this document was "
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


def _move(source: Path, target: Path, data: bytes | None) -> None:
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
        if data is None:  # not held in memory (over the size limit): copy in blocks
            with os.fdopen(open_document(source), "rb") as handle:
                data = handle.read()
        write_atomically(target, data)
        source.unlink()


def _free_name(target: Path) -> Path:
    n = 0
    candidate = target
    while candidate.exists():
        n += 1
        candidate = target.with_name(f"{target.stem}.dup{n}{target.suffix}")
    return candidate


