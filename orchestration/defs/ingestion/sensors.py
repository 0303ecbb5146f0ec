"""The drop-inbox sensor: new files become document partitions and runs.

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

The daemon's sensor loop runs at most every 5 s (``MIN_INTERVAL_LOOP_TIME`` in
``dagster._daemon.sensor``); ``minimum_interval_seconds`` is set below that so
every loop ticks (at 5 s exactly, a loop that came back after 4.99 s skipped
its turn and the sensor ticked every 10 s, measured under ``make dev``).

Each tick's runs are of ``streaming_job``: the dbt models are built without the dbt tests, which
follow in their own run (``dbt_tests_job``, requested by ``dbt_tests_after_streaming_sensor``);
the GX gate and the blocking GX suites still decide what is published.

New documents of one tick become new dynamic partitions (added together, so
they are contiguous) and one run over that range; the same bytes dropped
again become a run of the existing partition (idempotent: its rows are
replaced and the file is archived beside the first copy).
"""

import json
import os
import time
from pathlib import Path

import dagster as dg

from orchestration.ingest import document_digest, skip_reason
from orchestration.defs.jobs import stage_run_config, streaming_job
from orchestration.partitions import documents_partitions, file_tags, range_tags
from orchestration.resources import WarehouseResource

PENDING = "pending"


def scan_inbox(inbox: Path, previous: dict[str, list], settle_seconds: float, now: float) -> tuple[dict[str, list], list[tuple[str, Path]]]:
    """One tick over ``inbox``: the new cursor state and the files ready to process.

    ``previous``: the cursor of the last tick (name → ``[size, mtime_ns, state]``);
    ``settle_seconds``: how long (seconds) a file's mtime must be in the past before it
    is read; ``now``: the tick's time (epoch seconds). A file is ready when its mtime is
    at least ``settle_seconds`` old and, if the last tick saw it, its size and mtime are
    unchanged since (see the module docstring). Pure apart from ``os.scandir``/``stat``
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
        if seen and seen[:2] == signature and seen[2] != PENDING:
            state[entry.name] = seen  # already submitted, not yet moved away
            continue
        quiet = now - st.st_mtime >= settle_seconds
        # Seen unchanged on an earlier tick and quiet since, or — first sight — not written to for the whole
        # settle window (a file renamed into place after it was written, or copied with its old mtime).
        stable = quiet and (not seen or seen[:2] == signature)
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


@dg.sensor(
    name="inbox_sensor",
    job=streaming_job,
    minimum_interval_seconds=1,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches INBOX_DIR; each settled new file becomes a `documents` partition and is processed into the marts.",
)
def inbox_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    inbox = Path(warehouse.inbox_dir)
    if not inbox.is_dir():
        return dg.SkipReason(f"Inbox folder {inbox} does not exist yet.")
    previous = json.loads(context.cursor) if context.cursor else {}
    state, ready = scan_inbox(inbox, previous, warehouse.settle_seconds, time.time())
    wait = settle_wait(state, warehouse.settle_seconds, time.time())
    if wait is not None:  # files about to be quiet: looked at again in this tick, not in 5 s
        time.sleep(wait + 0.05)
        state, settled = scan_inbox(inbox, state, warehouse.settle_seconds, time.time())
        ready += settled
    cursor = json.dumps(state, sort_keys=True)
    if not ready:
        return dg.SensorResult(skip_reason="No new settled files.", cursor=cursor)

    existing = set(context.instance.get_dynamic_partitions(documents_partitions.name))
    new_ids: list[str] = []
    new_files: dict[str, str] = {}
    repeat_requests: list[dg.RunRequest] = []
    for document_id, path in ready:
        if document_id in existing or document_id in new_files:
            mtime = path.stat().st_mtime_ns
            repeat_requests.append(
                dg.RunRequest(
                    run_key=f"{document_id}:{path.name}:{mtime}",
                    partition_key=document_id,
                    run_config=stage_run_config({document_id: str(path)}, move_processed=True),
                    tags=file_tags({document_id: str(path)}),
                )
            )
        else:
            new_ids.append(document_id)
            new_files[document_id] = str(path)

    run_requests: list[dg.RunRequest] = []
    if new_ids:
        config = stage_run_config(new_files, move_processed=True)
        if len(new_ids) == 1:
            run_requests.append(dg.RunRequest(run_key=new_ids[0], partition_key=new_ids[0], run_config=config,
                                              tags=file_tags(new_files)))
        else:
            run_requests.append(
                dg.RunRequest(
                    run_key=f"{new_ids[0]}..{new_ids[-1]}",
                    tags={**range_tags(new_ids[0], new_ids[-1]), **file_tags(new_files)},
                    run_config=config,
                )
            )
    context.log.info(f"{len(new_ids)} new document(s), {len(repeat_requests)} repeated drop(s)")
    return dg.SensorResult(
        run_requests=run_requests + repeat_requests,
        dynamic_partitions_requests=[documents_partitions.build_add_request(new_ids)] if new_ids else [],
        cursor=cursor,
    )
