"""Alerts at any size (issue 29): 1,000 documents' warnings make one bounded alert with the right counts.

The gate's real check result (``gate_check_result``) over 1,000 synthetic document verdicts whose
warnings are the warning-severity expectations of the real suite ``staging_performance_indicators``
goes through the alert sensor's own translation (``alert_from_evaluation``). Before issue 29 the
alert inlined every document's warnings (396 KB for 1,000 documents in the issue's measurement).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import dagster as dg

from orchestration.alerts import WORST_DOCUMENTS, Outbox, slack_payload
from orchestration.defs.alerting.sensors import _DETAIL_KEYS, _plain, alert_from_evaluation
from orchestration.defs.quality.checks import gate_check_result
from orchestration.quality.gate import DocumentVerdict, GateReport

SUITE = Path(__file__).resolve().parents[2] / "expectations" / "gx" / "expectations" / "staging_performance_indicators.json"
DOCUMENTS = 1_000
MAX_ALERT_BYTES = 20_000


def warning_labels() -> list[str]:
    """``suite.expectation(column)`` of the suite's warning-severity expectations (the gate's label format)."""
    stored = json.loads(SUITE.read_text("utf-8"))["expectations"]
    return [f"staging_performance_indicators.{e['type']}({e['kwargs'].get('column') or ''})"
            for e in stored if e.get("severity") == "warning"]


def synthetic_report(labels: list[str]) -> GateReport:
    """1,000 passed documents; document i warns on ``1 + i % len(labels)`` expectations, ``i % 7 + 1`` rows each;
    one document in 100 is quarantined on the first label."""
    verdicts = []
    for i in range(DOCUMENTS):
        name = f"{i:04d}_部门项目支出绩效目标表.pdf"
        warned = tuple((label, i % 7 + 1) for label in labels[: 1 + i % len(labels)])
        if i % 100 == 0:
            verdicts.append(DocumentVerdict(f"id{i}", name, "quarantined", ((labels[0], 3),), warned, "gate"))
        else:
            verdicts.append(DocumentVerdict(f"id{i}", name, "passed", (), warned, None))
    return GateReport(tuple(verdicts), ())


def evaluation_of(result: dg.AssetCheckResult) -> dg.AssetCheckEvaluation:
    return dg.AssetCheckEvaluation(asset_key=result.asset_key, check_name=result.check_name, passed=result.passed,
                                   metadata=result.metadata, severity=result.severity, description=result.description)


def test_the_alert_of_1000_documents_is_bounded_and_counts_right(tmp_path):
    labels = warning_labels()
    assert len(labels) >= 4  # the real suite has several warning expectations
    report = synthetic_report(labels)
    evaluation = evaluation_of(gate_check_result(report))
    alert = alert_from_evaluation(evaluation, "run-1", 1_765_000_000.0)

    size = len(json.dumps(alert.to_json(), ensure_ascii=False).encode("utf-8"))
    inlined = {k: _plain(evaluation.metadata[k]) for k in _DETAIL_KEYS if k in evaluation.metadata}
    before = len(json.dumps({**alert.to_json(), "details": inlined}, ensure_ascii=False).encode("utf-8"))
    print(f"alert of {DOCUMENTS} documents: {before:,} bytes inlined → {size:,} bytes summarised")
    assert size < MAX_ALERT_BYTES < before

    warnings = alert.details["warnings"]
    assert warnings["documents"] == DOCUMENTS
    expected = Counter()
    rows = Counter()
    for verdict in report.verdicts:
        for label, n in verdict.warnings:
            expected[label] += 1
            rows[label] += n
    assert {label: (c["documents"], c["rows"]) for label, c in warnings["by_check"].items()} == {
        label: (expected[label], rows[label]) for label in expected}
    assert warnings["by_check"][labels[0]]["documents"] == DOCUMENTS  # every document warns on the first
    # the worst documents: most failing rows (every label, 7 rows each), named with their items
    worst = list(warnings["worst"])
    assert len(worst) == WORST_DOCUMENTS and warnings["more_documents"] == DOCUMENTS - WORST_DOCUMENTS
    top = max(sum(n for _, n in v.warnings) for v in report.verdicts)
    assert all(sum(n for _, n in v.warnings) == top for v in report.verdicts if v.file_name in worst)
    assert alert.details["quarantined"]["documents"] == DOCUMENTS // 100
    assert "quality.expectation_results WHERE run_id = 'run-1'" in alert.details["rows"]

    # the Slack text names the counts and the worst document, and stays within Slack's block limit
    text = slack_payload(alert)["text"]
    assert f"{DOCUMENTS:,} documents" in text and worst[0] in text

    # a different set of documents is a different alert (never logged as a repeat of this one)
    other = synthetic_report(labels[::-1])
    other_alert = alert_from_evaluation(evaluation_of(gate_check_result(other)), "run-2", 1_765_000_100.0)
    assert other_alert.fingerprint() != alert.fingerprint()
    outbox = Outbox(tmp_path / "alerts")
    assert outbox.enqueue([alert, other_alert]) == 2
    assert [s["webhook_state"] for s in outbox.states()] == ["pending", "pending"]


def test_a_small_alert_keeps_every_document():
    labels = warning_labels()
    verdicts = (DocumentVerdict("a", "003.txt", "passed", (), ((labels[0], 2),), None),)
    alert = alert_from_evaluation(evaluation_of(gate_check_result(GateReport(verdicts, ()))), "run-3", 0.0)
    assert alert.details["warnings"]["worst"] == {"003.txt": [f"{labels[0]}: 2 rows"]}
    assert alert.details["warnings"]["more_documents"] == 0
