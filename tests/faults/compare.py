"""Compare warehouses table by table, ignoring load timestamps and the id of the run that loaded a document."""

from __future__ import annotations

from pathlib import Path

import duckdb

#: Tables that are not a document's load but derived after the marts (raw.evidence_images: the review list's
#: images, rendered by the evidence_images asset; status rendered / present depends on what ran before).
DERIVED_TABLES = {"evidence_images"}

#: Columns naming the Dagster run that staged a document (``raw.documents.run_id``, ``staged_by_run_id`` in the
#: marts): every run has its own, so a re-run differs from a clean run there by design.
RUN_COLUMNS = ("run_id", "staged_by_run_id")

#: Column types that hold the wall-clock time of a load, not data.
TIME_TYPES = ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "DATE_TIME")


def table_contents(db: Path, schema: str, where: str = "", params=None) -> dict[str, list[tuple]]:
    """Every table of ``schema``: its rows (timestamp columns left out), sorted."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' "
            "ORDER BY 1", [schema]).fetchall()]
        out = {}
        for table in tables:
            if schema == "raw" and table in DERIVED_TABLES:
                continue
            columns = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
                "AND data_type NOT LIKE 'TIMESTAMP%' AND NOT list_contains(?, column_name) ORDER BY ordinal_position",
                [schema, table, list(RUN_COLUMNS)]).fetchall()]
            cols = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f'SELECT {cols} FROM {schema}."{table}" {where}', params or []).fetchall()
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


def document_ids(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT document_id FROM raw.documents ORDER BY 1").fetchall()]
    finally:
        con.close()
