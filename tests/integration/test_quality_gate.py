"""The GX gate end to end: documents with planted faults, quarantine vs warning, marts, Data Docs, alerts.

One Dagster instance and one warehouse for the module:

1. a clean run over seeds 003 and 004 (snapshot of the marts);
2. a run over four faulty copies of seed 003 (subtotal off by 1.00, a missing
   amount, an empty target, a duplicate project): each is quarantined, the
   marts are unchanged;
3. a run over seed 003 with an indicator coded 2/31: loaded, with a warning.

The alert tests then tick the real ``quality_alert_sensor`` over that
instance's event log against an HTTP server on localhost.
"""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import dagster as dg
import pytest

from orchestration.quality import runner as quality
from orchestration.defs.alerting.sensors import quality_alert_sensor, run_alert_tick
from orchestration.alerts import Outbox, WebhookSettings
from orchestration.batch import run_batch
from orchestration.definitions import build_definitions
from orchestration.resources import WarehouseResource
from tests.conftest import SAMPLES_DIR
from tests.pipeline import query

#: End-to-end runs of a minute or more each: the slow tier (`make test-slow`).
pytestmark = pytest.mark.slow

SEED_003 = SAMPLES_DIR / "003_cd7a85ae5b49b932.txt"
SEED_004 = SAMPLES_DIR / "004_1eb0d3f2a58e12d2.txt"
UNIT_LINE = "中共广州市委网络安全和信息化委员会办公室\t4,781.08\t4,781.08"
PROJECT_AMOUNTS = "专项工作经费\t456.34\t456.34"

#: file name → (original text, planted text); each must occur exactly once in seed 003.
BLOCKING_FAULTS = {
    "fault_subtotal.txt": (UNIT_LINE, "中共广州市委网络安全和信息化委员会办公室\t4,782.08\t4,782.08"),
    "fault_missing_amount.txt": (PROJECT_AMOUNTS, "专项工作经费\t\t456.34"),
    "fault_empty_target.txt": ("网信广州网站信息内容无差错率；实施周期指标值：100%；年度指标值：100%。",
                               "网信广州网站信息内容无差错率；实施周期指标值：；年度指标值：。"),
}
WARNING_FAULT = ("2、3-满意度指标；31-服务对象满意度；培训对象满意度", "2、2-效益指标；31-服务对象满意度；培训对象满意度")

MART_SNAPSHOT_SQL = {
    "fct_project_budget": "SELECT * FROM marts.fct_project_budget ORDER BY project_key",
    "fct_indicator_target": "SELECT indicator_key, annual_target FROM marts.fct_indicator_target ORDER BY indicator_key",
    "dim_department": "SELECT * FROM marts.dim_department ORDER BY department_key",
}


def planted(text: str, original: str, replacement: str) -> str:
    assert text.count(original) == 1, original
    return text.replace(original, replacement)


def duplicated_project(text: str) -> str:
    """Seed 003 with the first 专项工作经费 row printed twice (no page break between them)."""
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(PROJECT_AMOUNTS))
    return "\n".join(lines[: index + 1] + [lines[index]] + lines[index + 1:])


def gate_evaluation(batch):
    (evaluation,) = [e for e in batch.check_evaluations() if e.check_name == "gx_document_gate"]
    return evaluation


