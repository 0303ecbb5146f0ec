"""The code location loads: every asset, check, sensor, job and schedule resolves (no run, no warehouse)."""

from __future__ import annotations

import dagster as dg

from orchestration.definitions import defs


def test_definitions_resolve_every_job_and_asset():
    repo = defs.get_repository_def()
    job_names = {j.name for j in repo.get_all_jobs()}
    assert "main_job" in job_names
    graph = repo.asset_graph
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    for key in ("staged_documents", "marts/fct_project_budget", "marts/fct_indicator_target", "serving_database"):
        assert key in keys, key
    assert any(c.name.startswith("gx_") for c in graph.asset_check_keys), "GX suites are asset checks"
    assert {s.name for s in repo.sensor_defs} == {"inbox_sensor", "quality_alert_sensor", "dbt_tests_after_streaming_sensor"}
    assert {s.name for s in repo.schedule_defs} == {"nightly_rebuild_schedule"}
    assert job_names >= {"main_job", "streaming_job", "dbt_tests_job", "nightly_rebuild_job"}
    assert set(defs.resources) == {"warehouse", "dbt"}
    assert isinstance(defs, dg.Definitions)


def test_python_assets_carry_the_owner_of_their_dbt_group():
    graph = defs.get_repository_def().asset_graph
    for key in ("source_documents", "staged_documents", "serving_database", "document_summary", "warehouse_report",
                "evidence_images"):
        node = graph.get(dg.AssetKey(key))
        assert node.owners and f"layer_{node.group_name}" in node.tags, key
