"""Incremental publication of serving.duckdb (issue 29): the copy brought up to date equals a full publish.

Real DuckDB files throughout: a small warehouse with schema ``marts`` (a fact table keyed by
``document_id``, an aggregate without it, a dimension, comments on tables and columns) is changed
in each way a real run changes it; after each change an incremental publish of ``serving.duckdb``
is compared table by table, row by row (EXCEPT ALL both ways), column by column and comment by
comment with a full publish of the same warehouse.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from orchestration import serving as serving_module
from orchestration.serving import open_serving, publish_serving, table_columns


def build_warehouse(path: Path) -> None:
    """Three documents' facts (one row with no document), an aggregate, a dimension, comments."""
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    con.execute("""
        CREATE TABLE marts.fct_budget AS SELECT * FROM (VALUES
            ('doc-a', 1, 120.50::DECIMAL(18,2), '道路养护', ['a', 'b']),
            ('doc-a', 2, 30.00, '绿化', ['c']),
            ('doc-b', 1, 75.25, '教育补助', []),
            ('doc-b', 2, 75.25, '教育补助', []),
            ('doc-b', 3, NULL, NULL, NULL),
            (NULL, 1, 9.99, '无文档行', ['x'])
        ) AS v(document_id, line_no, amount_wan, project_name, tags)""")
    con.execute("""
        CREATE TABLE marts.rpt_totals AS
        SELECT document_id IS NULL AS orphan, sum(amount_wan) AS total_wan, count(*) AS n
        FROM marts.fct_budget GROUP BY ALL""")
    con.execute("CREATE TABLE marts.dim_unit AS SELECT * FROM (VALUES ('U1', '市交通局'), ('U2', '市教育局')) v(code, name)")
    con.execute("COMMENT ON TABLE marts.fct_budget IS '项目预算（万元）'")
    con.execute("COMMENT ON COLUMN marts.fct_budget.amount_wan IS 'amount in 万元 (10,000 yuan)'")
    con.execute("COMMENT ON TABLE marts.dim_unit IS 'spending units'")
    con.close()


def change(warehouse: Path, *statements: str) -> None:
    con = duckdb.connect(str(warehouse))
    for statement in statements:
        con.execute(statement)
    con.close()


def assert_same_as_full(serving: Path, warehouse: Path, tmp_path: Path) -> None:
    """``serving`` holds what a full publish of ``warehouse`` holds: tables, columns, types, comments, rows."""
    reference = tmp_path / "reference.duckdb"
    reference.unlink(missing_ok=True)
    publish_serving(warehouse, reference, full=True)
    con = duckdb.connect()
    con.execute(f"ATTACH '{serving}' AS inc (READ_ONLY)")
    con.execute(f"ATTACH '{reference}' AS ref (READ_ONLY)")
    inc, ref = table_columns(con, "inc", "marts"), table_columns(con, "ref", "marts")
    assert inc == ref, "table names and column names/types"
    for table in ref:
        for a, b in (("inc", "ref"), ("ref", "inc")):
            extra = con.execute(f'SELECT * FROM {a}.marts."{table}" EXCEPT ALL SELECT * FROM {b}.marts."{table}"').fetchall()
            assert extra == [], f"{table}: rows in {a} not in {b}"
    comments = ("SELECT table_name, NULL, comment FROM duckdb_tables() WHERE database_name = ? UNION ALL "
                "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE database_name = ? ORDER BY ALL")
    assert con.execute(comments, ["inc", "inc"]).fetchall() == con.execute(comments, ["ref", "ref"]).fetchall()
    versions = con.execute("SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name IN ('inc', 'ref')")
    assert {v for (v,) in versions.fetchall()} == {"v1.0.0+"}, "readable by the DuckDB 1.x of BI drivers"
    con.close()


def publish(warehouse: Path, serving: Path, **kwargs) -> tuple[dict[str, int], dict]:
    report: dict = {}
    counts = publish_serving(warehouse, serving, report=report, **kwargs)
    return counts, report


