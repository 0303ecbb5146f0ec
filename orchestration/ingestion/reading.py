"""Reading one file: opened safely, identified (SHA-256 of its bytes), sized, sniffed and parsed.

:func:`read_and_parse` is what a parse worker runs (:mod:`.parallel`): bytes in,
a picklable :class:`ParsedFile` out, no database and no file moved. A file over
its format's size limit (:data:`MAX_BYTES`) is hashed in blocks and returned
unread; any exception of the parser becomes a quarantine reason
(:func:`parse_safely`). Imports :mod:`.inbox` (names) and :mod:`.loading`
(the registration record) only.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
from pathlib import Path

from orchestration.ingestion.inbox import display_name
from orchestration.ingestion.loading import DocumentRegistration
from orchestration.parsing import ParseError, parse_document
from orchestration.parsing.records import ParsedDocument
from orchestration.parsing.vocabulary import starts_with_pdf_header

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
            f"for a {kind} (MAX_BYTES in orchestration/ingestion/reading.py); it was not read. A real table is far smaller: "
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


class DocumentChangedError(RuntimeError):
    """The file's bytes differ from the document id it was scheduled under."""
