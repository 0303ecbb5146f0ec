"""The marts of the two profiles, compared row for row (the cluster profile's proof of sameness).

:func:`mart_differences` reads every table of the schema ``marts`` whose name starts with one of the given
prefixes (default the facts and dimensions, ``fct_`` and ``dim_``) from a DuckDB warehouse file and from the
PostgreSQL warehouse, with the same query (``SELECT <columns> FROM marts.<table>``), and compares them as
multisets of rows. Values are compared by meaning, not by driver type: a DECIMAL and a NUMERIC of the same
number are equal, a DuckDB list and a PostgreSQL array of the same items are equal, floats are equal to 9
significant digits. Columns that record *when* a load happened (:data:`LOAD_TIME_COLUMNS`) differ between
two loads by nature and are left out.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections import Counter
from pathlib import Path

#: Columns whose value is the time of a load, or the id of the Dagster run that staged the document (two loads of
#: the same files differ there, by nature: ``staged_by_run_id`` is each profile's own run).
LOAD_TIME_COLUMNS = frozenset({"ingested_at", "first_seen_at", "loaded_at", "published_at", "built_at",
                               "staged_by_run_id"})


def normalise(value):
    """A comparable, hashable form of one cell read by duckdb or psycopg2."""
    if isinstance(value, decimal.Decimal):
        return ("n", value.normalize()) if value.is_finite() else ("n", str(value))
    if isinstance(value, float):
        return ("n", decimal.Decimal(f"{value:.9g}").normalize())
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return ("n", decimal.Decimal(value).normalize())
    if isinstance(value, (list, tuple)):
        return tuple(normalise(v) for v in value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return value


def duckdb_tables(db_path: str | Path, prefixes: tuple[str, ...]) -> dict[str, list[str]]:
    """``{table: [columns]}`` of the schema ``marts`` of a DuckDB file whose names start with ``prefixes``."""
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rows = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'marts' "
            "ORDER BY table_name, ordinal_position").fetchall()
    finally:
        con.close()
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        if table.startswith(prefixes):
            tables.setdefault(table, []).append(column)
    return tables


def _select(table: str, columns: list[str]) -> str:
    kept = [c for c in columns if c not in LOAD_TIME_COLUMNS]
    return "SELECT " + ", ".join(f'"{c}"' for c in kept) + f' FROM marts."{table}"'


def mart_differences(duckdb_path: str | Path, pg_url: str, prefixes: tuple[str, ...] = ("fct_", "dim_"),
                     ) -> tuple[dict[str, int], dict[str, str]]:
    """Compare the marts of both warehouses; returns ``({table: rows}, {table: what differs})``.

    The second mapping is empty when every table holds the same rows in both (its row count in the first).
    A table missing on PostgreSQL, a column missing, or rows only on one side are named with a few examples.
    """
    import duckdb
    import psycopg2

    tables = duckdb_tables(duckdb_path, prefixes)
    counts: dict[str, int] = {}
    differences: dict[str, str] = {}
    duck = duckdb.connect(str(duckdb_path), read_only=True)
    pg = psycopg2.connect(pg_url)
    try:
        for table, columns in sorted(tables.items()):
            query = _select(table, columns)
            left = Counter(tuple(normalise(v) for v in row) for row in duck.execute(query).fetchall())
            try:
                with pg.cursor() as cur:
                    cur.execute(query)
                    right = Counter(tuple(normalise(v) for v in row) for row in cur.fetchall())
            except psycopg2.Error as error:
                pg.rollback()
                differences[table] = f"not readable on PostgreSQL: {str(error).strip().splitlines()[0]}"
                continue
            counts[table] = sum(left.values())
            if left != right:
                only_duck = list((left - right).elements())[:3]
                only_pg = list((right - left).elements())[:3]
                differences[table] = (f"{sum(left.values())} rows on DuckDB, {sum(right.values())} on PostgreSQL; "
                                      f"only on DuckDB e.g. {only_duck}; only on PostgreSQL e.g. {only_pg}")
    finally:
        duck.close()
        pg.close()
    return counts, differences
