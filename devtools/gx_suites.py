"""Write the GX-native JSON of every suite (suite, validation definition, checkpoint) from its definition.

The suites are decided in one place, :mod:`orchestration.quality.suites` (the
SQL of each batch and its expectations, side by side). The JSON files under
``expectations/gx/{expectations,validation_definitions,checkpoints}`` are the
versioned artefacts GX reads at run time; this script writes them with GX's
own API, so they are exactly what GX 1.x expects. Run it after changing a
suite, review the JSON diff and commit both::

    python -m devtools.gx_suites

Files are written or overwritten, never deleted: a suite that is no longer
defined is named on the output for you to ``git rm`` (its JSON is checked in).
``tests/unit/test_quality_contract.py`` fails when the JSON and the
definitions disagree.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import great_expectations as gx  # noqa: E402

from orchestration.quality.runner import gx_context  # noqa: E402
from orchestration.quality.suites import SUITES  # noqa: E402
from orchestration.settings import EXPECTATIONS_DIR, gx_data_dir  # noqa: E402

FOLDERS = ("expectations", "validation_definitions", "checkpoints")


def write_context(project_root: str | Path | None = None) -> list[str]:
    """(Re)write every suite, its dataframe asset, validation definition and checkpoint in ``project_root``.

    ``project_root`` (default: the repository's ``expectations/``) holds the
    ``gx/`` folder; only its files are written. Returns the names of stored
    suites that are no longer defined (left in place).
    """
    root = Path(project_root or EXPECTATIONS_DIR)
    context = gx_context(str(root))
    datasource = context.data_sources.get("warehouse")
    for asset_name in [a.name for a in datasource.assets]:
        datasource.delete_asset(asset_name)
    for spec in SUITES.values():
        asset = datasource.add_dataframe_asset(name=spec.name)
        batch = asset.add_batch_definition_whole_dataframe("whole_table")
        suite = gx.ExpectationSuite(name=spec.name, meta={"description": spec.description, "scope": spec.scope})
        for expectation in spec.expectations():
            suite.add_expectation(expectation)
        suite = context.suites.add_or_update(suite)
        validation = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=spec.name, data=batch, suite=suite))
        context.checkpoints.add_or_update(
            gx.Checkpoint(
                name=spec.name,
                validation_definitions=[validation],
                # No UpdateDataDocsAction: quality.runner builds the Data Docs once for all the
                # suites of a run (an action per checkpoint rebuilt the index page six times per gate).
                actions=[],
                result_format=spec.result_format,
            )
        )
    if project_root is None:  # the repository's suites changed: the warehouse's generated pages are stale
        shutil.rmtree(gx_data_dir() / "data_docs", ignore_errors=True)
    stored = {p.stem for folder in FOLDERS for p in (root / "gx" / folder).glob("*.json")}
    return sorted(stored - set(SUITES))


if __name__ == "__main__":
    stale = write_context()
    print("Wrote", ", ".join(SUITES))
    for name in stale:
        print(f"No longer defined, still stored (git rm it): expectations/gx/*/{name}.json")
