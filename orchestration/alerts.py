"""Alerts for data-quality failures: an outbox, a JSON-lines log and a webhook.

Each failed asset-check evaluation becomes one :class:`Alert` (id: run id +
check key, so reading the same event twice yields the same id). Alerts go
through an **outbox** (SQLite, ``$WAREHOUSE_DIR/alerts/outbox.sqlite3``) that
records their delivery state, so that

- enqueueing is idempotent (``INSERT OR IGNORE`` on the id): never duplicated;
- a WARN alert identical to the previous alert of the same check (same
  :meth:`Alert.fingerprint`: the same documents with the same failing
  expectations — e.g. the known warnings of the same documents re-staged by
  every batch run) is a **repeat**: logged with ``repeat_of`` naming the first
  alert of the series, never sent to the webhook. ERROR alerts are always sent;
- each alert is appended once to ``$WAREHOUSE_DIR/alerts/alerts.jsonl``
  (ids already in the file are skipped, so a crash between the append and
  the commit does not write it twice);
- when ``ALERT_WEBHOOK_URL`` is set, each alert is POSTed until the endpoint
  answers 2xx, retried with exponential backoff (``backoff``) within a tick;
  a delivery that still fails stays ``pending`` with its error and is retried
  on the next tick: never lost. A delivered alert is marked ``delivered`` in
  the same moment, and the ``X-Alert-Id`` header lets the receiver drop the
  one case no sender can rule out (a crash after the 2xx, before the commit).

Configuration, from environment variables only (never from files in git):
``ALERT_WEBHOOK_URL`` (Slack incoming webhook or any HTTP endpoint),
``ALERT_WEBHOOK_SECRET`` (optional: signs the body, HMAC-SHA256 in
``X-Alert-Signature``), ``ALERT_WEBHOOK_FORMAT`` (``slack``, the default, or
``json``: the alert itself), ``ALERT_WEBHOOK_MAX_TRIES`` (default 4),
``ALERT_WEBHOOK_BACKOFF_SECONDS`` (first wait, default 0.5). The URL and the
secret are never logged nor stored: errors are recorded as the exception
type or the HTTP status only (``requests`` exception texts contain the URL).

No Dagster imports: ``orchestration.defs.alerting.sensors`` feeds it from the event log.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Callable

import backoff
import requests

from orchestration.settings import AlertWebhookSettings, read

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    alert_id       TEXT PRIMARY KEY,
    created_at     TEXT NOT NULL,
    payload        TEXT NOT NULL,        -- the alert as JSON
    logged         INTEGER NOT NULL DEFAULT 0,
    webhook_state  TEXT NOT NULL DEFAULT 'pending',  -- pending | delivered | repeat (never sent)
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT,
    delivered_at   TEXT
);
"""
#: Columns added after the first release (``ALTER TABLE`` on an existing outbox).
_ADDED_COLUMNS = {
    "check_key": "ALTER TABLE alerts ADD COLUMN check_key TEXT",
    "fingerprint": "ALTER TABLE alerts ADD COLUMN fingerprint TEXT",
    "repeat_of": "ALTER TABLE alerts ADD COLUMN repeat_of TEXT",
}
#: Detail keys that differ from run to run without the problem changing (left out of the fingerprint).
VOLATILE_DETAILS = frozenset({"data_docs", "documents_validated", "rows_validated", "rows"})

#: Documents named in an alert per detail (the worst first: most failing rows); the others are counted.
WORST_DOCUMENTS = 10
#: Checks (expectation labels) counted in an alert per detail; the others are summed into ``more_checks``.
MAX_CHECKS = 50
#: Items kept from a list detail (e.g. a suite's warnings), and characters kept of any one text.
MAX_ITEMS = 50
MAX_TEXT = 300

#: Where the whole rows of an alert are: the per-document results of the gate and the check's own
#: metadata (``{run_id}`` and ``{check}`` filled in). Alerts summarise; these keep every row.
ROWS_POINTER = ("warehouse.duckdb: SELECT * FROM quality.expectation_results WHERE run_id = '{run_id}'; "
                "every document's warnings: the Dagster UI, run {run_id}, check {check} (metadata)")