@pytest.fixture(scope="module")
def gated(tmp_path_factory):
    root = tmp_path_factory.mktemp("gate")
    warehouse_dir = root / "warehouse"
    resource = WarehouseResource(warehouse_dir=str(warehouse_dir), inbox_dir=str(root / "inbox"))
    defs = build_definitions(resource)
    instance = dg.DagsterInstance.ephemeral()
    text = SEED_003.read_text("utf-8")

    clean = root / "clean"
    clean.mkdir()
    for seed in (SEED_003, SEED_004):
        shutil.copy(seed, clean / seed.name)
    first = run_batch(defs, instance, clean)
    snapshot = {name: query(warehouse_dir, sql) for name, sql in MART_SNAPSHOT_SQL.items()}

    faulty = root / "faulty"
    faulty.mkdir()
    for name, (original, replacement) in BLOCKING_FAULTS.items():
        (faulty / name).write_text(planted(text, original, replacement), "utf-8")
    (faulty / "fault_duplicate_project.txt").write_text(duplicated_project(text), "utf-8")
    second = run_batch(defs, instance, faulty)
    after_faults = {name: query(warehouse_dir, sql) for name, sql in MART_SNAPSHOT_SQL.items()}

    warned = root / "warned"
    warned.mkdir()
    (warned / "warning_code_2_31.txt").write_text(planted(text, *WARNING_FAULT), "utf-8")
    third = run_batch(defs, instance, warned)
    return {
        "root": root, "warehouse_dir": warehouse_dir, "resource": resource, "instance": instance,
        "runs": (first, second, third), "snapshot": snapshot, "after_faults": after_faults, "faulty": faulty,
    }


def test_clean_seeds_pass_the_gate_with_their_warnings(gated):
    first = gated["runs"][0]
    assert first.success and not first.blocking_failures()
    evaluation = gate_evaluation(first)
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
    assert evaluation.metadata["quarantined"].value == {}
    warnings = evaluation.metadata["warnings"].value
    # seed 003: rounding in the source (合计 and a unit 0.01 apart) is a warning, not a block
    assert "staging_reconciliation.expect_column_values_to_be_between(difference_cents): 3 rows" in warnings[SEED_003.name]
    assert "staging_budget_lines.expect_column_values_to_be_between(parts_gap_cents): 1 rows" in warnings[SEED_003.name]
    assert query(gated["warehouse_dir"], "SELECT file_name, status FROM raw.documents WHERE file_name LIKE '00%' ORDER BY 1") == [
        (SEED_003.name, "loaded"), (SEED_004.name, "loaded")]


def test_planted_errors_quarantine_their_document(gated):
    second = gated["runs"][1]
    assert second.success, "a quarantined document does not fail the run"
    assert not second.blocking_failures(), "blocking checks pass: the bad documents are out of the marts"
    wh = gated["warehouse_dir"]
    rows = dict(query(wh, "SELECT file_name, status || ': ' || coalesce(error, '') FROM raw.documents WHERE file_name LIKE 'fault_%'"))
    assert set(rows) == {*BLOCKING_FAULTS, "fault_duplicate_project.txt"}
    # an empty 总计 is refused by the parser already (issue 8); every other fault by the GX gate
    assert rows["fault_missing_amount.txt"].startswith("quarantined: fault_missing_amount.txt: "), rows
    assert "has no 总计 amount" in rows["fault_missing_amount.txt"]
    gated_rows = {name: v for name, v in rows.items() if name != "fault_missing_amount.txt"}
    assert all(v.startswith(f"quarantined: {name}: Failed the data-quality gate") for name, v in gated_rows.items()), rows
    assert "staging_reconciliation.expect_column_values_to_be_between(difference_cents)" in rows["fault_subtotal.txt"]
    assert "staging_performance_indicators.expect_column_values_to_be_in_set(has_target)" in rows["fault_empty_target.txt"]
    assert ("staging_budget_lines.expect_compound_columns_to_be_unique(document_id,spending_unit,project_name)"
            in rows["fault_duplicate_project.txt"])
    # kept in quarantine/ with a reason, the input folder untouched
    reasons = {json.loads(p.read_text("utf-8"))["file_name"]: json.loads(p.read_text("utf-8"))["reason"]
               for p in (wh / "quarantine").glob("*.reason.json")}
    assert set(reasons) == set(rows)
    assert sorted(p.name for p in gated["faulty"].iterdir()) == sorted(rows)
    # the failing expectations are recorded per document
    recorded = query(wh, "SELECT DISTINCT file_name FROM quality.expectation_results WHERE severity = 'critical'")
    assert {r[0] for r in recorded} == set(gated_rows)
    evaluation = gate_evaluation(second)
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
    assert set(evaluation.metadata["quarantined"].value) == set(gated_rows)  # the gate check lists what the gate quarantined


