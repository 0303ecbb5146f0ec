"""The raw tables are described once, in ``orchestration/raw_schema.sql``; dbt and Dagster show that text."""

from __future__ import annotations

import yaml

from orchestration.ingestion.loading import RAW_TABLES
from orchestration.ingestion.raw_descriptions import SOURCES_YML, raw_table_descriptions, sync_sources_yml
from tests.conftest import REPO_ROOT


def test_every_raw_table_has_a_description_in_raw_schema_sql():
    descriptions = raw_table_descriptions()
    assert set(RAW_TABLES) <= set(descriptions)
    assert all(descriptions[t] for t in RAW_TABLES)
    assert descriptions["documents"].startswith("文件登记 document registry: one row per input file")
    assert descriptions["parse_events"] == "解析日志 audit log of parser decisions and repairs."


def test_a_section_rule_ends_a_comment_block():
    ddl = "-- Section\n-- -----\n-- 表 one row per x.\nCREATE TABLE IF NOT EXISTS raw.x (\n  a INT\n);\n"
    assert raw_table_descriptions(ddl) == {"x": "表 one row per x."}


def test_the_dbt_source_descriptions_are_the_generated_ones():
    """Fails after a comment of raw_schema.sql changed: run ``python -m orchestration.ingestion.raw_descriptions``."""
    text = (REPO_ROOT / SOURCES_YML).read_text("utf-8")
    assert sync_sources_yml(text) == text
    generated = raw_table_descriptions()
    (source,) = yaml.safe_load(text)["sources"]
    in_yml = {t["name"]: " ".join(t["description"].split()) for t in source["tables"]}
    assert in_yml == {t: generated[t] for t in in_yml}
    assert set(in_yml) == set(RAW_TABLES) - {"evidence_images"}  # written after the marts; no dbt model reads it

