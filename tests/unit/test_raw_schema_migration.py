"""A warehouse written before the Python-written schema was renamed ``staging`` → ``raw`` is migrated on open."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.parsing import parse_document
from orchestration.ingestion.loading import (
    RAW_TABLES,
    DocumentRegistration,
    LegacySchemaError,
    connect,
    raw_ddl,
    table_row_counts,
    write_document,
)
from tests.conftest import PROJECT_TARGET_SEEDS


def _legacy_ddl() -> str:
    """The DDL as an older version ran it: schema ``staging``, without the flattened target columns."""
    return raw_ddl().replace("CREATE SCHEMA IF NOT EXISTS raw;", "CREATE SCHEMA IF NOT EXISTS staging;").replace(
        "raw.", "staging.")


def _old_warehouse(db: Path) -> dict[str, int]:
    """A warehouse file laid out as an older version wrote it, holding one document; returns its row counts."""
    seed = PROJECT_TARGET_SEEDS[0]
    with connect(db) as con:  # the rows, written by this version …
        write_document(con, DocumentRegistration("a" * 64, seed.name, str(seed), "txt", 1),
                       parse_document(seed.read_bytes(), seed.name), "loaded")
        counts = table_row_counts(con)
    con = duckdb.connect(str(db))
    try:  # … moved into the old layout: schema staging, the old columns only
        con.execute(_legacy_ddl())
        # tables this version keeps beside the documents' rows (raw.evidence_images, written after the marts)
        # came after the rename: an older warehouse never had them in staging
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'staging'").fetchall():
            if table not in RAW_TABLES:
                con.execute(f'DROP TABLE staging."{table}"')
        for table in RAW_TABLES:
            columns = [r[0] for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'staging' AND table_name = ?",
                [table]).fetchall()]
            column_list = ", ".join(f'"{c}"' for c in columns)
            con.execute(f"INSERT INTO staging.{table} ({column_list}) SELECT {column_list} FROM raw.{table}")
        con.execute("DROP SCHEMA raw CASCADE")
    finally:
        con.close()
    return counts


def _schemas(db: Path) -> dict[str, list[str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT schema_name, table_name FROM duckdb_tables() ORDER BY 1, 2").fetchall()
    finally:
        con.close()
    out: dict[str, list[str]] = {}
    for schema, table in rows:
        out.setdefault(schema, []).append(table)
    return out


def test_an_old_warehouse_is_moved_from_staging_to_raw_on_open(tmp_path: Path):
    db = tmp_path / "warehouse.duckdb"
    counts = _old_warehouse(db)
    assert counts["budget_lines"] > 0 and counts["performance_indicators"] > 0
    assert set(_schemas(db)) == {"staging"}

    with connect(db) as con:
        assert table_row_counts(con) == counts
        (legacy,) = con.execute("SELECT count(*) FROM duckdb_schemas() WHERE schema_name = 'staging'").fetchone()
        assert legacy == 0  # the emptied schema is dropped
        # the keys of this version's DDL hold on the moved rows
        with pytest.raises(duckdb.ConstraintException):
            con.execute("INSERT INTO raw.documents SELECT * FROM raw.documents")
        # the columns added since (flattened targets) are there, NULL on the old rows
        (n,) = con.execute("SELECT count(*) FROM raw.performance_indicators WHERE annual_comparator IS NULL").fetchone()
        assert n == counts["performance_indicators"]
    assert set(_schemas(db)) == {"raw"}

    with connect(db) as con:  # once: a second open finds nothing to move
        assert table_row_counts(con) == counts


def test_a_warehouse_with_both_schemas_is_left_alone_with_a_clear_error(tmp_path: Path):
    db = tmp_path / "warehouse.duckdb"
    counts = _old_warehouse(db)
    con = duckdb.connect(str(db))
    try:
        con.execute(raw_ddl())
    finally:
        con.close()
    before = _schemas(db)
    with pytest.raises(LegacySchemaError, match="DROP SCHEMA staging CASCADE"):
        with connect(db):
            pass
    assert _schemas(db) == before
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM staging.budget_lines").fetchone()[0] == counts["budget_lines"]
    finally:
        con.close()


def test_an_amount_column_narrower_than_this_version_is_widened_on_open_keeping_its_values(tmp_path):
    """``raw.budget_table_amounts.amount`` was DECIMAL(18, 2); 北京 prints 万元 to six decimals (50,666.454093)."""
    db = tmp_path / "warehouse.duckdb"
    with connect(db):
        pass
    con = duckdb.connect(str(db))
    try:  # the column as an older version created it, holding one cell
        con.execute("ALTER TABLE raw.budget_table_amounts ALTER COLUMN amount SET DATA TYPE DECIMAL(18, 2)")
        con.execute("INSERT INTO raw.budget_table_amounts (document_id, table_no, row_no, side_no, column_no, column_label, "
                    "amount, unit, source_page) VALUES ('d', 1, 1, 1, 2, '合计', 1234.56, '万元', 1)")
    finally:
        con.close()
    with connect(db) as con:
        assert con.execute("SELECT data_type FROM duckdb_columns() WHERE table_name = 'budget_table_amounts' "
                           "AND column_name = 'amount'").fetchone() == ("DECIMAL(24,6)",)
        assert str(con.execute("SELECT amount FROM raw.budget_table_amounts").fetchone()[0]) == "1234.560000"
        con.execute("INSERT INTO raw.budget_table_amounts (document_id, table_no, row_no, side_no, column_no, "
                    "column_label, amount, unit, source_page) VALUES ('d', 1, 2, 1, 2, '合计', 50666.454093, '万元', 1)")
        assert str(con.execute("SELECT amount FROM raw.budget_table_amounts WHERE row_no = 2").fetchone()[0]) \
            == "50666.454093"
