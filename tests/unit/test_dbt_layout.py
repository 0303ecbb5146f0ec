"""The dbt project keeps the conventions of issue 17 (dbt Labs' style guide), checked on the files:
no warehouse, no dbt run."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

MODELS = Path(__file__).resolve().parents[2] / "dbt_project" / "models"

#: Project-wide declarations at the root of models/, and the one sources file of staging/.
OTHER_YAML = {MODELS / "_groups.yml", MODELS / "_exposures.yml", MODELS / "staging" / "_sources.yml"}


def _sql(pattern: str) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in MODELS.rglob(pattern)}


def _refs(sql: str) -> set[str]:
    return set(re.findall(r"ref\('([^']+)'\)", sql))


def _without_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*|\{#.*?#\}", "", sql, flags=re.S)


def test_one_models_yaml_per_folder():
    for folder in {p.parent for p in MODELS.rglob("*.sql")}:
        assert (folder / "_models.yml").is_file(), folder
    stray = [p for p in MODELS.rglob("*.yml") if p.name != "_models.yml" and p not in OTHER_YAML]
    assert stray == []


def test_staging_only_renames_and_casts():
    for name, sql in _sql("stg_*.sql").items():
        body = _without_comments(sql).lower()
        assert "ref(" not in body and "source(" in body, name
        for word in (r"\bwhere\b", r"\bjoin\b", r"\bover\s*\(", r"\bgroup\s+by\b", r"\bunion\b", r"row_number"):
            assert not re.search(word, body), (name, word)


def test_no_mart_prefix_and_layers_read_downwards():
    models = _sql("*.sql")
    assert not [m for m in models if m.startswith("mart_")]
    for name, sql in models.items():
        refs = _refs(sql)
        if name.startswith("int_"):  # intermediate reads staging, intermediate and seeds only
            assert not {r for r in refs if r.startswith(("fct_", "dim_", "rpt_"))}, name
        if name.startswith(("fct_", "dim_")):  # a public mart reads int_/stg_ models and seeds, not another mart
            assert not {r for r in refs if r.startswith(("fct_", "dim_", "rpt_"))}, name


def test_public_marts_have_enforced_contracts_with_types():
    documented = {}
    for path in MODELS.rglob("_models.yml"):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []):
            documented[model["name"]] = model
    public = [m for m in _sql("*.sql") if m.startswith(("fct_", "dim_"))]
    assert public
    for name in public:
        model = documented[name]
        assert model.get("config", {}).get("contract", {}).get("enforced") is True, name
        assert all(c.get("data_type") for c in model["columns"]), name
