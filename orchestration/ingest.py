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
import hashlib
import json
import re
from pathlib import Path

import duckdb

from orchestration.parsing import ParseError, parse_document
from orchestration.parsing.records import ParsedDocument
from orchestration.warehouse import DocumentRegistration, write_document

#: File extensions picked up from an inbox folder (lower case).
INBOX_SUFFIXES = (".txt", ".tsv", ".pdf")


@dataclasses.dataclass(frozen=True)
class IngestOutcome:
    """Result of ingesting one file: its registration, final status and reason."""

    registration: DocumentRegistration
    status: str  # loaded | registered | quarantined
    error: str | None
    parsed: ParsedDocument | None


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


def ingest_file(con: duckdb.DuckDBPyConnection, path: Path, quarantine_dir: Path | None) -> IngestOutcome:
    """Register, parse and stage one file in one transaction.

    Status: ``loaded`` for a parsed 项目支出绩效目标表 or a fully parsed
    部门整体绩效目标 (profile, tasks, indicators), ``registered`` for a
    recognised document whose content is not modelled, ``quarantined``
    when it cannot be parsed (reason in ``error``; also written to
    ``quarantine_dir`` when given).
    """
    data = path.read_bytes()
    registration = register(path, data)
    parsed, error = parse_safely(data, path.name)
    if parsed is None:
        status = "quarantined"
    elif parsed.doc_type == "project_targets" or parsed.department_targets is not None:
        status = "loaded"
    else:
        status = "registered"
    write_document(con, registration, parsed, status, error)
    if status == "quarantined" and quarantine_dir is not None:
        write_quarantine_copy(quarantine_dir, registration, data, error or "")
    return IngestOutcome(registration, status, error, parsed)


def safe_file_stem(file_name: str) -> str:
    """A file-system-safe stem derived from an untrusted file name (no path parts)."""
    stem = re.sub(r"[^\w.\-]+", "_", Path(file_name).name, flags=re.UNICODE).strip("._")
    return stem[:80] or "document"


def write_quarantine_copy(quarantine_dir: Path, registration: DocumentRegistration, data: bytes, reason: str) -> Path:
    """Keep a copy of a quarantined file and a ``.reason.json`` next to it.

    Names are ``<safe stem>.<id prefix>``; an existing copy is never
    overwritten with different bytes (same id means same bytes).
    Returns the path of the reason file.
    """
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    base = f"{safe_file_stem(registration.file_name)}.{registration.document_id[:12]}"
    copy = quarantine_dir / base
    if not copy.exists():
        copy.write_bytes(data)
    reason_file = quarantine_dir / f"{base}.reason.json"
    reason_file.write_text(
        json.dumps(
            {
                "document_id": registration.document_id,
                "file_name": registration.file_name,
                "source_path": registration.source_path,
                "reason": reason,
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    return reason_file
