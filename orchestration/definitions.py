"""The Dagster code location: assets, checks, job and resources.

Graph: source_documents (inbox files) → staging/* (parsed, DuckDB) →
dbt models (stg_ → int_ → marts) → document_summary. GX suites run as
blocking checks on the staging tables; dbt tests run as checks on the models.
"""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.assets.checks import staging_checks
from orchestration.assets.dbt import dbt_models, dbt_project
from orchestration.assets.ingest import source_documents, stage_documents
from orchestration.assets.report import document_summary
from orchestration.resources import WarehouseResource
from orchestration.settings import dbt_executable

main_job = dg.define_asset_job(
    name="main_job",
    selection=dg.AssetSelection.assets(stage_documents, dbt_models, document_summary),
    description=(
        "Ingest every document in INBOX_DIR → parse → DuckDB staging → GX suites → dbt marts "
        "→ per-document summary."
    ),
)


def build_definitions(warehouse: WarehouseResource | None = None) -> dg.Definitions:
    """Definitions bound to ``warehouse`` (default: from ``WAREHOUSE_DIR``/``INBOX_DIR``)."""
    return dg.Definitions(
        assets=[source_documents, stage_documents, dbt_models, document_summary],
        asset_checks=staging_checks,
        jobs=[main_job],
        resources={
            "warehouse": warehouse or WarehouseResource.from_env(),
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
        },
    )


defs = build_definitions()
