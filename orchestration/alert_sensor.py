"""The alert sensor: failed asset-check evaluations → outbox → alert log and webhook.

Non-blocking (WARN) check failures do not fail runs, so a run-failure sensor
would never see them; this sensor reads the instance's event log for
``ASSET_CHECK_EVALUATION`` events after its cursor (the last storage id it
has enqueued). Each tick: (1) every failed evaluation becomes an alert in the
outbox (idempotent on run id + check key), (2) new alerts are appended to the
JSON-lines log, (3) pending alerts are POSTed to the webhook when
``ALERT_WEBHOOK_URL`` is set (see ``orchestration/alerts.py``). The cursor
only moves after the alerts are in the outbox, so a crashed tick re-reads the
same events and enqueues nothing twice; delivery failures stay pending in the
outbox and are retried on later ticks, even when there is no new event.
"""

from __future__ import annotations

import datetime as dt
import warnings

import dagster as dg
from dagster import DagsterEventType, EventRecordsFilter

from orchestration.alerts import Alert, Outbox, WebhookSettings
from orchestration.resources import WarehouseResource

#: Events read per tick (the rest on the next tick).
BATCH_LIMIT = 500

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


def alert_from_record(record) -> Alert | None:
    """The alert for one ``ASSET_CHECK_EVALUATION`` event record, or ``None`` when the check passed."""
    entry = record.event_log_entry
    evaluation = entry.dagster_event.event_specific_data
    if evaluation.passed:
        return None
    check = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
    partition = f"[{evaluation.partition}]" if evaluation.partition else ""
    return Alert(
        alert_id=f"{entry.run_id}/{check}{partition}",
        severity=evaluation.severity.value,
        check=check,
        run_id=entry.run_id,
        description=evaluation.description,
        details={k: _plain(evaluation.metadata[k]) for k in _DETAIL_KEYS if k in evaluation.metadata},
        occurred_at=dt.datetime.fromtimestamp(entry.timestamp, dt.timezone.utc).isoformat(),
    )


def failed_check_alerts(instance: dg.DagsterInstance, after_storage_id: int | None) -> tuple[list[Alert], int | None]:
    """Alerts for failed check evaluations after ``after_storage_id``; and the last storage id read."""
    with warnings.catch_warnings():  # get_event_records is deprecated for 2.0; no replacement for check events yet
        warnings.simplefilter("ignore")
        records = instance.get_event_records(
            EventRecordsFilter(event_type=DagsterEventType.ASSET_CHECK_EVALUATION, after_cursor=after_storage_id),
            limit=BATCH_LIMIT,
            ascending=True,
        )
    alerts = [a for a in (alert_from_record(r) for r in records) if a is not None]
    return alerts, (records[-1].storage_id if records else after_storage_id)


def run_alert_tick(instance: dg.DagsterInstance, outbox: Outbox, cursor: str | None,
                   settings: WebhookSettings | None = None) -> tuple[str | None, dict]:
    """One tick without Dagster's sensor machinery: returns the new cursor and counts."""
    after = int(cursor) if cursor else None
    alerts, last = failed_check_alerts(instance, after)
    new = outbox.enqueue(alerts)
    logged = outbox.write_log()
    delivered, failed = outbox.deliver_pending(settings or WebhookSettings.from_env())
    counts = {"new": new, "logged": logged, "delivered": delivered, "failed_deliveries": failed}
    return (str(last) if last is not None else cursor), counts


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
