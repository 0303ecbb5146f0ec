"""Disk full and a read-only warehouse folder: a clear error, no partial writes.

A small tmpfs is mounted for the warehouse (the tests run as root in CI and on
the development machines; they are skipped where ``mount`` is not allowed).
Disk full: the load stops with :class:`WarehouseWriteError` naming the file and
"No space left on device"; after space is freed every document in staging is
whole and a re-run equals a clean load. Read-only: the same error class before
anything is written, and the inbox file stays where it was.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from orchestration.ingestion.filing import Destinations
from orchestration.ingestion.inbox import list_inbox
from orchestration.ingestion.ingest import ingest_file
from orchestration.ingestion.loading import WarehouseWriteError
from orchestration.settings import duckdb_path
from orchestration.ingestion.loading import connect
from tests.bad_input.corpus import random_bytes
from tests.conftest import SAMPLES_DIR
from tests.faults.compare import document_ids, table_contents

#: End-to-end runs of a minute or more each: the slow tier (`make test-slow`).
pytestmark = pytest.mark.slow


def _mount(path: Path, options: str) -> None:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}): needs root")


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    _mount(mount, "size=640k")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _load(warehouse_dir: Path, folder: Path, move: bool = False) -> None:
    destinations = Destinations(warehouse_dir / "archive", warehouse_dir / "quarantine", move_processed=move)
    with connect(duckdb_path(warehouse_dir)) as con:
        for path in list_inbox(folder):
            ingest_file(con, path, destinations)


@pytest.fixture
def folder(tmp_path) -> Path:
    path = tmp_path / "in"
    path.mkdir()
    for p in sorted(SAMPLES_DIR.iterdir()):
        if p.suffix in (".txt", ".pdf"):
            shutil.copy(p, path / p.name)
    (path / "zz-corrupt.pdf").write_bytes(random_bytes(300_000))  # quarantined: a big kept copy
    return path


def test_disk_full_is_a_clear_error_and_nothing_is_partial(small_disk, folder, tmp_path):
    wh = small_disk / "wh"
    with pytest.raises(WarehouseWriteError, match=r"No space left on device") as raised:
        _load(wh, folder)
    message = str(raised.value)
    assert "free disk space" in message.lower() or "Free disk space" in message
    # space freed: what is in the warehouse is whole, partial kept copies do not exist
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    clean = tmp_path / "clean"
    _load(clean, folder)
    for doc in document_ids(duckdb_path(wh)):
        where = ("WHERE document_id = ?", [doc])
        assert table_contents(duckdb_path(wh), "raw", *where) == table_contents(duckdb_path(clean), "raw", *where)
    for kept in (wh / "quarantine").glob("*") if (wh / "quarantine").exists() else []:
        assert not kept.name.startswith("."), f"temporary file left behind: {kept.name}"
    _load(wh, folder)  # the re-run completes
    assert table_contents(duckdb_path(wh), "raw") == table_contents(duckdb_path(clean), "raw")
    assert sorted(p.name for p in (wh / "quarantine").iterdir()) == sorted(p.name for p in (clean / "quarantine").iterdir())
    assert all(p.read_bytes() == (clean / "quarantine" / p.name).read_bytes() for p in (wh / "quarantine").iterdir())


def test_read_only_warehouse_folder_is_a_clear_error(tmp_path, folder):
    mount = tmp_path / "ro"
    _mount(mount, "size=4m")
    try:
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        with pytest.raises(WarehouseWriteError, match=r"cannot open the warehouse database .*Read-only file system"):
            _load(mount / "wh", folder)
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_read_only_quarantine_keeps_the_dropped_file_in_the_inbox(tmp_path):
    """Drop mode: the file cannot be moved to a read-only quarantine; it stays in the inbox, nothing is written."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    bad = inbox / "bad.pdf"
    bad.write_bytes(b"")
    wh = tmp_path / "wh"
    wh.mkdir()
    quarantine = wh / "quarantine"
    _mount(quarantine, "size=1m")
    try:
        subprocess.run(["mount", "-o", "remount,ro", str(quarantine)], check=True)
        with pytest.raises(WarehouseWriteError, match=r"cannot keep 'bad.pdf' in .*quarantine.*Read-only file system"):
            _load(wh, inbox, move=True)
        assert bad.read_bytes() == b"" and bad.exists()
        assert document_ids(duckdb_path(wh)) == [], "no row for a file that could not be kept"
    finally:
        subprocess.run(["umount", "-l", str(quarantine)], check=False)


def test_move_across_file_systems_keeps_the_bytes(tmp_path):
    """Inbox and warehouse on different mounts: ``rename`` fails with EXDEV; the file is copied, then removed."""
    inbox = tmp_path / "inbox"
    _mount(inbox, "size=4m")
    try:
        seed = SAMPLES_DIR / "003_cd7a85ae5b49b932.txt"
        shutil.copy(seed, inbox / seed.name)
        wh = tmp_path / "wh"
        _load(wh, inbox, move=True)
        assert list(inbox.iterdir()) == []
        (kept,) = (wh / "archive").iterdir()
        assert kept.read_bytes() == seed.read_bytes()
    finally:
        subprocess.run(["umount", "-l", str(inbox)], check=False)