def test_marts_are_unchanged_by_blocked_documents(gated):
    assert gated["after_faults"] == gated["snapshot"]
    summary = dict(query(gated["warehouse_dir"],
                         "SELECT file_name, projects FROM marts.rpt_document_summary WHERE file_name LIKE 'fault_%'"))
    assert summary and set(summary.values()) == {0}


def test_code_2_31_is_a_warning_and_the_document_loads(gated):
    third = gated["runs"][2]
    assert third.success and not third.blocking_failures()
    evaluation = gate_evaluation(third)
    assert evaluation.metadata["quarantined"].value == {}
    warnings = evaluation.metadata["warnings"].value["warning_code_2_31.txt"]
    # seed 003 has two 2/31 rows of its own; the planted one is the third
    assert "staging_performance_indicators.expect_column_values_to_be_in_set(taxonomy_consistent): 3 rows" in warnings
    assert query(gated["warehouse_dir"], "SELECT status FROM raw.documents WHERE file_name = 'warning_code_2_31.txt'") == [("loaded",)]


def test_data_docs_show_the_failure(gated):
    pages = gate_evaluation(gated["runs"][1]).metadata["data_docs"].value
    page = Path(pages["staging_reconciliation"])
    assert page.is_file() and str(page).startswith(str(quality.DATA_DOCS_DIR))
    html = page.read_text("utf-8")
    assert "difference_cents" in html and "fault_subtotal.txt" in html
    index = page.parents[4] / "index.html"
    assert index.is_file()
    link = gate_evaluation(gated["runs"][1]).metadata["data_docs/staging_reconciliation"]
    assert link.value == page.as_uri()  # a clickable link in the Dagster UI


# ---------------------------------------------------------------------------
# Alerts: a real HTTP server on localhost
# ---------------------------------------------------------------------------


class Webhook:
    """A local HTTP endpoint that records POSTs; answers 500 to the first ``fail_first`` requests."""

    def __init__(self, fail_first: int = 0):
        self.fail_first = fail_first
        self.requests: list[dict] = []
        self.delivered: list[dict] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                record = {"headers": dict(self.headers), "body": json.loads(body)}
                hook.requests.append(record)
                status = 500 if len(hook.requests) <= hook.fail_first else 200
                if status == 200:
                    hook.delivered.append(record)
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/quality"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook():
    hook = Webhook()
    yield hook
    hook.close()


def sensor_tick(gated, cursor):
    context = dg.build_sensor_context(
        instance=gated["instance"], cursor=cursor, resources={"warehouse": gated["resource"]},
        sensor_name=quality_alert_sensor.name,
    )
    return quality_alert_sensor(context)


def failed_evaluations(gated) -> list:
    return [e for run in gated["runs"] for e in run.check_evaluations() if not e.passed]


def test_stored_validation_results_are_pruned_to_the_newest(gated, monkeypatch):
    """GX keeps every result unless pruned; after a run only the newest KEEP per suite remain, with their pages."""
    import duckdb

    from orchestration.quality import runner, store as gx_store

    monkeypatch.setattr(gx_store, "KEEP_VALIDATIONS_PER_SUITE", 2)
    store = gx_store.GX_DATA_DIR / "validations"
    con = duckdb.connect(str(gated["warehouse_dir"] / "warehouse.duckdb"), read_only=True)
    try:
        for _ in range(3):
            outcomes = runner.run_suites(con, ["staging_documents"])
    finally:
        con.close()
    kept = sorted((store / "staging_documents").rglob("*.json"))
    assert len(kept) == 2
    page = Path(outcomes[0].data_docs_page)
    assert page.is_file()  # the newest result keeps its Data Docs page
    pages = sorted((runner.DATA_DOCS_DIR / "validations" / "staging_documents").rglob("*.html"))
    assert len(pages) == 2 and page in pages


