"""The dynamic partitions of the warehouse: one per document (SHA-256 of its bytes)."""

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
