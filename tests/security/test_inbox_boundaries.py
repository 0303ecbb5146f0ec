"""Issue 18: nothing outside the inbox is read, nothing in a name is run by a shell, every entry leaves a trace.

Real folders with real links, FIFOs, bind mounts and the real Makefile.
``run_batch`` returns before any Dagster run when a folder holds no
document, so these cases are fast; the whole batch is ``tests/bad_input/test_hostile_batch.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import dagster as dg
import pytest

from orchestration.batch import run_batch
from orchestration.definitions import build_definitions
from orchestration.ingestion.inbox import scan_folder
from orchestration.ingestion.reading import read_and_parse
from orchestration.resources import WarehouseResource
from tests.conftest import REPO_ROOT


def _batch(inbox: Path, wh: Path):
    defs = build_definitions(WarehouseResource(warehouse_dir=str(wh), inbox_dir=str(wh / "drop")))
    return run_batch(defs, dg.DagsterInstance.ephemeral(), inbox, log_level="ERROR")


def _not_read(wh: Path) -> dict[str, str]:
    folder = wh / "quarantine" / "not-read"
    return {json.loads(p.read_text("utf-8"))["file_name"]: json.loads(p.read_text("utf-8"))["reason"]
            for p in folder.glob("*.reason.json")}


def test_5_an_unreadable_file_is_listed_with_its_error_and_the_cli_does_not_crash(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    target = inbox / "unreadable.txt"
    target.write_bytes(b"")
    done = subprocess.run(["mount", "--bind", "/proc/self/mem", str(target)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot bind-mount here ({done.stderr.strip()}): needs root")
    try:
        result = _batch(inbox, tmp_path / "wh")
    finally:
        subprocess.run(["umount", str(target)], check=False)
    ((entry),) = result.skipped
    assert entry.file_name == "unreadable.txt"
    assert entry.reason.startswith("unreadable.txt: the file cannot be read (")
    assert "unreadable.txt" in _not_read(tmp_path / "wh")


def test_6_links_out_of_the_inbox_are_never_read(tmp_path):
    inbox, outside, wh = tmp_path / "in", tmp_path / "outside", tmp_path / "wh"
    inbox.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("TOP-SECRET-LINE\n", "utf-8")
    os.symlink("/etc/passwd", inbox / "passwd.txt")
    os.symlink(outside / "secret.txt", inbox / "secret.pdf")
    os.symlink("../outside/secret.txt", inbox / "relative.tsv")
    result = _batch(inbox, wh)
    assert result.document_ids == [], "no link became a document"
    reasons = {e.file_name: e.reason for e in result.skipped}
    assert set(reasons) == {"passwd.txt", "secret.pdf", "relative.tsv"}
    for reason in reasons.values():
        assert "outside the inbox" in reason and "never followed" in reason
    kept = b"".join(p.read_bytes() for p in wh.rglob("*") if p.is_file())
    assert b"root:" not in kept and b"TOP-SECRET-LINE" not in kept, "nothing of a link target was copied"
    assert set(_not_read(wh)) == set(reasons)


def test_6_a_link_swapped_in_after_listing_is_not_followed_when_read(tmp_path):
    os.symlink("/etc/passwd", tmp_path / "swapped.txt")
    with pytest.raises(OSError):
        read_and_parse(tmp_path / "swapped.txt")


def test_12_entries_that_are_not_documents_are_each_listed_with_what_happened(tmp_path):
    inbox, wh = tmp_path / "in", tmp_path / "wh"
    inbox.mkdir()
    (inbox / "notes.pptx").write_bytes(b"PK\x03\x04")
    (inbox / "report.pdf ").write_bytes(b"%PDF-1.7\n")
    (inbox / ".hidden.txt").write_text("x", "utf-8")
    (inbox / "README").write_text("x", "utf-8")
    os.mkfifo(inbox / "pipe.txt")
    (inbox / "x.pdf").mkdir()
    os.symlink("loop.txt", inbox / "loop.txt")
    os.symlink("b.txt", inbox / "a.txt")
    os.symlink("a.txt", inbox / "b.txt")
    result = _batch(inbox, wh)
    reasons = {e.file_name: e.reason for e in result.skipped}
    expected = {
        "notes.pptx": "unsupported file type (suffix .pptx)",
        "report.pdf ": "white space after the suffix ('.pdf ')",
        ".hidden.txt": "hidden file",
        "README": "unsupported file type (suffix none)",
        "pipe.txt": "FIFO",
        "x.pdf": "a folder",
        "loop.txt": "loops",
        "a.txt": "loops",
        "b.txt": "loops",
    }
    assert set(reasons) == set(expected)
    for name, words in expected.items():
        assert reasons[name].startswith(f"{name}: ") and words in reasons[name], reasons[name]
    assert _not_read(wh) == reasons, "each one has a reason file under quarantine/not-read/"


def test_12_listing_does_not_block_on_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "pipe.pdf")
    listing = scan_folder(tmp_path)  # would block forever if the FIFO were opened
    assert listing.files == [] and "FIFO" in listing.skipped[0].reason


@pytest.mark.slow
def test_7_make_passes_inbox_and_warehouse_dir_without_shell_interpretation(tmp_path):
    marker = tmp_path / "pwned"
    # (A `$` would be expanded by make itself, before any shell: make's own syntax, not a shell's.)
    inbox = f"{tmp_path}/in`touch {marker}`\"; touch {marker}2; echo '"
    warehouse = tmp_path / "wh with space"
    before = sorted(p.name for p in REPO_ROOT.iterdir())
    # A DAGSTER_HOME already set (by the CI host or an earlier test) wins over WAREHOUSE_DIR, as it should
    # for a user; this test is about the Makefile deriving it, so it starts without one.
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "INBOX_DIR")}
    done = subprocess.run(["make", "--no-print-directory", "run", f"INBOX={inbox}", f"WAREHOUSE_DIR={warehouse}"],  # noqa: S603
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, env=env)
    output = (done.stdout + done.stderr).replace("\n", "")  # the terminal wraps long lines
    assert not marker.exists() and not Path(f"{marker}2").exists(), "a backtick or $(…) in INBOX was executed"
    # the CLI names the folder it was given, byte for byte up to its quoting, and refuses it
    assert f"{tmp_path}/in`touch {marker}`" in output and "does not exist" in output, output[-2000:]
    assert (warehouse / ".dagster" / "dagster.yaml").is_file(), "DAGSTER_HOME is inside the named WAREHOUSE_DIR"
    assert sorted(p.name for p in REPO_ROOT.iterdir()) == before, "no folder was created in the repository"
