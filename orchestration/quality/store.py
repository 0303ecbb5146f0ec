"""GX's validation store under the warehouse: keep the newest results per suite, delete the rest.

GX never deletes a stored validation result (nor its Data Docs page), and
every Data Docs build lists them all; this module prunes GX's private file
layout, which is why it lives apart from the runner: the layout is GX's, not
ours (guarded by ``tests/integration/test_quality_gate.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from orchestration.settings import gx_data_dir

#: Validation results and Data Docs: under the warehouse, not in the repository
#: (``${GX_DATA_DIR}`` in great_expectations.yml; see settings.gx_data_dir).
GX_DATA_DIR = gx_data_dir()

#: Stored GX validation results (JSON) and their Data Docs pages kept per suite.
#: Every checkpoint run stores one; GX never deletes them, and each Data Docs
#: build lists them all, so without pruning the gate slows down run after run
#: (measured on 40 documents with 634 stored results: 14.1 s → 3.8 s
#: together with building the Data Docs once per run). Failures stay queryable for ever in
#: ``quality.expectation_results`` and in the asset-check history of Dagster.
KEEP_VALIDATIONS_PER_SUITE = 20


def prune_validation_results(
    keep: int | None = None, suites: Iterable[str] | None = None, data_dir: Path = GX_DATA_DIR
) -> int:
    """Delete all but the newest ``keep`` stored validation results of each suite, with their Data Docs pages.

    ``keep`` defaults to :data:`KEEP_VALIDATIONS_PER_SUITE`; ``suites``
    restricts the pruning to those suite folders (default: all).

    GX's file store lays results out as
    ``<data_dir>/validations/<suite>/<run name>/<run time>/<batch>.json`` and
    the pages as ``<data_dir>/data_docs/local_site/validations/<same>.html``;
    "newest" is by modification time. Empty folders left behind are removed.
    Returns the number of results deleted. Call with :func:`gx_lock` held.
    """
    store = data_dir / "validations"
    site = data_dir / "data_docs" / "local_site" / "validations"
    keep = KEEP_VALIDATIONS_PER_SUITE if keep is None else keep
    if keep < 1:
        raise ValueError(f"keep must be >= 1 (the newest result is the one just shown), got {keep}")
    suites = None if suites is None else set(suites)
    deleted = 0
    for suite_dir in sorted(store.iterdir()) if store.is_dir() else []:
        if not suite_dir.is_dir() or (suites is not None and suite_dir.name not in suites):
            continue
        results = sorted(suite_dir.rglob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for path in results[keep:]:
            relative = path.relative_to(store)
            path.unlink(missing_ok=True)
            (site / relative.with_suffix(".html")).unlink(missing_ok=True)
            deleted += 1
        for root in (suite_dir, site / suite_dir.name):
            _remove_empty_folders(root)
    return deleted


def _remove_empty_folders(root: Path) -> None:
    if not root.is_dir():
        return
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        try:
            folder.rmdir()  # only succeeds when empty
        except OSError:
            pass