def test_prune_validation_results_keeps_the_newest_by_time(tmp_path):
    import os

    from orchestration.quality.store import prune_validation_results

    store = tmp_path / "validations" / "suite_a"
    site = tmp_path / "data_docs" / "local_site" / "validations" / "suite_a"
    for n in range(5):
        for root, suffix in ((store, ".json"), (site, ".html")):
            path = root / "__none__" / f"2026112{n}T000000Z" / f"batch{suffix}"
            path.parent.mkdir(parents=True)
            path.write_text("{}")
            os.utime(path, (1_000_000 + n, 1_000_000 + n))
    other = tmp_path / "validations" / "suite_b" / "r" / "t" / "b.json"
    other.parent.mkdir(parents=True)
    other.write_text("{}")
    assert prune_validation_results(keep=2, suites=["suite_a"], data_dir=tmp_path) == 3
    assert sorted(p.parent.name for p in store.rglob("*.json")) == ["20261123T000000Z", "20261124T000000Z"]
    assert sorted(p.parent.name for p in site.rglob("*.html")) == ["20261123T000000Z", "20261124T000000Z"]
    assert len([p for p in store.rglob("*") if p.is_dir()]) == 3  # __none__ + two run folders: empty ones removed
    assert other.is_file()  # suites not named are left alone
    with pytest.raises(ValueError):
        prune_validation_results(keep=0, data_dir=tmp_path)


def test_sensor_sends_each_failure_once_to_log_and_webhook(gated, webhook, monkeypatch):
    monkeypatch.setenv("ALERT_WEBHOOK_URL", webhook.url)
    monkeypatch.setenv("ALERT_WEBHOOK_SECRET", "test-secret-not-real")
    expected = failed_evaluations(gated)
    assert len(expected) >= 3  # the gate check of each of the three runs
    first = sensor_tick(gated, None)
    # a tick reads at most defs/alerting/sensors.BATCH_LIMIT evaluations (every dbt test is an asset check too):
    # tick until the cursor stops moving, then one more tick must find nothing new
    for _ in range(20):
        following = sensor_tick(gated, first.cursor)
        if following.cursor == first.cursor:
            break
        first = following
    second = sensor_tick(gated, first.cursor)
    assert second.cursor == first.cursor
    repeats = [s for s in Outbox(gated["warehouse_dir"] / "alerts").states() if s["webhook_state"] == "repeat"]
    assert len(webhook.delivered) + len(repeats) == len(expected)
    assert len(webhook.delivered) == len(webhook.requests)
    ids = [r["headers"]["X-Alert-Id"] for r in webhook.delivered]
    assert len(set(ids)) == len(ids)
    quarantine_alert = next(r for r in webhook.delivered if "fault_subtotal.txt" in r["body"]["text"])
    assert quarantine_alert["body"]["blocks"][0]["type"] == "section"
    assert quarantine_alert["headers"]["X-Alert-Signature"].startswith("sha256=")
    log_lines = (gated["warehouse_dir"] / "alerts" / "alerts.jsonl").read_text("utf-8").splitlines()
    assert sorted(json.loads(line)["alert_id"] for line in log_lines) == sorted(ids + [r["alert_id"] for r in repeats])
    # neither the URL nor the secret is stored
    stored = (gated["warehouse_dir"] / "alerts" / "outbox.sqlite3").read_bytes() + "\n".join(log_lines).encode()
    assert webhook.url.encode() not in stored and b"test-secret-not-real" not in stored


