"""The inbox sensor's settle rule (``scan_inbox``), tick by tick with a given clock (issue 19).

A file is read when its mtime is at least ``settle_seconds`` old and, if the previous tick saw
it, its size and mtime are unchanged since: a file renamed into place after it was written goes
on the first tick that sees it (waiting inside that tick for the rest of the window when it was
written just before); a file still being written waits.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time

from orchestration.defs.ingestion.sensors import PENDING, inbox_sensor, scan_inbox, settle_wait

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


def test_settle_wait_is_the_time_until_the_last_pending_file_is_quiet(tmp_path):
    now = 1_000_000.0
    write(tmp_path / "a.txt", b"a", now - 0.5)  # quiet in 1.5 s
    write(tmp_path / "b.txt", b"b", now - 1.5)  # quiet in 0.5 s
    state, ready = scan_inbox(tmp_path, {}, SETTLE, now)
    assert ready == []
    assert abs(settle_wait(state, SETTLE, now) - 1.5) < 1e-6
    # nothing pending, or only files already quiet (unreadable now) or dated in the future: no wait
    assert settle_wait({}, SETTLE, now) is None
    assert settle_wait({"old.txt": [1, int((now - 60) * 1e9), PENDING]}, SETTLE, now) is None
    assert settle_wait({"future.txt": [1, int((now + 60) * 1e9), PENDING]}, SETTLE, now) is None
    assert settle_wait({"done.txt": [1, int(now * 1e9), "f" * 64]}, SETTLE, now) is None
    # a long settle window is not waited out inside one tick (later ticks do, as before)
    assert settle_wait({"long.txt": [1, int(now * 1e9), PENDING]}, 30.0, now) is None


def _sensor_tick(inbox, warehouse_dir):
    import dagster as dg

    from orchestration.resources import WarehouseResource

    resource = WarehouseResource(warehouse_dir=str(warehouse_dir), inbox_dir=str(inbox))
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, resources={"warehouse": resource})
        started = time.monotonic()
        result = inbox_sensor(context)
        return result, time.monotonic() - started


def test_a_file_renamed_into_place_just_after_it_was_written_goes_in_the_same_tick(tmp_path):
    """Issue 19: it waited for the next tick (5 s under the daemon); now the tick waits out the window."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / ".part").write_bytes(b"complete document")
    os.replace(inbox / ".part", inbox / "renamed.txt")
    result, seconds = _sensor_tick(inbox, tmp_path)
    assert [r.partition_key for r in result.run_requests] == [hashlib.sha256(b"complete document").hexdigest()]
    assert seconds <= SETTLE + 1.5  # it waited for the window, not longer


def test_a_file_still_being_written_during_the_tick_is_not_read(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = inbox / "slow.txt"
    stop = threading.Event()

    def writer():  # a few bytes every 0.3 s, as a slow sync tool
        with open(path, "ab") as f:
            while not stop.is_set():
                f.write(b"x" * 64)
                f.flush()
                time.sleep(0.3)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.4)
        result, _ = _sensor_tick(inbox, tmp_path)
    finally:
        stop.set()
        thread.join()
    assert result.run_requests == []
    assert json.loads(result.cursor)["slow.txt"][2] == PENDING
