"""Publication: the marts of ``warehouse.duckdb`` copied into ``serving.duckdb`` for BI tools, atomically.

The last step of a document's path (asset ``serving_database``,
``orchestration/defs/serving/assets.py``): readers of ``serving.duckdb`` are never
blocked by the pipeline and never see a half-written file. Separate from the raw
writer (:mod:`orchestration.ingestion.loading`): publication reads the marts, it
never writes the schema ``raw``. No Dagster imports.
"""

from __future__ import annotations

from pathlib import Path

import duckdb


def publish_serving(warehouse_path: str | Path, serving_path: str | Path, schema: str = "marts") -> dict[str, int]:
    """Copy every table of ``schema`` into a new DuckDB file and swap it in atomically.

    The warehouse is attached read-only; the copy is written to
    ``<serving>.tmp-<pid>`` with DuckDB storage version v1.0.0 (readable by the
    DuckDB 1.x bundled in BI drivers), fsynced, then ``os.replace``-d over
    ``serving_path``: readers that have the old file open keep their snapshot,
    new readers see the new one, nobody sees a half-written file, and a crash
    leaves the previous serving file intact. Table and column comments (the dbt
    descriptions) are copied too, so BI tools show them. Returns ``{table: row_count}``.
    """
    import os

    serving_path = Path(serving_path)
    remove_stale_serving_files(serving_path)
    tmp = serving_path.with_name(f"{serving_path.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect()
    counts: dict[str, int] = {}
    try:
        con.execute(f"ATTACH '{_sql_literal(warehouse_path)}' AS wh (READ_ONLY)")
        con.execute(f"ATTACH '{_sql_literal(tmp)}' AS serving_new (STORAGE_VERSION 'v1.0.0')")
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_catalog = 'wh' AND table_schema = ? AND table_type = 'BASE TABLE' ORDER BY 1",
                [schema],
            ).fetchall()
        ]
        con.execute(f"CREATE SCHEMA serving_new.{schema}")
        for table in tables:
            con.execute(f'CREATE TABLE serving_new.{schema}."{table}" AS SELECT * FROM wh.{schema}."{table}"')
            (counts[table],) = con.execute(f'SELECT count(*) FROM serving_new.{schema}."{table}"').fetchone()
        copy_comments(con, "wh", "serving_new", schema)
        con.execute("DETACH serving_new")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, serving_path)
    return counts


def copy_comments(con: duckdb.DuckDBPyConnection, source: str, target: str, schema: str) -> int:
    """Copy the table and column comments of ``source.schema`` onto the same tables of ``target.schema``.

    ``source`` and ``target`` are attached catalogs of ``con``; ``CREATE TABLE … AS`` copies rows
    and types, not comments. Returns the number of comments written.
    """
    tables = con.execute(
        "SELECT table_name, comment FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? AND comment IS NOT NULL",
        [source, schema]).fetchall()
    columns = con.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns() "
        "WHERE database_name = ? AND schema_name = ? AND comment IS NOT NULL", [source, schema]).fetchall()
    present = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = ?", [target, schema]).fetchall()}
    written = 0
    for table, comment in tables:
        if table in present:
            con.execute(f'COMMENT ON TABLE {target}.{schema}."{table}" IS {_quoted(comment)}')
            written += 1
    for table, column, comment in columns:
        if table in present:
            con.execute(f'COMMENT ON COLUMN {target}.{schema}."{table}"."{column}" IS {_quoted(comment)}')
            written += 1
    return written


def _quoted(text: str) -> str:
    """``text`` as a single-quoted SQL string literal (COMMENT ON takes no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def remove_stale_serving_files(serving_path: str | Path) -> list[Path]:
    """Delete ``<serving>.tmp-<pid>`` files (and their ``.wal``) left by a publish whose process is gone.

    A publish killed before its ``os.replace`` leaves its temporary copy; the
    pid in the name tells whether that process still runs (then it is left
    alone). Returns the removed paths.
    """
    serving_path = Path(serving_path)
    removed = []
    for candidate in serving_path.parent.glob(f"{serving_path.name}.tmp-*"):
        pid_text = candidate.name[len(serving_path.name) + len(".tmp-"):].removesuffix(".wal")
        if not pid_text.isdigit() or _process_alive(int(pid_text)):
            continue
        candidate.unlink(missing_ok=True)
        removed.append(candidate)
    return removed


def _process_alive(pid: int) -> bool:
    import os

    if pid == os.getpid():
        return False  # our own leftover from an earlier, failed publish
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def open_serving(serving_path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the newest published ``serving.duckdb``, whatever else this process holds open.

    ``duckdb.connect(path)`` reuses the database instance of any connection to
    the same path still open in this process, so it keeps showing the snapshot
    from before the last publish. Here the file is attached to a fresh
    in-memory database (schema ``marts`` directly visible), which always opens
    the file as it is now.
    """
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{_sql_literal(serving_path)}' AS serving (READ_ONLY)")
        con.execute("USE serving")
    except BaseException:
        con.close()
        raise
    return con


def _sql_literal(path: str | Path) -> str:
    """A file path as the body of a single-quoted SQL literal (ATTACH takes no parameters)."""
    return str(path).replace("'", "''")
