"""The Dagster code location: assets, checks, jobs, sensor, schedule and resources.

Graph: source_documents (files) → staged_documents (one partition per
document) → staging/* (the DuckDB staging tables) → dbt models (stg → intermediate → marts) → serving_database and
document_summary and warehouse_report (charts, HTML + PDF). GX suites run as blocking checks on the staging tables; dbt
tests run as checks on the models. See ``jobs.py`` and ``sensors.py``.
"""

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.alert_sensor import quality_alert_sensor
from orchestration.assets.checks import marts_checks, staging_checks
from orchestration.assets.dbt import dbt_group_owner, dbt_models, dbt_project
from orchestration.assets.ingest import source_documents, stage_documents, staging_tables
from orchestration.assets.report import document_summary
from orchestration.assets.serving import serving_database
from orchestration.assets.warehouse_report import warehouse_report
from orchestration.jobs import main_job, nightly_rebuild_job, nightly_rebuild_schedule
from orchestration.resources import WarehouseResource
from orchestration.sensors import inbox_sensor
from orchestration.settings import dbt_executable


#: Dagster group of the Python assets → the dbt group whose owner owns them (owners: dbt_project/models/_groups.yml).
PYTHON_ASSET_OWNERS = {"ingest": "pipeline", "staging": "pipeline", "serving": "budget_analytics", "reports": "budget_analytics"}


def with_owner_and_layer(spec: dg.AssetSpec) -> dg.AssetSpec:
    """A Python asset's spec with the owner of its dbt group and a ``layer_<group>`` tag, as the dbt assets have."""
    return spec.replace_attributes(
        owners=[dbt_group_owner(PYTHON_ASSET_OWNERS[spec.group_name])],
        tags={**spec.tags, f"layer_{spec.group_name}": ""},
    )


def build_definitions(warehouse: WarehouseResource | None = None) -> dg.Definitions:
    """Definitions bound to ``warehouse`` (default: from ``WAREHOUSE_DIR``/``INBOX_DIR``)."""
    python_assets = dg.map_asset_specs(
        with_owner_and_layer,
        [source_documents, stage_documents, staging_tables, serving_database, document_summary, warehouse_report])
    return dg.Definitions(
        assets=[*python_assets, dbt_models],
        asset_checks=[*staging_checks, *marts_checks],
        jobs=[main_job, nightly_rebuild_job],
        sensors=[inbox_sensor, quality_alert_sensor],
        schedules=[nightly_rebuild_schedule],
        resources={
            "warehouse": warehouse or WarehouseResource.from_env(),
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
        },
    )


defs = build_definitions()
