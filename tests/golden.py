"""Golden fingerprints of the marts: proof that a refactoring leaves the marts of a warehouse unchanged.

For every table of schema ``marts`` (facts, dimensions, reports) the fingerprint is the row count, the
column names in order and a SHA-256 over the rows, sorted, each value in a canonical text form with its
column's name. The checked-in files under ``tests/data/`` were written from the warehouse built on the
commit before the dbt restructuring of issue 17 (``UPDATE_GOLDEN=1`` rewrites them).

A deliberate rename is not a change of values: ``tests/data/golden_marts_renames.json`` maps old table
and column names to new ones, and the built warehouse is fingerprinted under the *old* names, so the
checked-in hashes stay those of the original build and prove the values identical. A column added on
purpose is listed there under ``added`` (table → columns): the hash is then taken over the golden
columns only, so the values of everything that was there are still proven identical.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from pathlib import Path

import duckdb

DATA = Path(__file__).resolve().parent / "data"
RENAMES = DATA / "golden_marts_renames.json"

#: Columns whose values depend on when the run happened, not on the documents: left out.
VOLATILE_COLUMNS = {"ingested_at", "first_seen_at", "staged_by_run_id"}  # times of the run, its id


def _canonical(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")  # 12.30 and 12.3 are one value: a scale change is not
    if isinstance(value, float):
        return repr(round(value, 9))
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_canonical(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{_canonical(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def load_renames() -> dict:
    """``{"tables": {old: new}, "columns": {old_table: {old_column: new_column}}}``."""
    if not RENAMES.exists():
        return {"tables": {}, "columns": {}, "added": {}}
    data = json.loads(RENAMES.read_text(encoding="utf-8"))
    return {"tables": data.get("tables", {}), "columns": data.get("columns", {}), "added": data.get("added", {})}


def fingerprint(duckdb_file: Path, schema: str = "marts", renames: dict | None = None) -> dict:
    """``{old table name: {"rows": n, "columns": [old names], "sha256": hex}}`` of every table of ``schema``."""
    renames = renames or {"tables": {}, "columns": {}, "added": {}}
    new_to_old_table = {new: old for old, new in renames["tables"].items()}
    con = duckdb.connect(str(duckdb_file), read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' "
            "ORDER BY table_name", [schema]).fetchall()]
        result = {}
        for table in tables:
            old_table = new_to_old_table.get(table, table)
            new_to_old_col = {new: old for old, new in renames["columns"].get(old_table, {}).items()}
            columns = [c for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
                "ORDER BY ordinal_position", [schema, table]).fetchall()]
            added = set(renames.get("added", {}).get(old_table, []))
            kept = [c for c in columns if new_to_old_col.get(c, c) not in VOLATILE_COLUMNS and c not in added]
            names = [new_to_old_col.get(c, c) for c in kept]
            select = ", ".join(f'"{c}"' for c in kept)
            rows = con.execute(f'SELECT {select} FROM "{schema}"."{table}"').fetchall()
            # columns in name order inside a row, so that moving a column is not a change of values
            order = sorted(range(len(names)), key=lambda i: names[i])
            lines = sorted("\x1f".join(f"{names[i]}={_canonical(row[i])}" for i in order) for row in rows)
            digest = hashlib.sha256("\x1e".join(lines).encode("utf-8")).hexdigest()
            result[old_table] = {"rows": len(rows), "columns": names, "sha256": digest}
        return result
    finally:
        con.close()


def diff(expected: dict, actual: dict) -> list[str]:
    """Human-readable differences between two fingerprints (empty when equal)."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        if table not in actual:
            problems.append(f"{table}: missing from the built warehouse")
            continue
        if table not in expected:
            problems.append(f"{table}: not in the golden file (a new mart? add it with UPDATE_GOLDEN=1)")
            continue
        e, a = expected[table], actual[table]
        if sorted(e["columns"]) != sorted(a["columns"]):
            problems.append(f"{table}: columns differ: missing {sorted(set(e['columns']) - set(a['columns']))}, "
                            f"extra {sorted(set(a['columns']) - set(e['columns']))}")
        if e["rows"] != a["rows"]:
            problems.append(f"{table}: {a['rows']} rows, golden {e['rows']}")
        elif e["sha256"] != a["sha256"]:
            problems.append(f"{table}: same row count, different values")
    return problems
