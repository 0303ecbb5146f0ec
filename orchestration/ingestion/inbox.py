"""Listing an inbox: which entries of a folder are documents to read, and why every other one is not.

One rule for batch runs (a folder read in place) and the drop-inbox sensor: regular
files with a known suffix are documents; links (never followed), folders, FIFOs,
hidden files and unknown suffixes are skipped with a reason a person can act on.
Nothing here opens a file. Imports nothing of the package (the bottom layer).
"""

from __future__ import annotations

import dataclasses
import errno
import os
import stat
from pathlib import Path

#: File extensions picked up from an inbox folder (lower case).
INBOX_SUFFIXES = (".txt", ".tsv", ".pdf", ".xlsx", ".xls", ".docx", ".html", ".htm")


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


def errno_name(error: OSError) -> str:
    """The symbolic name of an OS error (``ENOSPC``, ``ELOOP``…), or its class name when it has no errno."""
    return errno.errorcode.get(error.errno, "OSError") if error.errno else type(error).__name__