@dataclasses.dataclass(frozen=True)
class Alert:
    """One failed check evaluation, as logged and sent."""

    alert_id: str
    severity: str  # ERROR | WARN
    check: str  # asset_key:check_name
    run_id: str
    description: str | None
    details: dict
    occurred_at: str  # ISO 8601 UTC
    repeat_of: str | None = None  # set by the outbox: first alert of a series of identical WARN alerts

    def to_json(self) -> dict:
        """The alert as a JSON object (the JSON-lines record and the ``json`` webhook body)."""
        return dataclasses.asdict(self)

    def fingerprint(self) -> str:
        """SHA-256 of what the alert says is wrong: check, severity and details except :data:`VOLATILE_DETAILS`."""
        stable = {k: v for k, v in self.details.items() if k not in VOLATILE_DETAILS}
        text = json.dumps([self.check, self.severity, stable], sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclasses.dataclass(frozen=True)
class WebhookSettings:
    """Where and how to send alerts; :meth:`from_env` reads the environment."""

    url: str | None
    secret: str | None = None
    payload_format: str = "slack"
    max_tries: int = 4
    backoff_seconds: float = 0.5
    timeout_seconds: float = 10.0

    @classmethod
    def from_env(cls) -> "WebhookSettings":
        """Settings from ``ALERT_WEBHOOK_*`` environment variables (URL unset: no webhook)."""
        env = read(AlertWebhookSettings)
        return cls(url=env.url, secret=env.secret, payload_format=env.format, max_tries=env.max_tries,
                   backoff_seconds=env.backoff_seconds)

    def __repr__(self) -> str:  # never print the URL or the secret
        return f"WebhookSettings(configured={bool(self.url)}, format={self.payload_format!r}, max_tries={self.max_tries})"


def _short(text: object) -> str:
    text = str(text)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _item_rows(item: object) -> tuple[str, int]:
    """``("label", rows)`` of one ``"label: 12 rows"`` item (the gate's and suites' format); rows 1 otherwise."""
    text = str(item)
    label, sep, rest = text.rpartition(": ")
    number = rest.removesuffix(" rows").replace(",", "")
    if sep and number.isdigit():
        return label, int(number)
    return text, 1


def summarise_documents(by_document: dict) -> dict:
    """A bounded summary of ``{file name: [failing expectation items] or reason}``.

    Returns ``documents`` (how many), ``by_check`` (per expectation label: documents and failing rows,
    at most :data:`MAX_CHECKS`, the most frequent first; ``more_checks`` counts the rest), ``worst``
    (the :data:`WORST_DOCUMENTS` documents with the most failing rows, their items whole up to
    :data:`MAX_ITEMS`), ``more_documents`` and ``digest`` (SHA-256 of the whole mapping, so two
    different sets of documents never look like the same alert).
    """
    checks: dict[str, list[int]] = {}
    weight: dict[str, int] = {}
    for name, items in by_document.items():
        items = items if isinstance(items, (list, tuple)) else [items]
        weight[name] = 0
        for item in items:
            label, rows = _item_rows(item)
            label = _short(label)
            counts = checks.setdefault(label, [0, 0])
            counts[0] += 1
            counts[1] += rows
            weight[name] += rows
    ranked = sorted(checks.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    worst = sorted(weight, key=lambda n: (-weight[n], n))[:WORST_DOCUMENTS]
    digest = hashlib.sha256(json.dumps(by_document, sort_keys=True, ensure_ascii=False, default=str)
                            .encode("utf-8")).hexdigest()
    summary = {
        "documents": len(by_document),
        "by_check": {label: {"documents": d, "rows": r} for label, (d, r) in ranked[:MAX_CHECKS]},
        "worst": {_short(n): [_short(i) for i in (by_document[n] if isinstance(by_document[n], (list, tuple))
                                                  else [by_document[n]])][:MAX_ITEMS] for n in worst},
        "more_documents": max(len(by_document) - len(worst), 0),
        "digest": digest,
    }
    if len(ranked) > MAX_CHECKS:
        summary["more_checks"] = len(ranked) - MAX_CHECKS
    return summary


def summarise_details(details: dict, run_id: str, check: str) -> dict:
    """The details of an alert, bounded in size whatever the number of documents (issue 29).

    Per-document mappings (``warnings``, ``quarantined``, ``quarantined_documents``) become
    :func:`summarise_documents` summaries; lists keep :data:`MAX_ITEMS` items (``<key>_more`` counts the
    rest); texts keep :data:`MAX_TEXT` characters. ``rows`` points at where every row is
    (:data:`ROWS_POINTER`) when anything was summarised. Other values pass as they are.
    """
    out: dict = {}
    summarised = False
    for key, value in details.items():
        if isinstance(value, dict) and key in ("warnings", "quarantined", "quarantined_documents"):
            out[key] = summarise_documents(value) if value else {}
            summarised = summarised or bool(value)
        elif isinstance(value, (list, tuple)):
            out[key] = [_short(v) for v in value[:MAX_ITEMS]]
            if len(value) > MAX_ITEMS:
                out[f"{key}_more"] = len(value) - MAX_ITEMS
                summarised = True
        elif isinstance(value, str):
            out[key] = _short(value)
        else:
            out[key] = value
    if summarised:
        out["rows"] = ROWS_POINTER.format(run_id=run_id, check=check)
    return out


def _is_summary(value: object) -> bool:
    return isinstance(value, dict) and {"documents", "by_check", "worst"} <= set(value)


def summary_text(summary: dict) -> str:
    """One line of a :func:`summarise_documents` summary: counts by check, then the worst documents."""
    checks = "; ".join(f"{label} ({c['documents']:,} docs, {c['rows']:,} rows)"
                       for label, c in list(summary["by_check"].items())[:10])
    worst = ", ".join(summary["worst"])
    more = f" and {summary['more_documents']:,} more" if summary["more_documents"] else ""
    return f"{summary['documents']:,} documents — {checks} — worst: {worst}{more}"


def slack_payload(alert: Alert) -> dict:
    """A Slack incoming-webhook body (``text`` plus ``blocks``) describing ``alert``."""
    icon = ":rotating_light:" if alert.severity == "ERROR" else ":warning:"
    lines = [f"{icon} *Data quality {alert.severity}* — `{alert.check}`", alert.description or ""]
    for key in ("quarantined", "blocking_failures", "warnings"):
        value = alert.details.get(key)
        if value:
            text = summary_text(value) if _is_summary(value) else json.dumps(value, ensure_ascii=False)
            lines.append(f"*{key}*: {text[:1500]}")
    if alert.details.get("rows"):
        lines.append(f"rows: {alert.details['rows']}")
    lines.append(f"run `{alert.run_id}` · alert `{alert.alert_id}`")
    text = "\n".join(line for line in lines if line)
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}}]}


