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
    assert {s.name for s in repo.sensor_defs} == {"inbox_sensor", "quality_alert_sensor", "dbt_tests_after_streaming_sensor",
                                                 "reports_refresh_sensor"}
    assert {s.name for s in repo.schedule_defs} == {"nightly_rebuild_schedule"}
    assert job_names >= {"main_job", "streaming_job", "dbt_tests_job", "nightly_rebuild_job", "reports_refresh_job"}
    assert set(defs.resources) == {"warehouse", "dbt"}
    assert isinstance(defs, dg.Definitions)


def test_python_assets_carry_the_owner_of_their_dbt_group():
    graph = defs.get_repository_def().asset_graph
    for key in ("source_documents", "staged_documents", "serving_database", "document_summary", "warehouse_report",
                "evidence_images"):
        node = graph.get(dg.AssetKey(key))
        assert node.owners and f"layer_{node.group_name}" in node.tags, key


def test_the_raw_group_holds_the_python_written_tables_described_from_raw_schema_sql():
    from orchestration.ingestion.loading import RAW_TABLES
    from orchestration.ingestion.raw_descriptions import raw_table_descriptions

    graph = defs.get_repository_def().asset_graph
    generated = raw_table_descriptions()
    raw = [k for k in graph.get_all_asset_keys() if graph.get(k).group_name == "raw"]
    assert {k.to_user_string() for k in raw} == {"staged_documents", *(f"raw/{t}" for t in RAW_TABLES)}
    for key in raw:
        if key.path[0] == "raw":
            assert graph.get(key).description == generated[key.path[-1]], key


def test_jobs_select_by_group_and_key_and_keep_the_check_ids():
    """The GX check names are ids (event log, the alert sensor's cursor): kept although their suites check ``raw``."""
    repo = defs.get_repository_def()
    gx = {"gx_document_gate", "gx_staging_documents", "gx_staging_budget_lines", "gx_staging_performance_indicators",
          "gx_marts_reconcile_with_staging", "gx_marts_disclosure_checks"}
    all_checks = set(repo.asset_graph.asset_check_keys)
    layer = {name: repo.get_job(name).asset_layer.asset_graph for name in ("main_job", "streaming_job", "dbt_tests_job")}
    main = {k.to_user_string() for k in layer["main_job"].executable_asset_keys}
    assert "staged_documents" in main and "raw/documents" in main and "serving_database" in main
    assert "marts/fct_project_budget" in main and "seeds/indicator_category" in main
    assert not main & {"source_documents", "warehouse_export"}
    assert {c.name for c in layer["streaming_job"].asset_check_keys} == gx
    assert set(layer["dbt_tests_job"].asset_check_keys) == {c for c in all_checks if c.name not in gx}
    assert set(layer["main_job"].asset_check_keys) == all_checks
