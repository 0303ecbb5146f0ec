"""The Dagster instance that ``make dev`` gets (``python -m orchestration.settings``, issue 19)."""

from __future__ import annotations

import dagster as dg

from orchestration import settings


def test_a_new_home_polls_the_run_queue_every_second(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    home = settings.dagster_home()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert instance.run_coordinator.dequeue_interval_seconds == 1


def test_the_file_an_earlier_version_wrote_is_updated_and_a_users_own_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    config = tmp_path / "dagster.yaml"
    config.write_text("telemetry:\n  enabled: false\n", "utf-8")
    settings.dagster_home()
    assert config.read_text("utf-8") == settings.INSTANCE_CONFIG
    own = "telemetry:\n  enabled: false\nrun_monitoring:\n  enabled: true\n"
    config.write_text(own, "utf-8")
    settings.dagster_home()
    assert config.read_text("utf-8") == own
