"""The versioned GX artefacts agree with their authoring code and the taxonomy; alert helpers keep secrets out."""

from __future__ import annotations

import hashlib
import hmac
import json

from orchestration.alerts import Alert, WebhookSettings, send_webhook, slack_payload
from orchestration.quality.runner import gx_context
from orchestration.quality.suites import SUITES, taxonomy_codes
from orchestration.settings import EXPECTATIONS_DIR

GX = EXPECTATIONS_DIR / "gx"


def test_every_suite_has_its_json_validation_definition_and_checkpoint():
    for name in SUITES:
        for folder in ("expectations", "validation_definitions", "checkpoints"):
            assert (GX / folder / f"{name}.json").is_file(), (folder, name)


def _comparable(expectation) -> dict:
    """An expectation's whole configuration (type, kwargs, row condition, severity, notes, meta) without its id.

    GX 1.24 reads a stored pandas row condition back as ``{"type": "pass_through", "pass_through_filter": …}``
    while a new expectation keeps the string: the same condition, spelled once here."""
    config = expectation.configuration.to_json_dict()
    config.pop("id", None)
    condition = config["kwargs"].get("row_condition")
    if isinstance(condition, dict) and condition.get("type") == "pass_through":
        config["kwargs"]["row_condition"] = condition["pass_through_filter"]
    return config


def test_committed_suites_match_their_definitions():
    """Re-run `python -m devtools.gx_suites` when this fails."""
    context = gx_context()
    for name, spec in SUITES.items():
        stored = context.suites.get(name)
        assert [_comparable(e) for e in stored.expectations] == [_comparable(e) for e in spec.expectations()], name
        assert (stored.meta["description"], stored.meta["scope"]) == (spec.description, spec.scope), name
        checkpoint = json.loads((GX / "checkpoints" / f"{name}.json").read_text("utf-8"))
        assert checkpoint["result_format"] == spec.result_format and checkpoint["actions"] == [], name


def test_writing_the_suites_elsewhere_leaves_the_repository_json_alone(tmp_path):
    """The generator writes into the context it is given and never deletes a checked-in file."""
    import shutil

    from devtools.gx_suites import FOLDERS, write_context

    checked_in = [GX / "great_expectations.yml", *(p for f in FOLDERS for p in sorted((GX / f).glob("*.json")))]
    before = {p: p.read_bytes() for p in checked_in}
    shutil.copytree(GX, tmp_path / "gx", ignore=shutil.ignore_patterns("node_modules", "uncommitted"))
    (tmp_path / "gx" / "expectations" / "retired_suite.json").write_text("{}", "utf-8")
    assert write_context(tmp_path) == ["retired_suite"]
    assert {p: p.read_bytes() for p in checked_in if p.is_file()} == before
    assert (tmp_path / "gx" / "expectations" / "retired_suite.json").is_file()


def test_taxonomy_value_sets_are_the_dbt_seed():
    level1, level2 = taxonomy_codes()
    stored = json.loads((GX / "expectations" / "staging_performance_indicators.json").read_text("utf-8"))["expectations"]
    sets = {e["kwargs"]["column"]: e["kwargs"]["value_set"] for e in stored if e["type"] == "expect_column_values_to_be_in_set"}
    assert sets["level1_code"] == level1 == ["1", "2", "3", "4"]
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
