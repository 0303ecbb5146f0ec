"""The per-document run summary: one row per document from ``marts.mart_document_summary``.

Used by the Dagster ``document_summary`` asset (Markdown metadata) and by
``budget-etl run`` (terminal table). Amounts in 万元.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb

SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("file_name", "file"),
    ("doc_type", "type"),
    ("status", "status"),
    ("version", "version"),
    ("department", "department"),
    ("fiscal_year", "year"),
    ("spending_units", "units"),
    ("projects", "projects"),
    ("tasks", "tasks"),
    ("indicators", "indicators"),
    ("total_amount", "合计 (万元)"),
    ("reconciliation_status", "reconciliation"),
)


#: Summary columns computed from mart columns rather than read as they are.
_EXPRESSIONS = {
    "version": "CASE WHEN is_current_version THEN 'current' WHEN status = 'quarantined' THEN '' ELSE 'superseded' END",
}


def fetch_summary(db_path: str | Path, document_ids: list[str] | None = None) -> list[dict]:
    """Rows of ``marts.mart_document_summary`` (all, or those of ``document_ids``), ordered by file name.

    Opens the DuckDB file read-only. Raises ``duckdb.CatalogException`` when
    the marts have not been built.
    """
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        cols = ", ".join(f"{_EXPRESSIONS.get(c, c)} AS {c}" for c, _ in SUMMARY_COLUMNS)
        sql = f"SELECT document_id, {cols} FROM marts.mart_document_summary"
        params: list = []
        if document_ids is not None:
            sql += " WHERE list_contains(?, document_id)"
            params.append(document_ids)
        cur = con.execute(sql + " ORDER BY file_name, document_id", params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]
    finally:
        con.close()


def format_cell(value) -> str:
    """Blank for NULL, thousands separators and 2 decimals for amounts."""
    if value is None:
        return ""
    if isinstance(value, (Decimal, float)):
        return f"{value:,.2f}"
    return str(value)


def to_markdown(rows: list[dict]) -> str:
    """Render summary rows as a Markdown table (for Dagster metadata)."""
    header = "| " + " | ".join(label for _, label in SUMMARY_COLUMNS) + " |"
    sep = "|" + "---|" * len(SUMMARY_COLUMNS)
    body = [
        "| " + " | ".join(format_cell(r[c]).replace("|", "/") for c, _ in SUMMARY_COLUMNS) + " |" for r in rows
    ]
    return "\n".join([header, sep, *body])
