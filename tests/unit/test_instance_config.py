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
        # inbox_sensor's tick watches the inbox for 4 s: the other sensors are evaluated beside it, in threads
        assert instance.get_settings("sensors")["use_threads"] is True
        # the runs that write the warehouse run one at a time (their mart checks read what staging wrote)
        from orchestration.defs.jobs import (DBT_TESTS_TAG, WRITES_WAREHOUSE_TAG, dbt_tests_job, main_job,
                                             nightly_rebuild_job, streaming_job)

        assert instance.run_coordinator.get_run_queue_config().tag_concurrency_limits == [
            {"key": WRITES_WAREHOUSE_TAG, "limit": 1}, {"key": DBT_TESTS_TAG, "limit": 1}]
        assert dbt_tests_job.tags[DBT_TESTS_TAG] == "true"  # one test run at a time (they ran 3 at once)
        assert all(job.tags[WRITES_WAREHOUSE_TAG] == "true" for job in (main_job, streaming_job, nightly_rebuild_job))
        assert WRITES_WAREHOUSE_TAG not in dbt_tests_job.tags  # it tests a copy of the warehouse


def test_the_file_an_earlier_version_wrote_is_updated_and_a_users_own_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    config = tmp_path / "dagster.yaml"
    config.write_text("telemetry:\n  enabled: false\n", "utf-8")
    settings.dagster_home()
    assert config.read_text("utf-8") == settings.INSTANCE_CONFIG
    for earlier in settings._PREVIOUS_INSTANCE_CONFIGS:
        config.write_text(earlier, "utf-8")
        settings.dagster_home()
        assert config.read_text("utf-8") == settings.INSTANCE_CONFIG
    own = "telemetry:\n  enabled: false\nrun_monitoring:\n  enabled: true\n"
    config.write_text(own, "utf-8")
    settings.dagster_home()
    assert config.read_text("utf-8") == own


def test_a_new_home_launches_runs_with_the_warm_run_launcher(tmp_path, monkeypatch):
    from orchestration.run_launcher import DEFAULT_PRELOAD, WarmRunLauncher

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    with dg.DagsterInstance.from_config(str(settings.dagster_home())) as instance:
        assert isinstance(instance.run_launcher, WarmRunLauncher)
        assert instance.run_launcher.preload_modules == DEFAULT_PRELOAD and instance.run_launcher.keep_spare
        # the follow-up dbt_tests_job runs do not take the spare a drop's streaming run needs
        assert instance.run_launcher.spare_for_jobs == {"streaming_job", "main_job"}


def test_the_code_fingerprint_changes_with_a_project_file_or_a_dbt_file(tmp_path):
    import os

    import orchestration.parsing.vocabulary as module
    from orchestration.run_launcher import code_fingerprint
    from orchestration.settings import DBT_PROJECT_DIR

    before = code_fingerprint()
    assert code_fingerprint() == before
    for path in (module.__file__, DBT_PROJECT_DIR / "dbt_project.yml"):
        stat = os.stat(path)
        try:
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
            assert code_fingerprint() != before, path
        finally:
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert code_fingerprint() == before
