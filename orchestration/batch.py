"""Batch runs over a folder the user names: files are read in place, never moved.

Registers every file of the folder as a ``documents`` partition (document id
= SHA-256), then executes ``main_job`` in this process over the partitions —
one run per contiguous range of partitions, normally exactly one run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from pathlib import Path
from typing import Callable

import dagster as dg


from orchestration.ingest import list_inbox
from orchestration.jobs import stage_run_config
from orchestration.partitions import contiguous_ranges, documents_partitions, file_tags, range_tags


@dataclasses.dataclass
class BatchResult:
    """What a batch run did: the document ids of the folder (file order), the Dagster results."""

    document_ids: list[str]
    results: list[dg.ExecuteInProcessResult]
    duplicates: dict[str, list[str]]  # document id → extra file names with the same bytes

    @property
    def success(self) -> bool:
        return all(r.success for r in self.results)

    def check_evaluations(self) -> list:
        return [e for r in self.results for e in r.get_asset_check_evaluations()]

    def blocking_failures(self) -> list:
        return [e for e in self.check_evaluations() if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR]


def run_batch(defs: dg.Definitions, instance: dg.DagsterInstance, folder: Path, log_level: str = "INFO",
              on_event: Callable[[dg.EventLogEntry], None] | None = None) -> BatchResult:
    """Run ``main_job`` over every document in ``folder`` (read in place).

    Raises ``FileNotFoundError`` when ``folder`` does not exist. Files with
    identical bytes are one document (the first name is used; the others are
    listed in ``duplicates``). ``on_event`` is called with every event of the
    runs as it is stored (the terminal's progress: ``orchestration.terminal``).
    """
    files: dict[str, str] = {}
    duplicates: dict[str, list[str]] = {}
    for path in list_inbox(folder):
        document_id = hashlib.sha256(path.read_bytes()).hexdigest()
        if document_id in files:
            duplicates.setdefault(document_id, []).append(path.name)
        else:
            files[document_id] = str(path)
    ids = list(files)
    if not ids:
        return BatchResult([], [], {})
    existing = set(instance.get_dynamic_partitions(documents_partitions.name))
    new = [i for i in ids if i not in existing]
    if new:
        instance.add_dynamic_partitions(documents_partitions.name, new)
    ordered = instance.get_dynamic_partitions(documents_partitions.name)
    job = defs.resolve_job_def("main_job")
    results = []
    for start, end in contiguous_ranges(list(ordered), set(ids)):
        in_range = ordered[ordered.index(start) : ordered.index(end) + 1]
        in_files = {i: files[i] for i in in_range}
        config = stage_run_config(in_files, move_processed=False)
        config["loggers"] = {"console": {"config": {"log_level": log_level}}}
        kwargs = {"partition_key": start, "tags": file_tags(in_files)} if start == end else {
            "tags": {**range_tags(start, end), **file_tags(in_files)}}
        run_id = str(uuid.uuid4())  # known before the run starts, to listen to its events
        if on_event is not None:
            instance.add_event_listener(run_id, on_event)
        results.append(job.execute_in_process(instance=instance, run_config=config, raise_on_error=False,
                                              run_id=run_id, **kwargs))
    return BatchResult(ids, results, duplicates)
