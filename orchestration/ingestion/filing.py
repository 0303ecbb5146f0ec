"""Keeping documents: where a document's file and its reason are kept, under which name.

A kept file is named ``<safe stem>.<first 12 hex of the id><suffix>`` (unique per
content, findable by id: :func:`locate_document`); a quarantined one has a
``<name>.reason.json`` beside it. Every file is written atomically (temporary
file, fsync, rename), so a crash or a full disk never leaves half a file.

:func:`file_away` is the one rule of where a document's file goes after its parse
(drop mode moves it to ``archive/`` or ``quarantine/``; a batch run reads in place
and copies only a quarantined file). Used by :mod:`.ingest` and by the quality gate
(:func:`keep_in_quarantine`). Imports :mod:`.inbox`, :mod:`.reading` (opening a
file safely) and :mod:`.loading` (its error type), never :mod:`.ingest`. No Dagster imports.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Protocol

from orchestration.ingestion.inbox import SkippedEntry, errno_name
from orchestration.ingestion.loading import DocumentRegistration, WarehouseWriteError
from orchestration.ingestion.reading import open_document


class Filed(Protocol):
    """What filing needs to know of a document (``DocumentRegistration`` has it)."""

    document_id: str
    file_name: str
    source_path: str


@dataclasses.dataclass(frozen=True)
class FiledDocument:
    """A document known by id, name and where its file is (the gate's view of a staged document)."""

    document_id: str
    file_name: str
    source_path: str


#: Longest stem of a kept file, in UTF-8 bytes: with the id, suffix, ``.reason.json`` and a
#: temporary-file prefix the name stays far below the 255-byte limit of Linux file systems
#: (80 Chinese characters alone are 240 bytes).
MAX_STEM_BYTES = 120


def safe_file_stem(file_name: str) -> str:
    """A file-system-safe stem derived from an untrusted file name (no path parts), at most :data:`MAX_STEM_BYTES` bytes."""
    stem = re.sub(r"[^\w.\-]+", "_", Path(file_name).stem, flags=re.UNICODE).strip("._")
    stem = stem.encode("utf-8")[:MAX_STEM_BYTES].decode("utf-8", "ignore")  # never half a character
    return stem or "document"


def kept_file_name(document: Filed) -> str:
    """``<safe stem>.<first 12 hex of the id><suffix>``: unique per content, findable by id."""
    suffix = re.sub(r"[^\w.]", "", Path(document.file_name).suffix)[:10]
    return f"{safe_file_stem(document.file_name)}.{document.document_id[:12]}{suffix}"


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


def write_reason(kept: Path, document: Filed, reason: str, copied: bool = True) -> Path:
    """Write ``<kept>.reason.json`` (document id, original name and path, reason, whether a copy is kept)."""
    reason_file = kept.with_name(kept.name + ".reason.json")
    write_atomically(
        reason_file,
        json.dumps(
            {
                "document_id": document.document_id,
                "file_name": document.file_name,
                "source_path": document.source_path,
                "reason": reason,
                "copy_kept": copied,
            },
            ensure_ascii=False,
            indent=2,
        ).encode("utf-8"),
    )
    return reason_file


def record_skipped(entries: list[SkippedEntry], quarantine_dir: Path) -> list[Path]:
    """Write ``<quarantine>/not-read/<name>.<hash of the path>.reason.json`` for every skipped inbox entry.

    Nothing of the entry itself is read or copied; the file says what it was and
    why it was not read, so an entry that is not a document leaves a trace too.
    """
    folder = quarantine_dir / "not-read"
    written = []
    for entry in entries:
        key = hashlib.sha256(entry.path.encode("utf-8")).hexdigest()[:12]
        target = folder / f"{safe_file_stem(entry.file_name + '.x')}.{key}.reason.json"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomically(target, json.dumps(dataclasses.asdict(entry), ensure_ascii=False, indent=2).encode("utf-8"))
        except OSError as error:
            raise WarehouseWriteError(
                f"cannot record why {entry.file_name!r} was not read in {folder}: {error.strerror or error} "
                f"({errno_name(error)}). Fix the folder (free disk space, make it writable) and re-run."
            ) from error
        written.append(target)
    return written


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


def keep_in_quarantine(path: Path, document: Filed, reason: str, quarantine_dir: Path, move: bool) -> Path:
    """Move (drop archive) or copy (batch input) a gated document's file into quarantine, with its reason."""
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    target = quarantine_dir / kept_file_name(document)
    if path.resolve() != target.resolve() and path.is_file():
        if move:
            path.replace(target)
        elif not target.exists():
            shutil.copyfile(path, target)
    write_reason(target, document, reason)
    return target


@dataclasses.dataclass(frozen=True)
class Destinations:
    """Where files end up: ``archive_dir`` for processed drop-inbox files,
    ``quarantine_dir`` for quarantined ones. ``move_processed`` is True for
    the drop inbox (files are moved) and False for batch runs (files are read
    in place; a quarantined file is *copied* with its reason)."""

    archive_dir: Path
    quarantine_dir: Path
    move_processed: bool = False


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
