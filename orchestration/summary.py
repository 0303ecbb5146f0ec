"""The per-document run summary: one row per document from ``marts.mart_document_summary``.

Used by the Dagster ``document_summary`` asset (Markdown metadata) and by
``budget-etl run`` (terminal table and the notes under it). Amounts in 万元.
To show another column, add it to :data:`SUMMARY_COLUMNS` (and to
:data:`NUMERIC_COLUMNS` when it is a number); columns fetched for the notes
but not shown as columns go in :data:`NOTE_COLUMNS`.
"""

from __future__ import annotations

import dataclasses
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
    ("fiscal_year_source", "year from"),
    ("spending_units", "units"),
    ("projects", "projects"),
    ("tasks", "tasks"),
    ("indicators", "indicators"),
    ("total_amount", "合计 (万元)"),
    ("reconciliation_status", "reconciliation"),
)


#: Columns right-aligned in the terminal table.
NUMERIC_COLUMNS = frozenset({"fiscal_year", "spending_units", "projects", "tasks", "indicators", "total_amount"})

#: Widest a cell may be in the terminal table (characters; the rest is an ellipsis).
TERMINAL_MAX_WIDTH = {"department": 20, "reconciliation_status": 24}

#: Columns the terminal always shows.
TERMINAL_ALWAYS = frozenset({"file_name", "status"})

#: Which columns the terminal leaves out, in this order, when the table is wider than the terminal
#: (columns in neither list go first).
TERMINAL_DROP_ORDER: tuple[str, ...] = (
    "fiscal_year_source", "tasks", "version", "spending_units", "doc_type", "reconciliation_status", "indicators", "projects",
    "department", "total_amount", "fiscal_year",
)

#: Mart columns fetched for :func:`document_notes` (not table columns).
NOTE_COLUMNS: tuple[str, ...] = ("quarantine_reason",)

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
        names = [c for c, _ in SUMMARY_COLUMNS] + list(NOTE_COLUMNS)
        cols = ", ".join(f"{_EXPRESSIONS.get(c, c)} AS {c}" for c in names)
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


@dataclasses.dataclass(frozen=True)
class Note:
    """A line under the summary table about one document: what, and where to read the rest."""

    file_name: str
    label: str  # e.g. "quarantined"
    text: str
    more: str | None = None  # where the full text is (a file), when the line is shortened
    style: str = "yellow"


def document_notes(rows: list[dict], quarantine_dir: Path) -> list[Note]:
    """Notes for summary rows: the reason of each quarantined document (with its ``.reason.json``),
    the subtotals that do not add up, and the documents whose fiscal year no evidence gives."""
    notes: list[Note] = []
    for r in rows:
        if r["status"] == "quarantined":
            reason_files = sorted(quarantine_dir.glob(f"*.{r['document_id'][:12]}*.reason.json"))
            more = str(reason_files[-1]) if reason_files else "staging.documents.error"
            reason = (r.get("quarantine_reason") or "(no reason recorded)").removeprefix(f"{r['file_name']}: ")
            notes.append(Note(r["file_name"], "quarantined", reason, more, style="red"))
            continue
        if r.get("reconciliation_status") not in (None, "OK"):
            notes.append(Note(r["file_name"], "does not reconcile", r["reconciliation_status"],
                              "marts.mart_document_summary.reconciliation_status"))
        if r["status"] == "loaded" and r.get("fiscal_year") is None:
            notes.append(Note(r["file_name"], "no fiscal year",
                              "none in the title, a cover or bundle title, an 编制说明 or the file name: left empty"))
    return notes