def test_failed_delivery_is_retried_on_the_next_tick_and_sent_once(gated, tmp_path):
    hook = Webhook(fail_first=3)
    try:
        settings = WebhookSettings(url=hook.url, payload_format="json", max_tries=2, backoff_seconds=0.01)
        outbox = Outbox(tmp_path / "alerts")
        cursor, counts = run_alert_tick(gated["instance"], outbox, None, settings)
        assert counts["delivered"] == 0 and counts["failed_deliveries"] == 1
        assert len(hook.requests) == 2 and hook.delivered == []
        state = outbox.states()[0]
        assert state["webhook_state"] == "pending" and state["attempts"] == 2
        assert state["last_error"] == "webhook answered HTTP 500" and hook.url not in (state["last_error"] or "")
        cursor, counts = run_alert_tick(gated["instance"], outbox, cursor, settings)  # recovers on the 2nd try
        cursor, counts = run_alert_tick(gated["instance"], outbox, cursor, settings)
        assert counts == {"runs": 0, "new": 0, "logged": 0, "delivered": 0, "failed_deliveries": 0}
        delivered_ids = [r["body"]["alert_id"] for r in hook.delivered]
        repeats = [s["alert_id"] for s in outbox.states() if s["webhook_state"] == "repeat"]
        assert len(delivered_ids) == len(set(delivered_ids)) == len(failed_evaluations(gated)) - len(repeats)
        assert all(s["webhook_state"] in ("delivered", "repeat") for s in outbox.states())
        assert len((tmp_path / "alerts" / "alerts.jsonl").read_text("utf-8").splitlines()) == len(delivered_ids) + len(repeats)
    finally:
        hook.close()


def _alert(n: int, check: str = "staging/documents:gx_document_gate", severity: str = "WARN", warnings=None):
    from orchestration.alerts import Alert

    return Alert(alert_id=f"run{n}/{check}", severity=severity, check=check, run_id=f"run{n}",
                 description=f"{n} document(s) validated", occurred_at="2026-11-22T00:00:00+00:00",
                 details={"warnings": warnings if warnings is not None else {"003.txt": ["no unit: 2 rows"]},
                          "documents_validated": n, "data_docs": {"suite": f"/docs/run{n}.html"}})


def test_identical_warn_alerts_are_logged_as_repeats_and_sent_once(tmp_path, webhook):
    """The same warnings on the same documents every batch run: one message, then repeats in the log only."""
    outbox = Outbox(tmp_path / "alerts")
    changed = {"003.txt": ["no unit: 2 rows"], "004.txt": ["taxonomy: 1 rows"]}
    alerts = [
        _alert(1), _alert(2), _alert(3),          # 2 and 3 repeat 1 (documents_validated and data_docs differ)
        _alert(4, warnings=changed),              # a change: sent
        _alert(5),                                # differs from the previous alert of the check: sent again
        _alert(6, check="marts/x:gx", severity="ERROR"), _alert(7, check="marts/x:gx", severity="ERROR"),  # ERROR: always sent
    ]
    assert outbox.enqueue(alerts) == 7
    assert outbox.enqueue(alerts[:2]) == 0  # idempotent
    assert outbox.write_log() == 7
    settings = WebhookSettings(url=webhook.url, payload_format="json", max_tries=1, backoff_seconds=0.01)
    assert outbox.deliver_pending(settings) == (5, 0)
    assert [r["body"]["alert_id"] for r in webhook.delivered] == [a.alert_id for a in (alerts[0], *alerts[3:])]
    states = {s["alert_id"]: s for s in outbox.states()}
    assert states["run2/staging/documents:gx_document_gate"]["repeat_of"] == "run1/staging/documents:gx_document_gate"
    assert states["run3/staging/documents:gx_document_gate"]["repeat_of"] == "run1/staging/documents:gx_document_gate"
    assert {s["webhook_state"] for s in states.values()} == {"delivered", "repeat"}
    logged = [json.loads(line) for line in (tmp_path / "alerts" / "alerts.jsonl").read_text("utf-8").splitlines()]
    assert [entry.get("repeat_of") for entry in logged] == [None, alerts[0].alert_id, alerts[0].alert_id, None, None, None, None]


