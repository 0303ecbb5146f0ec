"""What follows the drops' runs, once the inbox is quiet: the dbt tests, and the whole-warehouse reports.

A drop's run (``streaming_job``) builds the dbt models without the dbt tests and without the reports whose rows
combine documents (issues 19 and 29: drop → visible in ``serving.duckdb``); the GX suites of its documents still
block publication. What it leaves out follows in runs of their own, requested by the sensors here with one rule,
:func:`refresh_due`: when a ``streaming_job`` run has succeeded since the follow-up was last requested and the inbox
has been quiet for :data:`REFRESH_QUIET_S` (no drop's run waiting or running, the last one ended that long ago).
During a burst of drops the drops go first (on 2 cores each ``dbt test`` run took 50-80 s of CPU at 10,000
documents, and one after every drop's run took a core from the next drops: issue 29's bench), and the follow-ups
come within a minute of the last drop.

**dbt tests** (``dbt_tests_after_streaming_sensor`` → ``dbt_tests_job``): every dbt test, whose failed evaluations
reach ``quality_alert_sensor`` when the run ends, as the failed checks of any other run. A stream of drops that
never pauses does not hold them back for long: once the oldest untested drop's run ended
:data:`TESTS_MAX_WAIT_S` ago, the tests run beside the drops. One test run covers every drop's run that ended
before it was requested; a test run still waiting in the queue (it has not read the warehouse yet) covers the
ones after too.

**Whole-warehouse reports** (``reports_refresh_sensor`` → ``reports_refresh_job``; dbt tag ``whole_warehouse``):
rebuilt with their dbt tests, then ``serving.duckdb`` and the report. They write the warehouse, so they wait for
quiet whatever the delay; the nightly rebuild builds them in any case.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

import dagster as dg

from orchestration.defs.jobs import IN_FLIGHT, WAITING, dbt_tests_job, reports_refresh_job, run_of, streaming_job


def waiting_test_run(instance: dg.DagsterInstance) -> str | None:
    """The id of a ``dbt_tests_job`` run that is created or queued but not launched, if any."""
    return run_of(instance, dbt_tests_job.name, WAITING)  # it has not read the warehouse yet


#: Seconds without a drop's run (waiting, running or just ended) before the follow-ups (dbt tests, whole-warehouse
#: reports) are requested.
REFRESH_QUIET_S = 30.0


#: Seconds after the end of the oldest drop's run not yet tested after which the dbt tests run even while drops
#: keep arriving (a failing test then reaches the alerts within about this delay plus one test run).
TESTS_MAX_WAIT_S = 600.0


def refresh_due(last_success_end: float | None, in_flight: bool, last_refresh_created: float | None, now: float,
                quiet_s: float = REFRESH_QUIET_S, first_pending_end: float | None = None,
                max_wait_s: float | None = None) -> str | None:
    """Why a follow-up run (``dbt_tests_job``, ``reports_refresh_job``) is not due (a skip reason), or ``None`` when it is.

    ``last_success_end``: when the newest successful ``streaming_job`` run ended (epoch s; ``None``: never);
    ``in_flight``: a ``streaming_job`` run is waiting or running; ``last_refresh_created``: when the newest
    follow-up run was created (any status; ``None``: never); ``first_pending_end``: when the oldest successful
    ``streaming_job`` run that ended after that creation ended; ``max_wait_s``: past that many seconds since
    ``first_pending_end`` the follow-up is due even while drops are in flight (``None``: wait for quiet always).
    """
    if last_success_end is None:
        return "No drop has been processed yet."
    if last_refresh_created is not None and last_refresh_created >= last_success_end:
        return "Already requested after the last drop."
    if max_wait_s is not None and first_pending_end is not None and now - first_pending_end >= max_wait_s:
        return None
    if in_flight:
        return "A drop's run is waiting or running: this follows when the inbox is quiet."
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
    return follow_up_request(context.instance, reports_refresh_job.name, "reports_after")


def _first_success_ended_after(instance: dg.DagsterInstance, after: float | None) -> float | None:
    """End (epoch s) of the oldest successful ``streaming_job`` run that ended after ``after`` (``None``: any)."""
    ends = [r.end_time for r in instance.get_run_records(
        filters=dg.RunsFilter(job_name=streaming_job.name, statuses=[dg.DagsterRunStatus.SUCCESS],
                              updated_after=datetime.fromtimestamp(after, timezone.utc) if after else None),
        order_by="update_timestamp", ascending=True, limit=50) if r.end_time and (after is None or r.end_time > after)]
    return min(ends) if ends else None


@dg.sensor(
    name="dbt_tests_after_streaming_sensor",
    job=dbt_tests_job,
    minimum_interval_seconds=5,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Once the inbox is quiet after drops (no streaming_job run waiting or running for 30 s), or 10 minutes "
        "after the oldest untested drop in a stream that does not pause, runs every dbt test (dbt_tests_job)."
    ),
)
def dbt_tests_after_streaming_sensor(context: dg.SensorEvaluationContext):
    waiting = waiting_test_run(context.instance)
    if waiting is not None:
        return dg.SkipReason(f"dbt_tests_job run {waiting} is still queued; it will test the latest build too.")
    return follow_up_request(context.instance, dbt_tests_job.name, "dbt_tests_after", max_wait_s=TESTS_MAX_WAIT_S)


def follow_up_request(instance: dg.DagsterInstance, job_name: str, key_prefix: str,
                      max_wait_s: float | None = None) -> dg.RunRequest | dg.SkipReason:
    """A run request of the follow-up job ``job_name`` when :func:`refresh_due` says it is due after the drops'
    runs (run key ``<key_prefix>:<the newest successful streaming run>``, tag ``budget/after_run``), else why not."""
    success = _newest(instance, streaming_job.name, [dg.DagsterRunStatus.SUCCESS])
    previous = _newest(instance, job_name)
    created = previous.create_timestamp.timestamp() if previous else None
    in_flight = run_of(instance, streaming_job.name, IN_FLIGHT) is not None
    reason = refresh_due(success.end_time if success else None, in_flight, created, time.time(),
                         first_pending_end=_first_success_ended_after(instance, created) if max_wait_s else None,
                         max_wait_s=max_wait_s)
    if reason is not None:
        return dg.SkipReason(reason)
    return dg.RunRequest(run_key=f"{key_prefix}:{success.dagster_run.run_id}",
                         tags={"budget/after_run": success.dagster_run.run_id})
