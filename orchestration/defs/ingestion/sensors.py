"""The drop-inbox sensor: new files become runs of ``streaming_job`` (documents named in the run config).

A tick only lists the inbox and stats its files (``os.scandir``); it hashes a
file (SHA-256, the document id) once, when the file has settled: not modified
(mtime) for ``settle_seconds``, and — when an earlier tick saw it — the same
size and mtime as then. A file renamed into place when complete (a sync tool,
``cp`` to a temporary name then ``mv``) whose last write is older than the
settle window goes on the first tick that sees it; a file still being written
has a fresh mtime on every tick and waits until it has been quiet for the
whole window. The run re-hashes what it reads and leaves a file that changed
since the tick in the inbox (``DocumentChangedError``), so a writer that
resumes after a pause longer than the window is picked up again, whole, on a
later tick. The cursor keeps, per file name, ``[size, mtime_ns, state]``
where state is ``pending`` or the document id submitted.

A file that is not yet quiet when the tick sees it, but will be within the settle window, is
waited for inside the same tick (:func:`settle_wait`: at most ``settle_seconds``, and never more
than :data:`MAX_TICK_WAIT_S`) and looked at
again with the same rule — unchanged since the first look and quiet for the whole window — instead
of on the next tick, 5 s later (issue 19: a file renamed into place right after it was written
waited one whole extra tick). A file still being written changes during that wait and stays pending.

A tick that finds nothing ready keeps watching the inbox for up to ``WarehouseResource.watch_seconds``
(:data:`orchestration.defs.resources.SENSOR_WATCH_SECONDS` in the code location, most of the daemon's
5 s loop; 0 — one look — in tests and ``devtools/drive.py``) and looks again as soon as a file event
arrives (:class:`InboxWatch`: inotify through ``watchdog`` on Linux, the platform's observer
elsewhere), so a drop is seen within a fraction of a second instead of on the next loop (0-5 s,
2.5 s on average: the largest wait left once the run itself took 12 s; issue 19). A file *renamed into
place* while the tick watches (a sync tool's or a browser's temporary name, then a rename; ``mv`` from
another folder) is complete at once, as the issue asks: it is read if it still has the size and mtime
it had at the rename, without waiting out the settle window. A file created in place (``cp``, an editor)
gives no rename and keeps the settle rule, so a file still being written is not read.
The instance ``make dev`` uses evaluates sensors in threads (``sensors: use_threads`` in
``orchestration/settings.py``), so the watching tick does not delay the other sensors.

The daemon's sensor loop runs at most every 5 s (``MIN_INTERVAL_LOOP_TIME`` in
``dagster._daemon.sensor``); ``minimum_interval_seconds`` is set below that so
every loop ticks (at 5 s exactly, a loop that came back after 4.99 s skipped
its turn and the sensor ticked every 10 s, measured under ``make dev``).

Each tick's runs are of ``streaming_job``: the dbt models are built without the dbt tests, which
follow in their own run once the inbox is quiet (``dbt_tests_job``, requested by ``dbt_tests_after_streaming_sensor``);
the GX gate and the blocking GX suites still decide what is published.

The settled files of one tick become one run, its documents named in the run config (document id → file;
:mod:`orchestration.run_documents`: documents are registry rows, not Dagster partitions) with a ``run_key`` of
its own (ids, names, sizes and mtimes: the same bytes dropped again make a new run — idempotent: the
document's rows are replaced and the file is archived beside the first copy). Two files with the same bytes
in one tick: the second waits for the next run.

**Drops coalesce** (issue 29): while a ``streaming_job`` run waits in the queue (the instance runs the
runs that write the warehouse one at a time), a tick submits nothing: the settled files are held in the
cursor (:data:`READY`) and the tick watches the queue for the rest of its watch; as soon as that run
starts, every file that arrived meanwhile goes in one new run. At most one run waits, so a drop waits
for at most the run in progress and its own, however fast files arrive (one run per drop queued up
without bound when drops came faster than a run: p50 379 s at 5 s apart, measured).
"""

import json
import os
import sys
import threading
import time
from pathlib import Path

import dagster as dg
from watchdog.events import FileSystemEvent, FileSystemEventHandler

from orchestration.ingestion.inbox import skip_reason
from orchestration.ingestion.reading import document_digest
from orchestration.defs.jobs import WAITING, run_of, streaming_job
from orchestration.run_documents import drop_run_key, file_tags, stage_run_config
from orchestration.resources import WarehouseResource

PENDING = "pending"
#: Cursor state of a settled, hashed file held back while a run of the sensor's job waits in the queue
#: (``ready:<document id>``): the next tick takes it without hashing it again, if it is unchanged.
READY = "ready:"


