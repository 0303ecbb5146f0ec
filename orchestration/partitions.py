"""The dynamic partitions of the warehouse: one per document (SHA-256 of its bytes)."""

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
