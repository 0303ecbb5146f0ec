"""The drop-inbox sensor: new files become document partitions and runs.

A tick only lists the inbox and stats its files (``os.scandir``); it hashes a
file (SHA-256, the document id) once, when the file has settled: same size and
mtime on two consecutive ticks and unchanged for ``settle_seconds``. A file
still being written therefore never starts a run half-written. The cursor
keeps, per file name, ``[size, mtime_ns, state]`` where state is ``pending``
or the document id submitted.

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
from orchestration.defs.jobs import main_job, stage_run_config
from orchestration.partitions import documents_partitions, file_tags, range_tags
from orchestration.resources import WarehouseResource

PENDING = "pending"


def scan_inbox(inbox: Path, previous: dict[str, list], settle_seconds: float, now: float) -> tuple[dict[str, list], list[tuple[str, Path]]]:
    """One tick over ``inbox``: the new cursor state and the files ready to process.

    Pure apart from ``os.scandir``/``stat`` and hashing settled files.
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
        stable = bool(seen) and seen[:2] == signature and now - st.st_mtime >= settle_seconds
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


@dg.sensor(
    name="inbox_sensor",
    job=main_job,
    minimum_interval_seconds=5,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches INBOX_DIR; each settled new file becomes a `documents` partition and is processed into the marts.",
)
def inbox_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    inbox = Path(warehouse.inbox_dir)
    if not inbox.is_dir():
        return dg.SkipReason(f"Inbox folder {inbox} does not exist yet.")
    previous = json.loads(context.cursor) if context.cursor else {}
    state, ready = scan_inbox(inbox, previous, warehouse.settle_seconds, time.time())
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