def test_each_kind_of_change_published_incrementally_equals_a_full_publish(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving.duckdb"
    build_warehouse(warehouse)
    counts, report = publish(warehouse, serving)
    assert report["mode"] == "full" and "fallback" not in report, "no previous file: a full publish"
    assert counts == {"dim_unit": 2, "fct_budget": 6, "rpt_totals": 2}

    counts, report = publish(warehouse, serving)
    assert report == {"mode": "incremental", "tables": {"dim_unit": "kept", "fct_budget": "kept", "rpt_totals": "kept"}}
    assert_same_as_full(serving, warehouse, tmp_path)

    steps = [
        # a new document's rows
        (["INSERT INTO marts.fct_budget VALUES ('doc-c', 1, 500, '新建项目', ['n'])"],
         {"fct_budget": "rows: -0 +1 (1 documents)"}),
        # a document replaced under the same id: one value changed among equal row counts
        (["UPDATE marts.fct_budget SET amount_wan = 31.00 WHERE document_id = 'doc-a' AND line_no = 2"],
         {"fct_budget": "rows: -2 +2 (1 documents)"}),
        # two rows of one document swap values: per-column sums would not see it, row hashes do
        (["UPDATE marts.fct_budget SET project_name = CASE line_no WHEN 1 THEN '绿化' ELSE '道路养护' END "
          "WHERE document_id = 'doc-a'"],
         {"fct_budget": "rows: -2 +2 (1 documents)"}),
        # a document superseded (its rows removed) and the aggregate that depends on it
        (["DELETE FROM marts.fct_budget WHERE document_id = 'doc-b'",
          "CREATE OR REPLACE TABLE marts.rpt_totals AS SELECT document_id IS NULL AS orphan, sum(amount_wan) AS total_wan, "
          "count(*) AS n FROM marts.fct_budget GROUP BY ALL"],
         {"fct_budget": "rows: -3 +0 (1 documents)", "rpt_totals": "replaced"}),
        # the rows without a document form one group
        (["UPDATE marts.fct_budget SET tags = ['x', 'y'] WHERE document_id IS NULL"],
         {"fct_budget": "rows: -1 +1 (1 documents)"}),
        # a duplicated row: same values, one more of them
        (["INSERT INTO marts.fct_budget SELECT * FROM marts.fct_budget WHERE document_id = 'doc-c'"],
         {"fct_budget": "rows: -1 +2 (1 documents)"}),
        # a new column (dbt model changed)
        (["ALTER TABLE marts.dim_unit ADD COLUMN level INTEGER DEFAULT 1",
          "COMMENT ON COLUMN marts.dim_unit.level IS '行政级别'"],
         {"dim_unit": "replaced"}),
        # a table gone, a table new, a description changed, one removed
        (["DROP TABLE marts.rpt_totals",
          "CREATE TABLE marts.rpt_new AS SELECT document_id, count(*) AS lines FROM marts.fct_budget GROUP BY ALL",
          "COMMENT ON TABLE marts.fct_budget IS '项目支出预算（万元）'",
          "COMMENT ON COLUMN marts.fct_budget.amount_wan IS NULL"],
         {"rpt_totals": "dropped", "rpt_new": "new"}),
    ]
    for statements, expected in steps:
        change(warehouse, *statements)
        counts, report = publish(warehouse, serving)
        assert report["mode"] == "incremental", statements
        assert {t: done for t, done in report["tables"].items() if done != "kept"} == expected, statements
        assert_same_as_full(serving, warehouse, tmp_path)
    assert counts == {"dim_unit": 2, "fct_budget": 5, "rpt_new": 3}
    assert open_serving(serving).execute(
        "SELECT project_name, amount_wan FROM marts.fct_budget WHERE document_id = 'doc-a' ORDER BY line_no"
    ).fetchall() == [("绿化", 120.50), ("道路养护", 31.00)]


def test_a_reader_holding_the_old_file_keeps_its_snapshot_across_an_incremental_publish(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving.duckdb"
    build_warehouse(warehouse)
    publish_serving(warehouse, serving)
    held = duckdb.connect(str(serving), read_only=True)
    try:
        query = "SELECT sum(amount_wan) FROM marts.fct_budget WHERE document_id = 'doc-a'"
        assert held.execute(query).fetchone() == (150.50,)
        change(warehouse, "UPDATE marts.fct_budget SET amount_wan = 1 WHERE document_id = 'doc-a'")
        _, report = publish(warehouse, serving)
        assert report["mode"] == "incremental"
        assert held.execute(query).fetchone() == (150.50,), "the held connection reads its snapshot"
        fresh = open_serving(serving)
        assert fresh.execute(query).fetchone() == (2,), "a new reader sees the new file"
        fresh.close()
    finally:
        held.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["serving.duckdb", "warehouse.duckdb"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_failure_after_the_copy_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving.duckdb"
    build_warehouse(warehouse)
    publish_serving(warehouse, serving)
    before = _digest(serving)
    change(warehouse, "DELETE FROM marts.fct_budget WHERE document_id = 'doc-b'")

    def broken(*args, **kwargs):
        raise OSError("disk went away while syncing comments")

    monkeypatch.setattr(serving_module, "sync_comments", broken)
    with pytest.raises(OSError, match="disk went away"):
        publish_serving(warehouse, serving)
    assert _digest(serving) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["serving.duckdb", "warehouse.duckdb"]
    assert open_serving(serving).execute("SELECT count(*) FROM marts.fct_budget").fetchone() == (6,)


def test_full_publish_when_asked_or_when_the_previous_file_is_unusable(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving.duckdb"
    build_warehouse(warehouse)
    publish_serving(warehouse, serving)
    _, report = publish(warehouse, serving, full=True)
    assert report["mode"] == "full" and "fallback" not in report

    serving.write_bytes(b"not a duckdb file" * 1000)
    _, report = publish(warehouse, serving)
    assert report["mode"] == "full" and "cannot be attached" in report["fallback"]
    assert_same_as_full(serving, warehouse, tmp_path)

    current = duckdb.connect(str(tmp_path / "current.duckdb"))  # this DuckDB's own storage version
    current.execute("CREATE TABLE t AS SELECT 1 AS v")
    current.close()
    (tmp_path / "current.duckdb").replace(serving)
    _, report = publish(warehouse, serving)
    assert report["mode"] == "full" and "storage version" in report["fallback"]
    assert_same_as_full(serving, warehouse, tmp_path)

    con = duckdb.connect(str(serving))  # something outside schema marts, written in place
    con.execute("CREATE TABLE main.scratch AS SELECT 1 AS v")
    con.close()
    _, report = publish(warehouse, serving)
    assert report["mode"] == "full" and "main.scratch" in report["fallback"]
    assert_same_as_full(serving, warehouse, tmp_path)


def test_the_asset_publishes_incrementally_and_the_nightly_rebuild_in_full(tmp_path):
    import dagster as dg

    from orchestration.defs.serving.assets import serving_database
    from orchestration.resources import WarehouseResource

    warehouse = WarehouseResource(warehouse_dir=str(tmp_path / "wh"), inbox_dir=str(tmp_path / "inbox"))
    warehouse.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    build_warehouse(warehouse.duckdb_path)
    publish_serving(warehouse.duckdb_path, warehouse.serving_path)
    change(warehouse.duckdb_path, "DELETE FROM marts.fct_budget WHERE document_id = 'doc-b'")
    defs = dg.Definitions(assets=[serving_database], resources={"warehouse": warehouse}, jobs=[
        dg.define_asset_job("streaming_job", selection=[serving_database]),
        dg.define_asset_job("nightly_rebuild_job", selection=[serving_database])])

    def published(job: str) -> dict:
        result = defs.resolve_job_def(job).execute_in_process(instance=dg.DagsterInstance.ephemeral())
        (materialization,) = result.asset_materializations_for_node("serving_database")
        return {key: value.value for key, value in materialization.metadata.items()}

    metadata = published("streaming_job")
    assert metadata["publish_mode"] == "incremental"
    assert metadata["tables_changed"] == {"fct_budget": "rows: -3 +0 (1 documents)"}
    assert metadata["tables"] == {"dim_unit": 2, "fct_budget": 3, "rpt_totals": 2}
    assert published("nightly_rebuild_job")["publish_mode"] == "full"
    assert_same_as_full(warehouse.serving_path, warehouse.duckdb_path, tmp_path)


def test_full_publish_when_the_previous_file_has_a_view_or_a_write_ahead_log(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving.duckdb"
    build_warehouse(warehouse)
    publish_serving(warehouse, serving)
    con = duckdb.connect(str(serving))
    con.execute("CREATE VIEW marts.big_budget AS SELECT * FROM marts.fct_budget WHERE amount_wan > 100")
    con.close()
    _, report = publish(warehouse, serving)
    assert report["mode"] == "full" and "marts.big_budget" in report["fallback"]
    assert_same_as_full(serving, warehouse, tmp_path)

    wal = tmp_path / "serving.duckdb.wal"
    wal.write_bytes(b"")
    _, report = publish(warehouse, serving)
    assert report["mode"] == "full" and "write-ahead log" in report["fallback"]
    wal.unlink()
    assert_same_as_full(serving, warehouse, tmp_path)
