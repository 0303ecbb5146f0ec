"""The dbt side and the raw-schema DDL agree with the TargetValue dataclass."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import duckdb

from orchestration.parsing import parse_document
from orchestration.parsing.records import PerformanceIndicator
from orchestration.parsing.targets import TargetValue
from orchestration.ingestion.loading import DocumentRegistration, connect, record_columns, raw_ddl, write_document
from tests.conftest import PROJECT_TARGET_SEEDS, REPO_ROOT


def test_dbt_macro_lists_every_target_field_in_order():
    macro = (REPO_ROOT / "dbt_project" / "macros" / "target_value_fields.sql").read_text("utf-8")
    body = macro.split("macro target_value_fields()")[1].split("endmacro")[0]
    assert re.findall(r"'(\w+)'", body) == [f.name for f in dataclasses.fields(TargetValue)]


def test_an_old_warehouse_file_gains_the_target_columns_in_place(tmp_path: Path):
    """A raw schema created before the normalized columns (the DDL alone, without
    flattened_columns_ddl()) is upgraded by connect() and takes the new rows."""
    old_ddl = raw_ddl()
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute(old_ddl)
    assert "period_comparator" not in {r[0] for r in con.execute("DESCRIBE raw.performance_indicators").fetchall()}
    con.close()
    seed = PROJECT_TARGET_SEEDS[-1]
    with connect(db) as con:
        write_document(con, DocumentRegistration("x", seed.name, str(seed), "txt", 1), parse_document(seed.read_bytes(), seed.name), "loaded")
        columns = {r[0] for r in con.execute("DESCRIBE raw.performance_indicators").fetchall()}
        (n,) = con.execute("SELECT count(*) FROM raw.performance_indicators WHERE annual_comparator IS NOT NULL").fetchone()
    assert set(record_columns(PerformanceIndicator)) <= columns
    assert n == 273  # every indicator of seed 004
