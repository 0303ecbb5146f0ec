"""Publishing: the marts copied into ``serving.duckdb`` for BI tools, atomically."""

import dagster as dg

from orchestration.resources import WarehouseResource
from orchestration.serving import publish_serving


@dg.asset(
    key="serving_database",
    # The fact tables too: their blocking GX checks (gx_marts_*) stop publication.
    deps=[dg.AssetKey(["marts", t]) for t in ("rpt_document_summary", "fct_project_budget", "fct_indicator_target")],
    group_name="serving",
    kinds={"duckdb"},
    description=(
        "serving.duckdb: every table of schema `marts`, written to a new file (DuckDB storage "
        "v1.0.0, readable by DuckDB 1.x in BI drivers) and swapped in with os.replace after each "
        "successful build. BI tools open it read-only and are never blocked by the pipeline."
    ),
)
def serving_database(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.writer_lock():
        counts = publish_serving(warehouse.duckdb_path, warehouse.serving_path)
    context.log.info(f"Published {len(counts)} mart tables to {warehouse.serving_path}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(warehouse.serving_path)),
            "tables": dg.MetadataValue.json(counts),
            "dagster/row_count": sum(counts.values()),
        }
    )
