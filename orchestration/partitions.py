"""The dynamic partitions of the warehouse (one per document, SHA-256 of its bytes), and the run config and
tags that name the documents a run stages."""

from pathlib import Path

import dagster as dg

documents_partitions = dg.DynamicPartitionsDefinition(name="documents")

#: Run tags that make one run cover a contiguous range of partitions
#: (the staging asset has a single-run backfill policy).
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def contiguous_ranges(ordered_keys: list[str], wanted: set[str]) -> list[tuple[str, str]]:
    """Split ``wanted`` into maximal (start, end) ranges of consecutive keys in ``ordered_keys``.

    Dynamic partitions keep their insertion order, so documents added
    together form one range and can be processed in one run.
    """
    ranges: list[tuple[str, str]] = []
    start = prev = None
    for key in ordered_keys:
        if key in wanted:
            start = start or key
            prev = key
        elif start is not None:
            ranges.append((start, prev))
            start = prev = None
    if start is not None:
        ranges.append((start, prev))
    return ranges


def range_tags(start: str, end: str) -> dict[str, str]:
    """Run tags selecting the partitions ``start``..``end`` (inclusive)."""
    return {RANGE_START_TAG: start, RANGE_END_TAG: end}


#: Run tag naming the file(s) of a run's partitions, shown next to the partition key (the hash) in the UI.
FILE_TAG = "document/file"


def file_tags(files: dict[str, str]) -> dict[str, str]:
    """Run tags that name the files of a run (document id → path): one name, or the first and a count."""
    names = [Path(path).name for path in files.values()]
    if not names:
        return {}
    text = names[0] if len(names) == 1 else f"{names[0]} (+{len(names) - 1} more)"
    return {FILE_TAG: text}


def stage_run_config(files: dict[str, str], move_processed: bool) -> dict:
    """Run config for ``main_job`` and ``streaming_job``: which file holds each document, and whether to move it when done."""
    return {"ops": {"stage_documents": {"config": {"files": files, "move_processed": move_processed}}}}


def run_document_ids(run_config: dict | None) -> list[str] | None:
    """The document ids (SHA-256) a run stages, read back from its :func:`stage_run_config`; ``None`` for a run
    that stages no document (``nightly_rebuild_job``, a check run from the UI): its checks cover the whole warehouse.

    What scopes the GX checks of a document's run to that run's documents (issue 29: a drop's checks cost the
    same in a warehouse of 10 or 10,000 documents); the nightly rebuild runs them over every document.
    """
    files = (((run_config or {}).get("ops") or {}).get("stage_documents") or {}).get("config", {}).get("files")
    return sorted(files) if files else None
