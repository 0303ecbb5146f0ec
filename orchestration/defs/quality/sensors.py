"""What follows the drops' runs: the dbt tests after each, and the whole-warehouse reports once the inbox is quiet.

**dbt tests.** Each successful ``streaming_job`` run requests a ``dbt_tests_job`` run.

The inbox sensor's runs build the dbt models without the dbt tests (issue 19: drop → visible in
``serving.duckdb``); the GX suites still block publication. Every dbt test then runs in its own
run right after, and its failed evaluations reach ``quality_alert_sensor`` when that run ends,
exactly as the failed checks of any other run. The nightly rebuild keeps the full ``dbt build``.

One test run covers every streaming run that ended before it started: when a ``dbt_tests_job``
run is still waiting in the queue (it has not read the warehouse yet), a new success requests
no second one. A test run that has started may have read the warehouse before the latest build,
so it does not count.

**Whole-warehouse reports.** A drop's build leaves out the reports whose rows combine documents (dbt tag
``whole_warehouse``: their cost grows with the warehouse). ``reports_refresh_sensor`` requests a
``reports_refresh_job`` run when a ``streaming_job`` run has succeeded since the last refresh was requested
and the inbox has been quiet for :data:`REFRESH_QUIET_S` (no drop's run waiting or running, the last one
ended that long ago): during a burst of drops the drops go first, and the reports follow within a minute of
the last one (:func:`refresh_due`, the rule). The nightly rebuild builds them in any case.
"""

from __future__ import annotations

import dagster as dg

import time

from orchestration.defs.jobs import IN_FLIGHT, WAITING, dbt_tests_job, reports_refresh_job, run_of, streaming_job



def waiting_test_run(instance: dg.DagsterInstance) -> str | None:
    """The id of a ``dbt_tests_job`` run that is created or queued but not launched, if any."""
    return run_of(instance, dbt_tests_job.name, WAITING)  # it has not read the warehouse yet


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


#: Seconds without a drop's run (waiting, running or just ended) before the whole-warehouse reports are rebuilt.
REFRESH_QUIET_S = 30.0


def refresh_due(last_success_end: float | None, in_flight: bool, last_refresh_created: float | None, now: float,
                quiet_s: float = REFRESH_QUIET_S) -> str | None:
    """Why a ``reports_refresh_job`` run is not due (a skip reason), or ``None`` when it is.

    ``last_success_end``: when the newest successful ``streaming_job`` run ended (epoch s; ``None``: never);
    ``in_flight``: a ``streaming_job`` run is waiting or running; ``last_refresh_created``: when the newest
    ``reports_refresh_job`` run was created (any status; ``None``: never).
    """
    if last_success_end is None:
        return "No drop has been processed yet."
    if last_refresh_created is not None and last_refresh_created >= last_success_end:
        return "The whole-warehouse reports were refreshed after the last drop."
    if in_flight:
        return "A drop's run is waiting or running: the reports follow when the inbox is quiet."
    if now - last_success_end < quiet_s:
        return f"The last drop ended {now - last_success_end:.0f} s ago: waiting for {quiet_s:.0f} s of quiet."
    return None


def _newest(instance: dg.DagsterInstance, job_name: str, statuses=None):
    records = instance.get_run_records(filters=dg.RunsFilter(job_name=job_name, statuses=statuses), limit=1)
    return records[0] if records else None


@dg.sensor(
    name="reports_refresh_sensor",
    job=reports_refresh_job,
    minimum_interval_seconds=10,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Once the inbox is quiet after drops (no streaming_job run waiting or running for 30 s), rebuilds the "
        "reports whose rows combine documents (reports_refresh_job), which a drop's build leaves out."
    ),
)
def reports_refresh_sensor(context: dg.SensorEvaluationContext):
    success = _newest(context.instance, streaming_job.name, [dg.DagsterRunStatus.SUCCESS])
    refresh = _newest(context.instance, reports_refresh_job.name)
    in_flight = run_of(context.instance, streaming_job.name, IN_FLIGHT) is not None
    reason = refresh_due(success.end_time if success else None, in_flight,
                         refresh.create_timestamp.timestamp() if refresh else None, time.time())
    if reason is not None:
        return dg.SkipReason(reason)
    return dg.RunRequest(run_key=f"reports_after:{success.dagster_run.run_id}",
                         tags={"budget/after_run": success.dagster_run.run_id})
