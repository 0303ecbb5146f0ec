"""Publishing: the marts brought up to date in ``serving.duckdb`` for BI tools, atomically."""

import dagster as dg

from orchestration.defs.transformation.dbt import FULL_REFRESH_JOBS
from orchestration.resources import WarehouseResource
from orchestration.serving import publish_serving


@dg.asset(
    key="serving_database",
    # The fact tables too: their blocking GX checks (gx_marts_*) stop publication.
    deps=[dg.AssetKey(["marts", t]) for t in ("rpt_document_summary", "fct_project_budget", "fct_indicator_target")],
    group_name="serving",
    kinds={"duckdb"},
    description=(
        "serving.duckdb: every table of schema `marts`, brought up to date in a copy of the previous file (only the "
        "documents whose rows changed, and the tables that changed) and swapped in with os.replace after each "
        "successful build; the nightly rebuild writes a new file (DuckDB storage v1.0.0, readable by DuckDB 1.x in "
        "BI drivers). BI tools open it read-only and are never blocked by the pipeline."
    ),
)
def serving_database(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    report: dict = {}
    with warehouse.writer_lock():
        counts = publish_serving(warehouse.duckdb_path, warehouse.serving_path,
                                 full=context.run.job_name in FULL_REFRESH_JOBS, report=report)
    changed = {table: done for table, done in report.get("tables", {}).items() if done != "kept"}
    context.log.info(f"Published {len(counts)} mart tables to {warehouse.serving_path} ({report.get('mode')}; "
                     f"{len(changed)} changed)")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(warehouse.serving_path)),
            "tables": dg.MetadataValue.json(counts),
            "dagster/row_count": sum(counts.values()),
            "publish_mode": report.get("mode", ""),
            "publish_fallback": report.get("fallback", ""),
            "tables_changed": dg.MetadataValue.json(changed),
        }
    )
