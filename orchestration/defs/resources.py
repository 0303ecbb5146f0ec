"""The resources of the code location: the warehouse (paths, writer lock, connections) and the dbt CLI."""

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.defs.transformation.dbt import dbt_project
from orchestration.resources import WarehouseResource
from orchestration.settings import dbt_executable


@dg.definitions
def resources() -> dg.Definitions:
    """``warehouse`` from ``WAREHOUSE_DIR``/``INBOX_DIR`` (overridable in the launchpad) and ``dbt``."""
    return dg.Definitions(
        resources={
            "warehouse": WarehouseResource.from_env(),
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
        },
    )