def scan_inbox(inbox: Path, previous: dict[str, list], settle_seconds: float, now: float,
               renamed: dict[str, tuple[int, int]] | None = None) -> tuple[dict[str, list], list[tuple[str, Path]]]:
    """One tick over ``inbox``: the new cursor state and the files ready to process.

    ``previous``: the cursor of the last tick (name → ``[size, mtime_ns, state]``; state ``pending``, the
    document id submitted, or :data:`READY` + the id of a file held back for the next run);
    ``settle_seconds``: how long (seconds) a file's mtime must be in the past before it
    is read; ``now``: the tick's time (epoch seconds). A file is ready when its mtime is
    at least ``settle_seconds`` old and, if the last tick saw it, its size and mtime are
    unchanged since (see the module docstring) — or when it is in ``renamed`` (name →
    ``(size, mtime_ns)`` at its rename into the inbox, :attr:`InboxWatch.renamed`) and unchanged since. Pure apart from ``os.scandir``/``stat``
    and hashing settled files; a file that cannot be read stays pending.
    Returns ``(state, [(document_id, path), ...])`` in file-name order.
    """
    state: dict[str, list] = {}
    ready: list[tuple[str, Path]] = []
    entries = sorted(os.scandir(inbox), key=lambda e: e.name)
    for entry in entries:
        if skip_reason(inbox, entry) is not None:  # links, folders, FIFOs, hidden, unsupported: not read
            continue
        st = entry.stat()
        signature = [st.st_size, st.st_mtime_ns]
        seen = previous.get(entry.name)
        if seen and seen[:2] == signature and str(seen[2]).startswith(READY):  # settled, held for the next run
            state[entry.name] = [*signature, seen[2][len(READY):]]
            ready.append((seen[2][len(READY):], Path(entry.path)))
            continue
        if seen and seen[:2] == signature and seen[2] != PENDING:
            state[entry.name] = seen  # already submitted, not yet moved away
            continue
        quiet = now - st.st_mtime >= settle_seconds
        # Seen unchanged on an earlier tick and quiet since, or — first sight — not written to for the whole
        # settle window (a file renamed into place after it was written, or copied with its old mtime).
        stable = quiet and (not seen or seen[:2] == signature)
        stable = stable or (renamed is not None and renamed.get(entry.name) == tuple(signature))  # renamed into place
        if stable:
            try:
                document_id, _size = document_digest(Path(entry.path))  # O_NOFOLLOW, hashed in blocks
            except OSError:
                state[entry.name] = [*signature, PENDING]  # unreadable now: tried again next tick
                continue
            state[entry.name] = [*signature, document_id]
            ready.append((document_id, Path(entry.path)))
        else:
            state[entry.name] = [*signature, PENDING]
    return state, ready


#: The longest a tick waits for a file to become quiet (:func:`settle_wait`): under the daemon's 5 s loop. A
#: longer settle window (``WarehouseResource.settle_seconds``) is waited out over later ticks, as before.
MAX_TICK_WAIT_S = 3.0


class InboxWatch(FileSystemEventHandler):
    """File events of one inbox while a sensor tick watches it (``watchdog``; no sub-folders).

    ``renamed``: name → ``(size, mtime_ns)`` of each file renamed (moved) into the inbox, taken at the
    event — :func:`scan_inbox` reads such a file at once if it is unchanged since. :meth:`wait` returns
    early when a file that is not hidden is created, written, closed or renamed into place. Use it as a
    context manager; ``watch=False`` (or an observer that cannot start, e.g. the inotify limits reached:
    logged by the caller from :attr:`error`) makes :meth:`wait` a plain sleep and ``renamed`` empty.
    """

    def __init__(self, inbox: Path, watch: bool = True) -> None:
        self.inbox = inbox
        self.renamed: dict[str, tuple[int, int]] = {}
        self.error: str | None = None
        self._event = threading.Event()
        self._observer = None
        if watch:
            if sys.platform.startswith("linux"):  # inotify: report a move in from another folder as a move too
                from watchdog.observers.inotify import InotifyObserver

                self._observer = InotifyObserver(generate_full_events=True)
            else:
                from watchdog.observers import Observer

                self._observer = Observer()

    def __enter__(self) -> "InboxWatch":
        if self._observer is not None:
            try:
                self._observer.schedule(self, str(self.inbox), recursive=False)
                self._observer.start()
            except OSError as error:  # e.g. fs.inotify.max_user_instances reached: one look per tick, as without
                self.error = f"cannot watch {self.inbox} ({error}); the inbox is looked at once per tick"
                self._observer = None
        return self

    def __exit__(self, *exc) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type not in ("created", "modified", "closed", "moved"):
            return
        path = os.fsdecode(event.dest_path if event.event_type == "moved" else event.src_path)
        if not path or os.path.basename(path).startswith("."):  # the watch is of the inbox only, not its sub-folders
            return  # a file moved out, or a hidden temporary file being written
        if event.event_type == "moved":
            try:
                st = os.stat(path, follow_symlinks=False)
            except OSError:
                return
            self.renamed[os.path.basename(path)] = (st.st_size, st.st_mtime_ns)
        self._event.set()

    def wait(self, seconds: float) -> None:
        """Block up to ``seconds``, or until a file event (see the class docstring) when watching."""
        if self._observer is None:
            time.sleep(seconds)
            return
        self._event.wait(seconds)
        self._event.clear()