class DeliveryError(RuntimeError):
    """A webhook delivery failed; the message never contains the URL."""


def _safe_error(exc: BaseException) -> str:
    if isinstance(exc, DeliveryError):
        return str(exc)
    return type(exc).__name__  # requests' messages embed the URL


def send_webhook(alert: Alert, settings: WebhookSettings, session: requests.Session | None = None) -> None:
    """POST ``alert`` once; raises :class:`DeliveryError` unless the endpoint answers 2xx."""
    body_obj = slack_payload(alert) if settings.payload_format == "slack" else alert.to_json()
    body = json.dumps(body_obj, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "X-Alert-Id": alert.alert_id}
    if settings.secret:
        timestamp = str(int(time.time()))
        digest = hmac.new(settings.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        headers["X-Alert-Timestamp"] = timestamp
        headers["X-Alert-Signature"] = f"sha256={digest}"
    try:
        response = (session or requests).post(settings.url, data=body, headers=headers, timeout=settings.timeout_seconds)
    except requests.RequestException as exc:
        raise DeliveryError(f"webhook request failed: {type(exc).__name__}") from None
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"webhook answered HTTP {response.status_code}")


class Outbox:
    """The alert outbox: SQLite file with one row per alert and its delivery state."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.db_path = self.folder / "outbox.sqlite3"
        self.log_path = self.folder / "alerts.jsonl"
        con = self._connect()
        try:
            con.executescript(_SCHEMA)
            present = {row[1] for row in con.execute("PRAGMA table_info(alerts)")}
            for column, statement in _ADDED_COLUMNS.items():
                if column not in present:
                    con.execute(statement)
        finally:
            con.close()

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        return con

    def enqueue(self, alerts: list[Alert]) -> int:
        """Add alerts not seen before, in order; returns how many were new.

        A new WARN alert whose fingerprint equals the previous alert of the
        same check is stored as a repeat (``webhook_state = 'repeat'``,
        ``repeat_of`` = the first alert of the series): logged, not sent.
        """
        now = dt.datetime.now(dt.timezone.utc).isoformat()
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            new = 0
            for alert in alerts:
                if con.execute("SELECT 1 FROM alerts WHERE alert_id = ?", [alert.alert_id]).fetchone():
                    continue
                fingerprint = alert.fingerprint()
                previous = con.execute(
                    "SELECT alert_id, fingerprint, repeat_of FROM alerts WHERE check_key = ? ORDER BY rowid DESC LIMIT 1",
                    [alert.check],
                ).fetchone()
                repeat_of = None
                if alert.severity != "ERROR" and previous and previous[1] == fingerprint:
                    repeat_of = previous[2] or previous[0]
                    alert = dataclasses.replace(alert, repeat_of=repeat_of)
                con.execute(
                    "INSERT INTO alerts (alert_id, created_at, payload, check_key, fingerprint, repeat_of, webhook_state) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [alert.alert_id, now, json.dumps(alert.to_json(), ensure_ascii=False), alert.check, fingerprint,
                     repeat_of, "repeat" if repeat_of else "pending"],
                )
                new += 1
            con.execute("COMMIT")
            return new
        finally:
            con.close()

    def write_log(self) -> int:
        """Append every not-yet-logged alert to ``alerts.jsonl`` once; returns how many were appended."""
        con = self._connect()
        try:
            rows = con.execute("SELECT alert_id, payload FROM alerts WHERE logged = 0 ORDER BY rowid").fetchall()
            if not rows:
                return 0
            already = self._logged_ids() if self.log_path.exists() else set()
            fresh = [(i, p) for i, p in rows if i not in already]
            if fresh:
                with open(self.log_path, "a", encoding="utf-8") as handle:
                    for _, payload in fresh:
                        handle.write(payload + "\n")
                    handle.flush()
                    os.fsync(handle.fileno())
            con.executemany("UPDATE alerts SET logged = 1 WHERE alert_id = ?", [(i,) for i, _ in rows])
            return len(fresh)
        finally:
            con.close()

    def _logged_ids(self) -> set[str]:
        ids = set()
        with open(self.log_path, encoding="utf-8") as handle:
            for line in handle:
                try:
                    ids.add(json.loads(line)["alert_id"])
                except (ValueError, KeyError):
                    continue
        return ids

    def deliver_pending(self, settings: WebhookSettings, sender: Callable[[Alert, WebhookSettings], None] = send_webhook) -> tuple[int, int]:
        """Send pending alerts in order, each retried with exponential backoff.

        Stops at the first alert that still fails (the endpoint is likely
        down; the rest wait for the next tick). Returns ``(delivered, failed)``.
        Does nothing when no webhook is configured (alerts stay pending and
        are sent once one is).
        """
        if not settings.url:
            return 0, 0
        con = self._connect()
        delivered = 0
        try:
            rows = con.execute(
                "SELECT alert_id, payload FROM alerts WHERE webhook_state = 'pending' ORDER BY rowid"
            ).fetchall()
            for alert_id, payload in rows:
                alert = Alert(**json.loads(payload))
                tries = 0

                def attempt():
                    nonlocal tries
                    tries += 1
                    sender(alert, settings)

                retrying = backoff.on_exception(
                    backoff.expo, Exception, max_tries=settings.max_tries, factor=settings.backoff_seconds,
                    jitter=None, logger=None, raise_on_giveup=True,
                )(attempt)
                try:
                    retrying()
                except Exception as exc:  # noqa: BLE001 - recorded, retried next tick
                    error = _safe_error(exc)
                    con.execute("UPDATE alerts SET attempts = attempts + ?, last_error = ? WHERE alert_id = ?",
                                [tries, error, alert_id])
                    log.warning("Alert %s not delivered after %d tries (%s); retrying on the next tick.", alert_id, tries, error)
                    return delivered, 1
                con.execute(
                    "UPDATE alerts SET webhook_state = 'delivered', attempts = attempts + ?, last_error = NULL, "
                    "delivered_at = ? WHERE alert_id = ?",
                    [tries, dt.datetime.now(dt.timezone.utc).isoformat(), alert_id],
                )
                delivered += 1
            return delivered, 0
        finally:
            con.close()

    def states(self) -> list[dict]:
        """Every alert's delivery state (for tests and inspection)."""
        con = self._connect()
        try:
            cur = con.execute("SELECT alert_id, logged, webhook_state, attempts, last_error, delivered_at, repeat_of FROM alerts ORDER BY rowid")
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]
        finally:
            con.close()
