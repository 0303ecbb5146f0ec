"""Jobs and the schedule.

- ``main_job``: stage the documents of the run's config, run the GX checks,
  build the dbt marts with every dbt test, publish ``serving.duckdb``, report (summary, charts).
  Used by batch runs (``budget-etl run``) and from the UI.
- ``streaming_job``: what the inbox sensor launches (one run per tick; issue 19): the same
  assets and the same GX checks as ``main_job`` (the per-document gate, the blocking staging
  and mart checks before publish), but the dbt models are built *without* the dbt data and
  unit tests (dbt contracts are still enforced when a model is built). Its selection has no
  dbt test checks, so dagster-dbt runs ``dbt build`` on the models only, and the run plans,
  executes and records ~290 fewer asset checks.
- ``dbt_tests_job``: every dbt test (the models' and the sources'), as the asset checks of the
  dbt assets, without building anything: requested once the inbox is quiet after successful
  ``streaming_job`` runs (``orchestration/defs/quality/sensors.py``), so a failing test reaches the alert
  sensor (``quality_alert_sensor``) a minute or so after the last drop of a burst.
- ``reports_refresh_job``: the reports whose rows combine documents (left out of a drop's build once they
  exist: their cost grows with the warehouse), rebuilt when the inbox is quiet (``reports_refresh_sensor``).
- ``nightly_rebuild_job`` + ``nightly_rebuild_schedule``: rebuild and re-test
  every mart (including the reconciliation models), run the GX suites over every
  document (a document's run checks only its own: :func:`orchestration.run_documents.run_document_ids`), and
  republish, at 02:00.
"""

import dagster as dg

from orchestration.defs.quality.checks import GX_CHECK_KEYS, STAGING_CHECK_KEYS

#: Run statuses of a run that waits in the queue (created or queued, not launched: it has read nothing yet).
WAITING = [dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.QUEUED]
#: Run statuses of a run in flight (waiting, starting or running).
IN_FLIGHT = [*WAITING, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]


def run_of(instance: dg.DagsterInstance, job_name: str, statuses: list[dg.DagsterRunStatus]) -> str | None:
    """The id of the newest run of ``job_name`` in one of ``statuses``, if any (what the follow-up sensors ask the
    instance: is a drop's run or a test run waiting, is a drop's run in flight)."""
    ids = instance.get_run_ids(filters=dg.RunsFilter(job_name=job_name, statuses=statuses), limit=1)
    return ids[0] if ids else None


#: Run tag of the jobs that write warehouse.duckdb; the instance `make dev` runs (orchestration/settings.py) runs
#: them one at a time (the queued run coordinator's tag_concurrency_limits). Each step holds the writer lock,
#: but a run's mart checks compare the marts with the raw tables, which another run's staging may change
#: between this run's dbt step and its checks.
WRITES_WAREHOUSE_TAG = "budget_etl/writes_warehouse"

#: The Dagster groups of the dbt project (``dbt_project/models/<folder>`` → ``dbt_<folder>``; seeds in ``dbt``).
DBT_GROUPS = ("dbt", "dbt_staging", "dbt_intermediate", "dbt_marts", "dbt_reports")
#: The group of the Python-written tables: ``staged_documents`` and the ``raw/<table>`` assets.
RAW_GROUP = "raw"

#: Every dbt model and seed (the dbt sources are the ``raw/<table>`` assets, in the raw group).
_MODELS = dg.AssetSelection.groups(*DBT_GROUPS)
#: What follows publication: the run summary, the report, the Data Docs, the evidence images.
_AFTER_PUBLISH = dg.AssetSelection.assets("document_summary", "warehouse_report", "gx_data_docs", "evidence_images")

#: What a document's run materializes, from its file to serving.duckdb and the report (selected by group and key,
#: so this module imports no asset definition).
_PIPELINE_ASSETS = dg.AssetSelection.groups(RAW_GROUP, *DBT_GROUPS, "serving") | _AFTER_PUBLISH

main_job = dg.define_asset_job(
    name="main_job",
    tags={WRITES_WAREHOUSE_TAG: "true"},
    selection=_PIPELINE_ASSETS,
    # Steps share one DuckDB writer (a file lock), so parallel step processes
    # would only wait on each other: run them in the run's own process and
    # save a process start per step (seconds of drop-to-mart latency).
    executor_def=dg.in_process_executor,
    description=(
        "Documents of the run's config → parse → DuckDB raw tables → GX suites (blocking) → dbt marts "
        "→ serving.duckdb → per-document summary and the warehouse report (HTML + PDF)."
    ),
)

