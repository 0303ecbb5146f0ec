"""The alert sensor: failed asset-check evaluations → outbox → alert log and webhook.

Non-blocking (WARN) check failures do not fail runs, so a run-failure sensor
would never see them. Each tick this sensor reads the runs that **ended**
since its cursor (success, failure or cancellation) with
``DagsterInstance.fetch_run_status_changes`` — the public, cursor-paginated
API that every instance storage supports: the default SQLite storage of
``make dev`` (run-sharded: one event database per run plus an index shard that
mirrors run status changes), the consolidated SQLite storage and Postgres —
and then the ``ASSET_CHECK_EVALUATION`` events of each of those runs
(``all_logs``, per run, again supported by every storage). The deprecated
``get_event_records`` with a plain storage-id cursor fails on run-sharded
storage on every tick after the first, so it is not used.

Each tick: (1) every failed evaluation becomes an alert in the outbox
(idempotent on run id + check key), (2) new alerts are appended to the
JSON-lines log, (3) pending alerts are POSTed to the webhook when
``ALERT_WEBHOOK_URL`` is set (see ``orchestration/alerts.py``). The cursor
(one Dagster event-log cursor per run-end event type, as JSON) only moves
after the alerts are in the outbox, so a crashed tick re-reads the same runs
and enqueues nothing twice; delivery failures stay pending in the outbox and
are retried on later ticks, even when there is no new event. An alert is
raised when its run ends, which for the runs of this code location is seconds
after the check.
"""

from __future__ import annotations

import datetime as dt
import json

import dagster as dg
from dagster import DagsterEventType

from orchestration.alerts import Alert, Outbox, WebhookSettings, summarise_details
from orchestration.resources import WarehouseResource
from orchestration.quality.runner import build_pending_data_docs

#: Ended runs read per event type and tick (the rest on the next tick).
BATCH_LIMIT = 100

#: The run-end events after which a run's check evaluations are final.
RUN_END_EVENTS = (DagsterEventType.RUN_SUCCESS, DagsterEventType.RUN_FAILURE, DagsterEventType.RUN_CANCELED)

_DETAIL_KEYS = ("quarantined", "warnings", "blocking_failures", "quarantined_documents", "data_docs", "documents_validated")


def _plain(value):
    value = getattr(value, "value", value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def alert_from_entry(entry: dg.EventLogEntry) -> Alert | None:
    """The alert for one ``ASSET_CHECK_EVALUATION`` event log entry, or ``None`` when the check passed."""
    return alert_from_evaluation(entry.dagster_event.event_specific_data, entry.run_id, entry.timestamp)


def alert_from_evaluation(evaluation: dg.AssetCheckEvaluation, run_id: str, timestamp: float) -> Alert | None:
    """The alert for one check evaluation of run ``run_id`` at ``timestamp`` (Unix seconds); ``None`` when it passed.

    The details are summarised (:func:`orchestration.alerts.summarise_details`): counts by check, the
    worst documents and where every row is; never every document's warnings (bounded at any size).
    """
    if evaluation.passed:
        return None
    check = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
    partition = f"[{evaluation.partition}]" if evaluation.partition else ""
    details = {k: _plain(evaluation.metadata[k]) for k in _DETAIL_KEYS if k in evaluation.metadata}
    return Alert(
        alert_id=f"{run_id}/{check}{partition}",
        severity=evaluation.severity.value,
        check=check,
        run_id=run_id,
        description=evaluation.description,
        details=summarise_details(details, run_id, check),
        occurred_at=dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isoformat(),
    )


def _parse_cursor(cursor: str | None) -> dict[str, str]:
    """The sensor cursor as ``{event type: event-log cursor}``; a cursor of the former format starts over."""
    if not cursor:
        return {}
    try:
        value = json.loads(cursor)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}  # an old plain storage id: re-read (enqueueing is idempotent)


def ended_run_ids(instance: dg.DagsterInstance, cursor: str | None) -> tuple[list[str], str]:
    """Ids of the runs that ended after ``cursor`` (oldest first), and the cursor after them."""
    cursors = _parse_cursor(cursor)
    ended: list[tuple[int, str]] = []
    for event_type in RUN_END_EVENTS:
        result = instance.fetch_run_status_changes(
            event_type, limit=BATCH_LIMIT, cursor=cursors.get(event_type.value), ascending=True
        )
        ended.extend((r.storage_id, r.run_id) for r in result.records)
        cursors[event_type.value] = result.cursor
    return [run_id for _, run_id in sorted(ended)], json.dumps(cursors, sort_keys=True)


def failed_check_alerts(instance: dg.DagsterInstance, run_ids: list[str]) -> list[Alert]:
    """Alerts for the failed check evaluations of ``run_ids``, in run and event order."""
    return [
        alert
        for run_id in run_ids
        for entry in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
        if (alert := alert_from_entry(entry)) is not None
    ]


def run_alert_tick(instance: dg.DagsterInstance, outbox: Outbox, cursor: str | None,
                   settings: WebhookSettings | None = None) -> tuple[str, dict]:
    """One tick without Dagster's sensor machinery: returns the new cursor and counts."""
    run_ids, new_cursor = ended_run_ids(instance, cursor)
    new = outbox.enqueue(failed_check_alerts(instance, run_ids))
    if new:  # the Data Docs pages the alerts link to, if their run ended before building them (gx_data_docs)
        build_pending_data_docs()
    logged = outbox.write_log()
    delivered, failed = outbox.deliver_pending(settings or WebhookSettings.from_env())
    counts = {"runs": len(run_ids), "new": new, "logged": logged, "delivered": delivered, "failed_deliveries": failed}
    return new_cursor, counts


@dg.sensor(
    name="quality_alert_sensor",
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Sends each failed asset-check evaluation (GX gate, GX suites, dbt tests) once to "
        "$WAREHOUSE_DIR/alerts/alerts.jsonl and, when ALERT_WEBHOOK_URL is set, to the webhook; "
        "failed deliveries are retried on the next tick."
    ),
)
def quality_alert_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    """Evaluate one alert tick (see the module docstring)."""
    outbox = Outbox(warehouse.root / "alerts")
    cursor, counts = run_alert_tick(context.instance, outbox, context.cursor)
    if counts["failed_deliveries"]:
        context.log.warning("Webhook delivery failed; the alert stays in the outbox and is retried on the next tick.")
    return dg.SensorResult(cursor=cursor, skip_reason=f"alerts: {counts}")
