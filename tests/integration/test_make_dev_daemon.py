"""`make dev` end to end: the UI and the daemon as a user starts them, a file dropped into the inbox,
the alert of its warning arriving once at a webhook on localhost.

Runs the real `make dev` (dg dev: webserver, code server, daemon with the inbox and alert sensors)
on a temporary WAREHOUSE_DIR, so the instance is the one the Makefile configures (SQLite storage,
event log sharded per run). Also checks over the UI's GraphQL API that the code location is named
as in pyproject.toml.
"""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from devtools.bench_daemon import free_port, start_make_dev, stop_make_dev
from tests.integration.test_quality_gate import SEED_003, WARNING_FAULT, Webhook, planted

pytestmark = pytest.mark.slow

LOCATIONS = "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus } } } }"


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["data"]


def wait_for(condition, timeout: float, what: str, process):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
            if value:
                return value
        except OSError:
            pass
        assert process.poll() is None, f"make dev exited while waiting for {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(2)


def test_make_dev_sends_the_alert_of_a_dropped_file_once(tmp_path):
    port = free_port()
    hook = Webhook()
    warehouse = tmp_path / "warehouse"
    # make dev as a user starts it (DAGSTER_HOME and INBOX_DIR derived from WAREHOUSE_DIR by the Makefile)
    process = start_make_dev(warehouse, port, tmp_path / "make_dev.log",
                             extra_env={"ALERT_WEBHOOK_URL": hook.url, "ALERT_WEBHOOK_FORMAT": "json"})
    try:
        entries = wait_for(lambda: [e for e in graphql(port, LOCATIONS)["workspaceOrError"]["locationEntries"]
                                    if e["loadStatus"] == "LOADED"], 300, "the code location", process)
        assert [e["name"] for e in entries] == ["budget_targets"]

        time.sleep(40)  # the alert sensor's first tick (cursor set) happens before the drop
        inbox = warehouse / "inbox"
        inbox.mkdir(parents=True, exist_ok=True)
        partial = inbox / ".warning_code_2_31.txt.part"
        partial.write_text(planted(SEED_003.read_text("utf-8"), *WARNING_FAULT), "utf-8")
        partial.rename(inbox / "warning_code_2_31.txt")

        def gate_alert():
            return [r for r in hook.delivered if r["body"]["check"] == "staged_documents:gx_document_gate"
                    and "warning_code_2_31.txt" in json.dumps(r["body"]["details"], ensure_ascii=False)]

        (alert,) = wait_for(gate_alert, 600, "the alert at the webhook", process)
        assert alert["body"]["severity"] == "WARN"
        time.sleep(75)  # two more ticks of the alert sensor (30 s): nothing is sent again
        assert len(gate_alert()) == 1
        ids = [r["headers"]["X-Alert-Id"] for r in hook.requests]
        assert len(ids) == len(set(ids))
        logged = [json.loads(line) for line in (warehouse / "alerts" / "alerts.jsonl").read_text("utf-8").splitlines()]
        assert alert["body"]["alert_id"] in {a["alert_id"] for a in logged}
        import dagster as dg

        with dg.DagsterInstance.from_config(str(warehouse / ".dagster")) as instance:
            run = instance.get_run_by_id(alert["body"]["run_id"])
            assert run.tags["document/file"] == "warning_code_2_31.txt"  # next to document/id (the hash)
    finally:
        stop_make_dev(process)  # the whole tree, also code servers and run workers in their own sessions
        hook.close()
