"""The dbt tests after a streaming run: each successful ``streaming_job`` run requests a ``dbt_tests_job`` run.

The inbox sensor's runs build the dbt models without the dbt tests (issue 19: drop → visible in
``serving.duckdb``); the GX suites still block publication. Every dbt test then runs in its own
run right after, and its failed evaluations reach ``quality_alert_sensor`` when that run ends,
exactly as the failed checks of any other run. The nightly rebuild keeps the full ``dbt build``.

One test run covers every streaming run that ended before it started: when a ``dbt_tests_job``
run is still waiting in the queue (it has not read the warehouse yet), a new success requests
no second one. A test run that has started may have read the warehouse before the latest build,
so it does not count.
"""

from __future__ import annotations

import dagster as dg

from orchestration.defs.jobs import dbt_tests_job, streaming_job

#: Run statuses of a ``dbt_tests_job`` run that has not started to read the warehouse.
NOT_STARTED = [dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.QUEUED]


def waiting_test_run(instance: dg.DagsterInstance) -> str | None:
    """The id of a ``dbt_tests_job`` run that is created or queued but not launched, if any."""
    ids = instance.get_run_ids(filters=dg.RunsFilter(job_name=dbt_tests_job.name, statuses=NOT_STARTED), limit=1)
    return ids[0] if ids else None


@dg.run_status_sensor(
    name="dbt_tests_after_streaming_sensor",
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[streaming_job],
    request_job=dbt_tests_job,
    minimum_interval_seconds=1,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "After each successful streaming_job run (inbox drops), runs every dbt test (dbt_tests_job); "
        "one queued test run covers all the streaming runs that ended before it starts."
    ),
)
def dbt_tests_after_streaming_sensor(context: dg.RunStatusSensorContext):
    waiting = waiting_test_run(context.instance)
    if waiting is not None:
        return dg.SkipReason(f"dbt_tests_job run {waiting} is still queued; it will test this run's build too.")
    return dg.RunRequest(
        run_key=f"dbt_tests_after:{context.dagster_run.run_id}",
        tags={"budget/after_run": context.dagster_run.run_id},
    )
