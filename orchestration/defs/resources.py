"""The resources of the code location: the warehouse (paths, writer lock, connections) and the dbt CLI."""

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.defs.transformation.dbt import dbt_project
from orchestration.resources import WarehouseResource
from orchestration.settings import dbt_executable


#: How long an ``inbox_sensor`` tick that finds nothing new keeps watching the inbox: most of the daemon's
#: 5 s sensor loop (``MIN_INTERVAL_LOOP_TIME``), so a drop is seen within a fraction of a second instead of
#: after 0-5 s (2.5 s on average, the largest part of a drop's wait once the run itself took 12 s; issue 19).
SENSOR_WATCH_SECONDS = 4.0


@dg.definitions
def resources() -> dg.Definitions:
    """``warehouse`` from ``WAREHOUSE_DIR``/``INBOX_DIR`` (overridable in the launchpad; the sensor watches the
    inbox for :data:`SENSOR_WATCH_SECONDS` per tick) and ``dbt``."""
    return dg.Definitions(
        resources={
            "warehouse": WarehouseResource.from_env(watch_seconds=SENSOR_WATCH_SECONDS),
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
        },
    )
