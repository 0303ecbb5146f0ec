"""Jobs and the schedule.

- ``main_job``: stage the documents of the run's partitions, run the GX checks,
  build the dbt marts, publish ``serving.duckdb``, report (summary, charts). Used by the sensor
  (one run per tick), by batch runs (``budget-etl run``) and from the UI.
- ``nightly_rebuild_job`` + ``nightly_rebuild_schedule``: rebuild and re-test
  every mart (including the reconciliation models) and republish, at 02:00.
"""

import dagster as dg

from orchestration.defs.transformation.dbt import dbt_models
from orchestration.defs.ingestion.assets import raw_tables, stage_documents
from orchestration.defs.reporting.document_summary import document_summary
from orchestration.defs.serving.assets import serving_database
from orchestration.defs.reporting.warehouse_report import warehouse_report
from orchestration.partitions import documents_partitions

main_job = dg.define_asset_job(
    name="main_job",
    selection=dg.AssetSelection.assets(
        stage_documents, raw_tables, dbt_models, serving_database, document_summary, warehouse_report
    ),
    partitions_def=documents_partitions,
    # Steps share one DuckDB writer (a file lock), so parallel step processes
    # would only wait on each other: run them in the run's own process and
    # save a process start per step (seconds of drop-to-mart latency).
    executor_def=dg.in_process_executor,
    description=(
        "Documents of the run's partitions → parse → DuckDB raw tables → GX suites (blocking) → dbt marts "
        "→ serving.duckdb → per-document summary and the warehouse report (HTML + PDF)."
    ),
)

nightly_rebuild_job = dg.define_asset_job(
    name="nightly_rebuild_job",
    selection=dg.AssetSelection.assets(dbt_models, serving_database, document_summary, warehouse_report),
    executor_def=dg.in_process_executor,
    description="Full rebuild of every dbt model and test (reconciliation included) and republication of serving.duckdb.",
)

nightly_rebuild_schedule = dg.ScheduleDefinition(
    name="nightly_rebuild_schedule",
    job=nightly_rebuild_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 02:00 China time: rebuild the marts from the raw tables, re-run reconciliation tests, republish.",
)


def stage_run_config(files: dict[str, str], move_processed: bool) -> dict:
    """Run config for ``main_job``: which file holds each document, and whether to move it when done."""
    return {"ops": {"stage_documents": {"config": {"files": files, "move_processed": move_processed}}}}
