"""The inbox sensor's settle rule (``scan_inbox``), tick by tick with a given clock (issue 19).

A file is read when its mtime is at least ``settle_seconds`` old and, if the previous tick saw
it, its size and mtime are unchanged since: a file renamed into place after it was written goes
on the first tick that sees it; a file still being written waits.
"""

from __future__ import annotations

import hashlib
import os

from orchestration.defs.ingestion.sensors import PENDING, scan_inbox

SETTLE = 2.0


def write(path, data: bytes, mtime: float) -> None:
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))


def test_a_file_quiet_for_the_settle_window_is_read_on_first_sight(tmp_path):
    now = 1_000_000.0
    write(tmp_path / "renamed.txt", b"complete", now - SETTLE - 0.1)
    state, ready = scan_inbox(tmp_path, {}, SETTLE, now)
    assert ready == [(hashlib.sha256(b"complete").hexdigest(), tmp_path / "renamed.txt")]
    assert state["renamed.txt"][2] == ready[0][0]
    # submitted: the next tick does not submit it again
    assert scan_inbox(tmp_path, state, SETTLE, now + 5)[1] == []


def test_a_file_written_within_the_settle_window_waits(tmp_path):
    now = 1_000_000.0
    path = tmp_path / "fresh.txt"
    write(path, b"part", now - SETTLE + 0.5)
    state, ready = scan_inbox(tmp_path, {}, SETTLE, now)
    assert ready == [] and state["fresh.txt"][2] == PENDING
    # the writer goes on: changed since the last tick, so not read even though its last write is old by now
    write(path, b"part and more", now + 1)
    state, ready = scan_inbox(tmp_path, state, SETTLE, now + 1 + SETTLE + 5)
    assert ready == [] and state["fresh.txt"][2] == PENDING
    # unchanged since the last tick and quiet for the window: read, whole
    state, ready = scan_inbox(tmp_path, state, SETTLE, now + 1 + SETTLE + 10)
    assert ready == [(hashlib.sha256(b"part and more").hexdigest(), path)]


def test_seen_unchanged_but_not_yet_quiet_for_the_window_waits(tmp_path):
    now = 1_000_000.0
    write(tmp_path / "a.txt", b"x", now)
    state, _ = scan_inbox(tmp_path, {}, SETTLE, now)
    state, ready = scan_inbox(tmp_path, state, SETTLE, now + SETTLE - 0.5)
    assert ready == [] and state["a.txt"][2] == PENDING
    assert scan_inbox(tmp_path, state, SETTLE, now + SETTLE)[1] != []