#: The asset checks that are dbt tests: every check but the GX ones (the dbt models' tests, and the
#: sources' on the ``raw/<table>`` assets); not the GX suites, which are checks of some of the same assets.
DBT_TEST_CHECKS = dg.AssetSelection.all_asset_checks() - dg.AssetSelection.checks(*GX_CHECK_KEYS)

#: The GX checks of a streaming run: the per-document gate, the staging suites and the mart suites (blocking).
GX_CHECKS = dg.AssetSelection.checks(*GX_CHECK_KEYS)

streaming_job = dg.define_asset_job(
    name="streaming_job",
    tags={WRITES_WAREHOUSE_TAG: "true"},
    # The assets of main_job without any asset check, then the GX checks added back: the dbt tests are
    # left to dbt_tests_job (requested after the run) and to the nightly rebuild. The warehouse report (charts
    # of the whole warehouse: 4-6 s a run, more with size) is left to reports_refresh_job, so the next drop's
    # run, queued behind this one, starts as soon as serving.duckdb is published and the summary written.
    selection=(_PIPELINE_ASSETS - dg.AssetSelection.assets("warehouse_report")).without_checks() | GX_CHECKS,
    executor_def=dg.in_process_executor,
    description=(
        "What the inbox sensor runs: documents → parse → DuckDB raw tables → GX gate and suites (blocking) → dbt "
        "models without the dbt tests (contracts enforced) → GX mart suites (blocking) → serving.duckdb → "
        "the run's summary. The dbt tests follow in dbt_tests_job; the report and the whole-warehouse reports in "
        "reports_refresh_job."
    ),
)

#: Run tag of ``dbt_tests_job``: the instance ``make dev`` runs runs one such run at a time (``dagster.yaml``'s
#: tag_concurrency_limits); one waiting run covers the streaming runs before it (quality/sensors.py).
DBT_TESTS_TAG = "budget_etl/dbt_tests"

dbt_tests_job = dg.define_asset_job(
    name="dbt_tests_job",
    tags={DBT_TESTS_TAG: "true"},
    selection=DBT_TEST_CHECKS,
    executor_def=dg.in_process_executor,
    description=(
        "Every dbt test (`dbt test`: no model is rebuilt) as the asset checks of the dbt assets; requested "
        "once the inbox is quiet after successful streaming_job runs; failures reach quality_alert_sensor."
    ),
)

#: The reports whose rows combine documents (dbt tag ``whole_warehouse``; orchestration/defs/transformation/dbt.py):
#: a drop's build leaves them out once they exist, this job rebuilds them (and their dbt tests), republishes and
#: redraws the report, when the inbox is quiet (``reports_refresh_sensor``).
WHOLE_WAREHOUSE_REPORTS = dg.AssetSelection.tag("whole_warehouse", "")

reports_refresh_job = dg.define_asset_job(
    name="reports_refresh_job",
    # after any queued drop (the queue starts higher priorities first), one writer at a time
    tags={WRITES_WAREHOUSE_TAG: "true", "dagster/priority": "-1"},
    selection=WHOLE_WAREHOUSE_REPORTS | dg.AssetSelection.groups("serving") | dg.AssetSelection.assets("warehouse_report"),
    executor_def=dg.in_process_executor,
    description=(
        "The reports whose rows combine documents (dbt tag whole_warehouse: rankings, reuse, year over year, "
        "targets vs outcomes), rebuilt with their dbt tests, then serving.duckdb and the report. Requested by "
        "reports_refresh_sensor once the inbox is quiet after drops; the nightly rebuild also builds them."
    ),
)

#: The GX suites over the raw tables (``gx_staging_*``): a document's run checks its own documents; the nightly
#: rebuild runs them over the whole warehouse (no asset of the raw group is materialized by it).
GX_STAGING_CHECKS = dg.AssetSelection.checks(*STAGING_CHECK_KEYS)

nightly_rebuild_job = dg.define_asset_job(
    name="nightly_rebuild_job",
    tags={WRITES_WAREHOUSE_TAG: "true"},
    selection=_MODELS | dg.AssetSelection.groups("serving") | _AFTER_PUBLISH | dg.AssetSelection.assets("warehouse_export")
    | GX_STAGING_CHECKS,
    executor_def=dg.in_process_executor,
    description="Full rebuild of every dbt model and test (reconciliation included), republication of serving.duckdb "
                "and the Excel/CSV export.",
)

nightly_rebuild_schedule = dg.ScheduleDefinition(
    name="nightly_rebuild_schedule",
    job=nightly_rebuild_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 02:00 China time: rebuild the marts from the raw tables, re-run reconciliation tests, republish.",
)
