"""Dagster conventions on the definitions: owners, tags, groups, the code location name, bounded dbt artifacts."""

from __future__ import annotations

import os
import time
import tomllib

import dagster as dg

from orchestration.defs.transformation.dbt import KEEP_RUN_TARGETS, prune_run_targets
from orchestration.definitions import defs
from tests.conftest import REPO_ROOT


def specs() -> dict[str, dg.AssetSpec]:
    return {spec.key.to_user_string(): spec for a in defs.assets for spec in getattr(a, "specs", [a])}


def test_every_asset_has_an_owner_and_a_layer_tag():
    for key, spec in specs().items():
        assert spec.owners, f"{key} has no owner"
        assert any(t.startswith("layer_") for t in spec.tags), f"{key} has no layer tag: {spec.tags}"


def test_dbt_owners_come_from_the_dbt_groups():
    all_specs = specs()
    assert all_specs["marts/fct_project_budget"].owners == ["budget-analytics@budget-warehouse.example"]
    assert all_specs["stg/stg_documents"].owners == ["data-platform@budget-warehouse.example"]


def test_dbt_run_folders_are_bounded(tmp_path):
    for n in range(KEEP_RUN_TARGETS + 3):
        folder = tmp_path / f"dbt_models-{n:07x}-abc"
        folder.mkdir()
        (folder / "run_results.json").write_text("{}")
        os.utime(folder, (time.time() - 100 + n, time.time() - 100 + n))
    (tmp_path / "manifest.json").write_text("{}")
    removed = prune_run_targets(tmp_path)
    assert len(removed) == 3
    left = sorted(p.name for p in tmp_path.glob("dbt_models-*"))
    assert left == [f"dbt_models-{n:07x}-abc" for n in range(3, KEEP_RUN_TARGETS + 3)]
    assert (tmp_path / "manifest.json").exists()


def test_code_location_is_named_as_in_pyproject():
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))
    name = config["tool"]["dagster"]["code_location_name"]
    assert config["tool"]["dg"]["project"]["code_location_name"] == name
