"""dbt models as Dagster assets (dagster-dbt).

Sources (``staging.*`` tables written by Python) map to the asset keys of the
``staging_tables`` multi-asset; each model becomes an asset grouped by its
layer (stg / intermediate / marts), and dbt tests become asset checks — also
the tests of the sources, as checks of the ``staging/<table>`` assets. Owners
come from the dbt groups (``models/_groups.yml``), tags from the dbt tags;
every materialization carries the row count and the column types
(dagster-dbt's ``fetch_row_counts()`` / ``fetch_column_metadata()``). Each
build writes its dbt artifacts to ``target/dbt_models-<run>``; only the newest
:data:`KEEP_RUN_TARGETS` of those folders are kept.
"""

import json
import os
import shutil
from pathlib import Path
from typing import Any, Mapping

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    DbtProjectPreparer,
    dbt_assets,
)

from orchestration.resources import WarehouseResource
from orchestration.settings import DBT_PROJECT_DIR, dbt_executable


class StaleManifestPreparer(DbtProjectPreparer):
    """Parse the dbt project when its manifest is missing or older than a dbt file, with the dbt next to this Python.

    dagster-dbt's default preparer parses only under ``dg dev`` and looks for
    ``dbt`` on PATH, which a venv run through make does not have; a stale
    manifest would silently hide new models from the asset graph in any
    process (a test, ``budget-etl run``), so this one parses wherever it is
    stale, and never when it is fresh (`make` targets also refresh it).
    """

    def prepare_if_dev(self, project: DbtProject) -> None:
        if manifest_is_stale(project):
            self.prepare(project)

    def prepare(self, project: DbtProject) -> None:
        DbtCliResource(project_dir=project, dbt_executable=dbt_executable()).cli(
            ["parse", "--quiet"], target_path=project.target_path
        ).wait()


def manifest_is_stale(project: DbtProject) -> bool:
    """True when the manifest is missing or older than any dbt source file (.sql/.yml/.csv)."""
    manifest = project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    root = Path(project.project_dir)
    return any(
        path.stat().st_mtime > built
        for folder in ("models", "macros", "seeds", "tests")
        for path in (root / folder).rglob("*")
        if path.suffix in (".sql", ".yml", ".csv")
    ) or (root / "dbt_project.yml").stat().st_mtime > built


dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# dagster-dbt 0.29's DbtProject takes no preparer argument (it always builds its default one), so ours
# is called where dagster-dbt's prepare_if_dev() would be: once, before @dbt_assets reads the manifest.
StaleManifestPreparer().prepare_if_dev(dbt_project)


def dbt_group_owner(group: str) -> str:
    """The owner e-mail of a dbt group (``models/_groups.yml``), read from the manifest:
    the one place owners are written, also for the Python assets (``definitions.py``)."""
    manifest = json.loads(Path(dbt_project.manifest_path).read_text("utf-8"))
    (owner,) = [g["owner"]["email"] for g in manifest["groups"].values() if g["name"] == group]
    return owner


class BudgetDbtTranslator(DagsterDbtTranslator):
    """Groups dbt assets by layer folder and keys sources as ``staging/<table>``."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "staging"
        fqn = dbt_resource_props.get("fqn", [])
        return f"dbt_{fqn[1]}" if len(fqn) > 2 else "dbt"


#: dbt artifact folders (``target/dbt_models-<run>``, ~9 MB each) kept after a build; older ones are removed.
KEEP_RUN_TARGETS = 5


def prune_run_targets(target_dir: Path, keep: int = KEEP_RUN_TARGETS) -> list[Path]:
    """Remove all but the ``keep`` newest ``dbt_models-*`` folders of ``target_dir``; returns those removed."""
    runs = sorted((p for p in target_dir.glob("dbt_models-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    removed = runs[: max(len(runs) - keep, 0)]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed


def close_adapter_connections(invocation) -> None:
    """Close the DuckDB connections that the row-count and column-metadata fetchers opened in this process.

    They query through the dbt adapter, and dbt-duckdb keeps the database file
    open until its last connection closes (``keep_open: false`` in
    profiles.yml; dbt-duckdb's default keeps it open for the process's
    lifetime); DuckDB then refuses the read-only connections of the steps
    after dbt ("different configuration").
    """
    if invocation.adapter is not None:
        invocation.adapter.cleanup_connections()


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=BudgetDbtTranslator(
        settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True)
    ),
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """Build (run + test) the dbt models over the staging tables in the warehouse DuckDB file."""
    os.environ["DUCKDB_PATH"] = str(warehouse.duckdb_path)  # read by dbt_project/profiles.yml
    with warehouse.writer_lock():
        invocation = dbt.cli(["build"], context=context)
        try:
            yield from invocation.stream().fetch_row_counts().fetch_column_metadata(with_column_lineage=False)
        finally:
            close_adapter_connections(invocation)
            prune_run_targets(Path(dbt_project.project_dir) / dbt_project.target_path)