def test_an_outbox_from_before_repeats_is_upgraded_in_place(tmp_path):
    import sqlite3

    folder = tmp_path / "alerts"
    folder.mkdir()
    con = sqlite3.connect(folder / "outbox.sqlite3")
    con.executescript("""CREATE TABLE alerts (alert_id TEXT PRIMARY KEY, created_at TEXT NOT NULL, payload TEXT NOT NULL,
        logged INTEGER NOT NULL DEFAULT 0, webhook_state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT, delivered_at TEXT);
        INSERT INTO alerts (alert_id, created_at, payload, webhook_state) VALUES ('old', '2026-01-01', '{}', 'delivered');""")
    con.commit()
    con.close()
    outbox = Outbox(folder)
    assert outbox.enqueue([_alert(1)]) == 1
    assert [s["alert_id"] for s in outbox.states()] == ["old", "run1/staging/documents:gx_document_gate"]


def test_gate_reconciliation_agrees_with_dbt_int_budget_reconciliation(gated):
    """The gate must reconcile before dbt runs, so it renders dbt's macros (budget_hierarchy.sql) over the
    raw rows instead of reading the model; the result equals int_budget_reconciliation row for row (seed 003
    has real 0.01 differences, so the comparison is not trivial)."""
    import duckdb

    from orchestration.quality.runner import suite_frame

    con = duckdb.connect(str(gated["warehouse_dir"] / "warehouse.duckdb"), read_only=True)
    try:
        dbt_rows = con.execute(
            "SELECT document_id, parent_line_no, amount_column, CAST(round(difference * 100) AS BIGINT) "
            "FROM intermediate.int_budget_reconciliation"
        ).fetchall()
        documents = sorted({r[0] for r in dbt_rows})
        gate = suite_frame(con, "staging_reconciliation", documents)
    finally:
        con.close()
    gate_rows = {(r.document_id, int(r.parent_line_no), r.amount_column, int(r.difference_cents))
                 for r in gate.itertuples()}
    assert len(documents) >= 2
    assert gate_rows == set(dbt_rows)
    assert any(cents != 0 for *_, cents in dbt_rows)


def test_passing_suites_leave_their_pages_to_gx_data_docs_and_blocking_ones_build_them_at_once(gated):
    """Issue 19: the Data Docs of validations without a critical failure are built after publish (asset
    gx_data_docs) or by the alert sensor, not in each check; a critical failure (it blocks the run) at once."""
    import duckdb

    from orchestration.quality import runner

    con = duckdb.connect(str(gated["warehouse_dir"] / "warehouse.duckdb"), read_only=True)
    try:
        (quarantined,) = con.execute(
            "SELECT list(document_id) FROM raw.documents WHERE status = 'quarantined' AND error LIKE '%data-quality gate%'"
        ).fetchone()
        runner.build_pending_data_docs()  # what the fixture's runs left, if anything
        passing = runner.run_suites(con, ["staging_documents"], defer_docs=True)
        failing = runner.run_suites(con, ["staging_budget_lines"], quarantined, defer_docs=True)
    finally:
        con.close()
    assert all(o.success for o in passing[0].outcomes)
    page = Path(passing[0].data_docs_page)
    assert not page.exists()  # where it will be, not built yet
    pending = json.loads((runner.GX_DATA_DIR / runner.PENDING_DOCS_FILE).read_text("utf-8"))
    assert len(pending) == 1 and pending[0][0] == "staging_documents"
    assert failing[0].blocking_failures  # a critical expectation fails on the quarantined document
    assert Path(failing[0].data_docs_page).is_file()  # a failure's page is there for its alert at once
    assert runner.build_pending_data_docs() == 1
    assert page.is_file() and not (runner.GX_DATA_DIR / runner.PENDING_DOCS_FILE).exists()
    assert runner.build_pending_data_docs() == 0
