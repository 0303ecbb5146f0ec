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


def run_documents(result) -> list[str]:
    """The documents of the runs a tick requested (the run config's files), in order."""
    return [doc for r in result.run_requests for doc in r.run_config["ops"]["stage_documents"]["config"]["files"]]


def _sensor_tick(inbox, warehouse_dir, watch_seconds: float = 0.0, during=None):
    """One real ``inbox_sensor`` tick; ``during``: run in a thread while the tick runs. Returns (result, seconds)."""
    import dagster as dg

    from orchestration.resources import WarehouseResource

    resource = WarehouseResource(warehouse_dir=str(warehouse_dir), inbox_dir=str(inbox), watch_seconds=watch_seconds)
    thread = threading.Thread(target=during) if during else None
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, resources={"warehouse": resource})
        started = time.monotonic()
        if thread:
            thread.start()
        try:
            result = inbox_sensor(context)
        finally:
            if thread:
                thread.join()
        return result, time.monotonic() - started


def test_a_file_renamed_into_place_just_after_it_was_written_goes_in_the_same_tick(tmp_path):
    """Issue 19: it waited for the next tick (5 s under the daemon); now the tick waits out the window."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / ".part").write_bytes(b"complete document")
    os.replace(inbox / ".part", inbox / "renamed.txt")
    result, seconds = _sensor_tick(inbox, tmp_path)
    assert run_documents(result) == [hashlib.sha256(b"complete document").hexdigest()]
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


DROP_AT = 0.5  # seconds into the watching tick


def test_a_file_renamed_into_place_while_the_tick_watches_is_taken_at_once(tmp_path):
    """Issue 19: seen on its rename, not on the next 5 s loop, and complete at once (no settle window)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()

    def drop():  # a sync tool: a hidden temporary name, then a rename
        time.sleep(DROP_AT)
        (inbox / ".late.part").write_bytes(b"dropped during the tick")
        os.replace(inbox / ".late.part", inbox / "late.txt")

    result, seconds = _sensor_tick(inbox, tmp_path, watch_seconds=4.0, during=drop)
    assert run_documents(result) == [hashlib.sha256(b"dropped during the tick").hexdigest()]
    assert seconds < DROP_AT + SETTLE - 0.5  # neither the whole watch nor the settle window


def test_a_fresh_file_moved_in_from_another_folder_is_taken_at_once(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    outside = tmp_path / "downloads"
    outside.mkdir()

    def drop():
        time.sleep(DROP_AT)
        (outside / "moved.txt").write_bytes(b"moved in")
        os.replace(outside / "moved.txt", inbox / "moved.txt")

    result, seconds = _sensor_tick(inbox, tmp_path, watch_seconds=4.0, during=drop)
    assert run_documents(result) == [hashlib.sha256(b"moved in").hexdigest()]
    assert seconds < DROP_AT + SETTLE - 0.5


def test_a_file_written_in_place_while_the_tick_watches_still_waits_out_the_settle_window(tmp_path):
    """``cp`` into the inbox gives no rename: seen at once, read only after the window, in the same tick."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()

    def copy():
        time.sleep(DROP_AT)
        (inbox / "copied.txt").write_bytes(b"copied in place")

    result, seconds = _sensor_tick(inbox, tmp_path, watch_seconds=4.0, during=copy)
    assert run_documents(result) == [hashlib.sha256(b"copied in place").hexdigest()]
    assert DROP_AT + SETTLE - 0.1 <= seconds < 4.0 + 1.5


def test_a_file_still_being_written_while_the_tick_watches_is_not_read(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = inbox / "slow.txt"

    def writer():  # 64 bytes every 0.3 s for the whole watch and a little more
        with open(path, "ab") as f:
            for _ in range(12):
                f.write(b"x" * 64)
                f.flush()
                time.sleep(0.3)

    result, _ = _sensor_tick(inbox, tmp_path, watch_seconds=2.5, during=writer)
    assert result.run_requests == []
    assert json.loads(result.cursor)["slow.txt"][2] == PENDING


def test_a_file_changed_after_its_rename_is_not_taken_as_renamed(tmp_path):
    now = 1_000_000.0
    write(tmp_path / "a.txt", b"renamed, then appended to", now)
    st = os.stat(tmp_path / "a.txt")
    renamed = {"a.txt": (st.st_size - 3, st.st_mtime_ns)}  # the size it had at the rename
    state, ready = scan_inbox(tmp_path, {}, SETTLE, now, renamed)
    assert ready == [] and state["a.txt"][2] == PENDING
    renamed = {"a.txt": (st.st_size, st.st_mtime_ns)}
    assert scan_inbox(tmp_path, {}, SETTLE, now, renamed)[1] != []


def test_a_tick_with_nothing_new_ends_after_the_watch(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result, seconds = _sensor_tick(empty, tmp_path, watch_seconds=1.0)
    assert not result.run_requests
    assert 1.0 <= seconds < 3.0
