"""dbt models as Dagster assets (dagster-dbt).

Sources (``staging.*`` tables written by Python) map to the asset keys of the
``stage_documents`` multi-asset; each model becomes an asset grouped by its
layer (stg / intermediate / marts), and dbt tests become asset checks.
"""


import os
from pathlib import Path
from typing import Any, Mapping

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.resources import WarehouseResource
from orchestration.settings import DBT_PROJECT_DIR, dbt_executable

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def _manifest_is_stale() -> bool:
    """True when the manifest is missing or older than any dbt source file (.sql/.yml/.csv)."""
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    root = Path(DBT_PROJECT_DIR)
    return any(
        path.stat().st_mtime > built
        for folder in ("models", "macros", "seeds", "tests")
        for path in (root / folder).rglob("*")
        if path.suffix in (".sql", ".yml", ".csv")
    ) or (root / "dbt_project.yml").stat().st_mtime > built


def prepare_manifest() -> None:
    """``dbt parse`` with the dbt next to this Python (dagster-dbt's default preparer
    looks for ``dbt`` on PATH, which a venv run through make does not have)."""
    DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()).cli(
        ["parse", "--quiet"], target_path=dbt_project.target_path
    ).wait()


# The manifest is (re)built when missing or older than a dbt file: a stale
# manifest silently hides new models from the asset graph. `make` targets
# also refresh it when a dbt file changes.
if _manifest_is_stale():
    prepare_manifest()


class BudgetDbtTranslator(DagsterDbtTranslator):
    """Groups dbt assets by layer folder and keys sources as ``staging/<table>``."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "staging"
        fqn = dbt_resource_props.get("fqn", [])
        return f"dbt_{fqn[1]}" if len(fqn) > 2 else "dbt"


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=BudgetDbtTranslator(),
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """Build (run + test) the dbt models over the staging tables in the warehouse DuckDB file."""
    os.environ["DUCKDB_PATH"] = str(warehouse.duckdb_path)  # read by dbt_project/profiles.yml
    with warehouse.writer_lock():
        yield from dbt.cli(["build"], context=context).stream()
