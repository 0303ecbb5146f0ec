"""The versioned GX artefacts agree with their authoring code and the taxonomy; alert helpers keep secrets out."""

from __future__ import annotations

import hashlib
import hmac
import json

from orchestration.alerts import Alert, WebhookSettings, send_webhook, slack_payload
from orchestration.devtools.gx_suites import suite_definitions, taxonomy_codes
from orchestration.quality import SUITES
from orchestration.settings import EXPECTATIONS_DIR

GX = EXPECTATIONS_DIR / "gx"


def test_every_suite_has_its_json_validation_definition_and_checkpoint():
    for name in SUITES:
        for folder in ("expectations", "validation_definitions", "checkpoints"):
            assert (GX / folder / f"{name}.json").is_file(), (folder, name)


def test_committed_suites_match_the_authoring_script():
    """Re-run `python -m orchestration.devtools.gx_suites` when this fails."""
    for name, (_, expectations) in suite_definitions().items():
        stored = json.loads((GX / "expectations" / f"{name}.json").read_text("utf-8"))["expectations"]
        expected = [(e.expectation_type, e.severity.value if hasattr(e.severity, "value") else e.severity) for e in expectations]
        assert [(e["type"], e["severity"]) for e in stored] == expected, name


def test_taxonomy_value_sets_are_the_dbt_seed():
    level1, level2 = taxonomy_codes()
    stored = json.loads((GX / "expectations" / "staging_performance_indicators.json").read_text("utf-8"))["expectations"]
    sets = {e["kwargs"]["column"]: e["kwargs"]["value_set"] for e in stored if e["type"] == "expect_column_values_to_be_in_set"}
    assert sets["level1_code"] == level1 == ["1", "2", "3"]
    assert sets["level2_code"] == level2


ALERT = Alert(alert_id="run-1/staging/documents:gx_document_gate", severity="WARN", check="staging/documents:gx_document_gate",
              run_id="run-1", description="1 quarantined", details={"quarantined": {"a.txt": ["x: 1 rows"]}},
              occurred_at="2024-01-01T00:00:00+00:00")


def test_slack_payload_names_the_check_and_the_quarantined_file():
    payload = slack_payload(ALERT)
    assert set(payload) == {"text", "blocks"}
    assert "gx_document_gate" in payload["text"] and "a.txt" in payload["text"]


def test_webhook_body_is_signed_and_settings_never_print_the_url():
    sent = {}

    class Session:
        def post(self, url, data, headers, timeout):
            sent.update(url=url, data=data, headers=headers)
            return type("R", (), {"status_code": 204})()

    settings = WebhookSettings(url="https://hooks.example.invalid/T000/SECRETPATH", secret="s3cret", payload_format="json")
    send_webhook(ALERT, settings, session=Session())
    expected = hmac.new(b"s3cret", sent["headers"]["X-Alert-Timestamp"].encode() + b"." + sent["data"], hashlib.sha256).hexdigest()
    assert sent["headers"]["X-Alert-Signature"] == f"sha256={expected}"
    assert json.loads(sent["data"])["alert_id"] == ALERT.alert_id
    assert "SECRETPATH" not in repr(settings) and "s3cret" not in repr(settings)