def settle_wait(state: dict[str, list], settle_seconds: float, now: float) -> float | None:
    """Seconds until the last pending file of ``state`` (a :func:`scan_inbox` cursor) has been quiet for the window.

    ``None`` when no pending file becomes quiet within ``(0, min(settle_seconds, MAX_TICK_WAIT_S)]``
    from ``now`` (epoch seconds): nothing is pending, or what is pending is already quiet (unreadable now: tried again
    on the next tick), or has an mtime in the future. A pending file is only read after the wait
    if it is unchanged since this look (:func:`scan_inbox` with this state as the previous one).
    """
    waits = [
        remaining
        for size, mtime_ns, status in state.values()
        if status == PENDING
        and 0 < (remaining := mtime_ns / 1e9 + settle_seconds - now) <= min(settle_seconds, MAX_TICK_WAIT_S)
    ]
    return max(waits) if waits else None


def hold(state: dict[str, list], ready: list[tuple[str, Path]]) -> dict[str, list]:
    """``state`` (a :func:`scan_inbox` cursor) with the ``ready`` files marked :data:`READY` (held for the next run)."""
    held = dict(state)
    for document_id, path in ready:
        held[path.name] = [*state[path.name][:2], READY + document_id]
    return held


#: How often a tick holding files looks at the queue again (seconds): the run queue is dequeued every second.
QUEUE_POLL_S = 0.5


def queued_streaming_run(instance: dg.DagsterInstance) -> str | None:
    """The id of a ``streaming_job`` run created or queued but not launched, if any (the next one to start)."""
    return run_of(instance, streaming_job.name, WAITING)


@dg.sensor(
    name="inbox_sensor",
    job=streaming_job,
    minimum_interval_seconds=1,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches INBOX_DIR; the settled files of a tick become one streaming_job run (held while another waits in the queue).",
)
def inbox_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    inbox = Path(warehouse.inbox_dir)
    if not inbox.is_dir():
        return dg.SkipReason(f"Inbox folder {inbox} does not exist yet.")
    state = json.loads(context.cursor) if context.cursor else {}
    watch_until = time.monotonic() + warehouse.watch_seconds
    with InboxWatch(inbox, watch=warehouse.watch_seconds > 0) as watch:
        if watch.error:
            context.log.warning(watch.error)
        state, ready = scan_inbox(inbox, state, warehouse.settle_seconds, time.time(), watch.renamed)
        # Nothing ready: look again on each file event while watching, and when a pending file has been quiet
        # for the settle window (settle_wait; after the watch too, once). Each look compares with the last one.
        while not ready:
            watching = watch_until - time.monotonic()
            settling = settle_wait(state, warehouse.settle_seconds, time.time())
            if watching <= 0 and settling is None:
                break
            waits = ([watching] if watching > 0 else []) + ([] if settling is None else [settling + 0.05])
            watch.wait(min(waits))
            state, ready = scan_inbox(inbox, state, warehouse.settle_seconds, time.time(), watch.renamed)
            if watching <= 0:
                break
        # Drops coalesce: while a run of this job waits in the queue, hold the settled files for the next run
        # and watch the queue for the rest of the watch (module docstring).
        waiting = queued_streaming_run(context.instance) if ready else None
        waited = False
        while waiting is not None and watch_until - time.monotonic() > 0:
            time.sleep(min(QUEUE_POLL_S, max(0.0, watch_until - time.monotonic())))
            waiting, waited = queued_streaming_run(context.instance), True
        if ready and waiting is None and waited:  # the queued run has started: take what arrived meanwhile too
            state, ready = scan_inbox(inbox, hold(state, ready), warehouse.settle_seconds, time.time(), watch.renamed)
    if ready and waiting is not None:
        state = hold(state, ready)
        return dg.SensorResult(
            skip_reason=f"{len(ready)} settled file(s) held for the next run: run {waiting} is still queued.",
            cursor=json.dumps(state, sort_keys=True))
    cursor = json.dumps(state, sort_keys=True)
    if not ready:
        return dg.SensorResult(skip_reason="No new settled files.", cursor=cursor)

    # One run for every settled file; a second file with the same bytes waits for the next run (its config names
    # one file per document).
    files: dict[str, str] = {}
    signatures: dict[str, tuple[int, int]] = {}
    later: list[tuple[str, Path]] = []
    for document_id, path in ready:
        if document_id in files:
            later.append((document_id, path))
            continue
        files[document_id] = str(path)
        signatures[document_id] = tuple(state[path.name][:2])
    if later:
        cursor = json.dumps(hold(state, later), sort_keys=True)
    context.log.info(f"{len(files)} document(s) in one run" + (f"; {len(later)} copy(ies) of them held for the next run"
                                                                 if later else ""))
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=drop_run_key(files, signatures),
                                    run_config=stage_run_config(files, move_processed=True), tags=file_tags(files))],
        cursor=cursor,
    )
