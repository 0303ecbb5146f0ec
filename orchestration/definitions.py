"""The Dagster code location: every definition under ``orchestration/defs/``, one folder per domain.

Graph: source_documents (files) → staged_documents (the documents of the run's config; each a row of the
registry raw.documents) → raw/* (the DuckDB raw tables) → dbt models (stg → intermediate → marts) → serving_database and
document_summary and warehouse_report (charts, HTML + PDF). GX suites run as blocking checks on the raw tables; dbt
tests run as checks on the models. See ``defs/jobs.py`` and ``defs/ingestion/sensors.py``.
"""

from pathlib import Path

import dagster as dg

from orchestration.defs.transformation.dbt import dbt_group_owner
from orchestration.resources import WarehouseResource

#: Dagster group of the Python assets → the dbt group whose owner owns them (owners: dbt_project/models/_groups.yml).
PYTHON_ASSET_OWNERS = {"ingest": "pipeline", "raw": "pipeline", "serving": "budget_analytics", "reports": "budget_analytics"}


def with_owner_and_layer(spec: dg.AssetSpec) -> dg.AssetSpec:
    """A Python asset's spec with the owner of its dbt group and a ``layer_<group>`` tag, as the dbt assets have."""
    return spec.replace_attributes(
        owners=[dbt_group_owner(PYTHON_ASSET_OWNERS[spec.group_name])],
        tags={**spec.tags, f"layer_{spec.group_name}": ""},
    )


def _python_asset_spec(spec: dg.AssetSpec) -> dg.AssetSpec:
    """Owner and layer tag on the Python assets; the dbt assets (their sources included) keep dbt's."""
    return with_owner_and_layer(spec) if spec.group_name in PYTHON_ASSET_OWNERS and not _is_dbt(spec) else spec


def _is_dbt(spec: dg.AssetSpec) -> bool:
    return any(key.startswith("dagster-dbt/") or key.startswith("dagster_dbt/") for key in spec.metadata)


def _unique(objects) -> list:
    """Each definition once: a module of ``defs/`` that imports another's asset (a job's selection) lists it again."""
    return list({id(o): o for o in objects or []}.values())


def build_definitions(warehouse: WarehouseResource | None = None) -> dg.Definitions:
    """Definitions loaded from ``defs/``, bound to ``warehouse`` (default: from ``WAREHOUSE_DIR``/``INBOX_DIR``)."""
    loaded = dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
    return dg.Definitions(
        assets=dg.map_asset_specs(_python_asset_spec, _unique(loaded.assets)),
        asset_checks=_unique(loaded.asset_checks),
        jobs=_unique(loaded.jobs),
        sensors=_unique(loaded.sensors),
        schedules=_unique(loaded.schedules),
        resources={**loaded.resources, **({"warehouse": warehouse} if warehouse else {})},
    )


defs = build_definitions()
