"""The per-document run summary: one row per document from ``marts.rpt_document_summary``,
and each file's table inventory from ``marts.dim_document_table``.

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

from orchestration.ingestion.loading import read_only_connection

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
    ("amount_total_wan", "合计 (万元)"),
    ("reconciliation_status", "reconciliation"),
)


#: Columns right-aligned in the terminal table.
NUMERIC_COLUMNS = frozenset({"fiscal_year", "spending_units", "projects", "tasks", "indicators", "amount_total_wan"})

#: Widest a cell may be in the terminal table (characters; the rest is an ellipsis).
TERMINAL_MAX_WIDTH = {"department": 20, "reconciliation_status": 24}

#: Columns the terminal always shows.
TERMINAL_ALWAYS = frozenset({"file_name", "status"})

#: Which columns the terminal leaves out, in this order, when the table is wider than the terminal
#: (columns in neither list go first).
TERMINAL_DROP_ORDER: tuple[str, ...] = (
    "fiscal_year_source", "tasks", "version", "spending_units", "doc_type", "reconciliation_status", "indicators", "projects",
    "department", "amount_total_wan", "fiscal_year",
)

#: Mart columns fetched for :func:`document_notes` (not table columns).
NOTE_COLUMNS: tuple[str, ...] = ("quarantine_reason",)

#: Summary columns computed from mart columns rather than read as they are.
_EXPRESSIONS = {
    "version": "CASE WHEN is_current_version THEN 'current' WHEN status = 'quarantined' THEN '' ELSE 'superseded' END",
}


def _mart_rows(db_path: str | Path, select: str, where: str, order_by: str,
               document_ids: list[str] | None, missing_ok: bool) -> list[dict]:
    """Rows of ``select`` as dicts, limited to ``document_ids`` when given, ordered by ``order_by``.

    ``where`` is a constant condition of the caller (``"TRUE"`` for none). Opens the DuckDB file
    read-only. A mart that does not exist yet gives ``[]`` when ``missing_ok``, else raises
    ``duckdb.CatalogException``.
    """
    with read_only_connection(db_path) as con:
        sql, params = f"{select} WHERE ({where})", []
        if document_ids is not None:
            # portable SQL (one placeholder per id), no DuckDB list function: the marts may move adapters
            sql += f" AND document_id IN ({', '.join('?' * len(document_ids))})" if document_ids else " AND 1 = 0"
            params.extend(document_ids)
        try:
            cur = con.execute(f"{sql} ORDER BY {order_by}", params)
        except duckdb.CatalogException:
            if missing_ok:
                return []
            raise
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]


def fetch_summary(db_path: str | Path, document_ids: list[str] | None = None) -> list[dict]:
    """Rows of ``marts.rpt_document_summary`` (all, or those of ``document_ids``), ordered by file name.

    Opens the DuckDB file read-only. Raises ``duckdb.CatalogException`` when
    the marts have not been built.
    """
    names = [c for c, _ in SUMMARY_COLUMNS] + list(NOTE_COLUMNS)
    cols = ", ".join(f"{_EXPRESSIONS.get(c, c)} AS {c}" for c in names)
    return _mart_rows(db_path, f"SELECT document_id, {cols} FROM marts.rpt_document_summary", "TRUE",
                      "file_name, document_id", document_ids, missing_ok=False)


def format_cell(value) -> str:
    """Blank for NULL, thousands separators and 2 decimals for amounts."""
    if value is None:
        return ""
    if isinstance(value, (Decimal, float)):
        return f"{value:,.2f}"
    return str(value)


#: Documents listed by name in the Dagster metadata and the terminal; the rest are counted, and named
#: in ``marts.rpt_document_summary`` (issue 29: a summary of 10,000 documents stays readable and small).
MAX_LISTED = 50


def needs_attention(row: dict) -> bool:
    """True for a quarantined document, or one whose amounts do not reconcile."""
    return row["status"] == "quarantined" or row.get("reconciliation_status") not in (None, "", "OK")


def rows_to_show(rows: list[dict], limit: int = MAX_LISTED) -> list[dict]:
    """At most ``limit`` of ``rows``: those that need attention first (:func:`needs_attention`), then the others,
    each group in its order."""
    if len(rows) <= limit:
        return rows
    return ([r for r in rows if needs_attention(r)] + [r for r in rows if not needs_attention(r)])[:limit]


def more_line(total: int, shown: int, what: str = "documents", where: str = "marts.rpt_document_summary") -> str | None:
    """``… and 950 more documents (all of them: marts.rpt_document_summary)``, or None when all are shown."""
    return f"… and {total - shown:,} more {what} (all of them: {where})" if total > shown else None


def to_markdown(rows: list[dict], limit: int = MAX_LISTED) -> str:
    """Render summary rows as a Markdown table (for Dagster metadata): at most ``limit`` rows
    (:func:`rows_to_show`), then a line counting the others."""
    shown = rows_to_show(rows, limit)
    header = "| " + " | ".join(label for _, label in SUMMARY_COLUMNS) + " |"
    sep = "|" + "---|" * len(SUMMARY_COLUMNS)
    body = [
        "| " + " | ".join(format_cell(r[c]).replace("|", "/") for c, _ in SUMMARY_COLUMNS) + " |" for r in shown
    ]
    more = more_line(len(rows), len(shown))
    return "\n".join([header, sep, *body, *([f"\n{more}"] if more else [])])


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
            more = str(reason_files[-1]) if reason_files else "raw.documents.error"
            reason = (r.get("quarantine_reason") or "(no reason recorded)").removeprefix(f"{r['file_name']}: ")
            notes.append(Note(r["file_name"], "quarantined", reason, more, style="red"))
            continue
        if r.get("reconciliation_status") not in (None, "OK"):
            notes.append(Note(r["file_name"], "does not reconcile", r["reconciliation_status"],
                              "marts.rpt_document_summary.reconciliation_status"))
        if r["status"] == "loaded" and r.get("fiscal_year") is None:
            notes.append(Note(r["file_name"], "no fiscal year",
                              "none in the title, a cover or bundle title, an 编制说明 or the file name: left empty"))
    return notes


#: Short names of the table kinds for the compact inventory line (the full kind is in the rows).
KIND_LABELS = {
    "income_expenditure_summary": "收支总表",
    "income_summary": "收入总表",
    "expenditure_summary": "支出总表",
    "fiscal_appropriation_summary": "财政拨款收支总表",
    "function_expenditure:general_public": "一般公共预算功能分类",
    "function_expenditure:government_fund": "政府性基金功能分类",
    "function_expenditure:state_capital": "国有资本经营功能分类",
    "economic_expenditure": "经济分类",
    "three_public_expenses": "三公经费",
    "government_procurement": "政府采购",
    "project_expenditure": "项目支出",
    "contents": "目录",
}


def fetch_table_inventory(db_path: str | Path, document_ids: list[str] | None = None) -> list[dict]:
    """Rows of ``marts.dim_document_table`` (table_key, title, pages, unit, rows and amounts read),
    in file and page order; ``[]`` when the mart does not exist yet. Opens the file read-only."""
    return _mart_rows(
        db_path,
        "SELECT document_id, file_name, entry_no, entry_type, table_key, title, unit_as_printed, "
        "first_page, last_page, row_count, amount_count, is_read FROM marts.dim_document_table",
        "TRUE", "file_name, document_id, entry_no", document_ids, missing_ok=True)


def inventory_lines(rows: list[dict]) -> list[str]:
    """One compact line per file: ``file: 收支总表 p10, 收入总表 p11, 支出总表 p12-13 …; narrative 9 pp``."""
    lines: list[str] = []
    by_file: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        by_file.setdefault((row["file_name"], row["document_id"]), []).append(row)
    for (file_name, _), entries in by_file.items():
        parts = []
        for e in entries:
            if e["entry_type"] != "table":
                continue
            pages = f"p{e['first_page']}" + (f"-{e['last_page']}" if e["last_page"] != e["first_page"] else "")
            label = KIND_LABELS.get(e["table_key"], e["table_key"])
            read = f" {e['row_count']} rows" if e["is_read"] else ""
            parts.append(f"{label} {pages}{read}")
        narrative = sum(1 for e in entries if e["entry_type"] == "narrative")
        lines.append(f"{file_name}: {', '.join(parts)}; narrative {narrative} pp")
    return lines


def fetch_disclosure_findings(db_path: str | Path, document_ids: list[str] | None = None) -> list[dict]:
    """The failed cross-table checks of ``marts.rpt_disclosure_checks`` (differences printed in the
    source: WARN findings), in file and page order; ``[]`` when the mart does not exist yet."""
    return _mart_rows(
        db_path,
        "SELECT document_id, file_name, rule, table_title, source_page, bbox_x0, bbox_top, subject, left_label, "
        "left_yuan, right_label, right_yuan, difference_yuan FROM marts.rpt_disclosure_checks",
        "difference_cents <> 0", "file_name, source_page, rule, subject", document_ids, missing_ok=True)


def finding_lines(rows: list[dict]) -> list[str]:
    """``file p11 total_equals_parts 2040601 行政运行: 14,348,853.34 ≠ 79,189,400.34 (元, diff -64,840,547.00) at x 115 y 264``
    (x, y: the row's top-left corner on the page, points from the top-left)."""
    return [
        f"{r['file_name']} p{r['source_page']} {r['rule']} {r['subject']}: "
        f"{format_cell(r['left_yuan'])} ≠ {format_cell(r['right_yuan'])} (元, diff {format_cell(r['difference_yuan'])})"
        + (f" at x {r['bbox_x0']:.0f} y {r['bbox_top']:.0f}" if r.get("bbox_top") is not None else "")
        for r in rows
    ]


def fetch_tables_held_back(db_path: str | Path, document_ids: list[str] | None = None) -> list[dict]:
    """Rows of ``marts.rpt_disclosure_tables_held_back`` (tables a fact did not publish, cells it left out),
    in file and page order; ``[]`` when the mart does not exist yet. Opens the file read-only."""
    return _mart_rows(
        db_path,
        "SELECT document_id, file_name, fact, table_title, first_page, last_page, contract_issue, "
        "is_table_held_back, cells, example_label FROM marts.rpt_disclosure_tables_held_back",
        "TRUE", "file_name, first_page, fact, contract_issue", document_ids, missing_ok=True)


def held_back_lines(rows: list[dict]) -> list[str]:
    """``file p15 收入总体情况表 → fct_budget_income: table held back, income_source_missing (3 cells, e.g. 上年结转结余)``."""
    lines = []
    for r in rows:
        pages = f"p{r['first_page']}" + (f"-{r['last_page']}" if r["last_page"] != r["first_page"] else "")
        what = "table held back" if r["is_table_held_back"] else "cells left out"
        lines.append(f"{r['file_name']} {pages} {r['table_title']} → {r['fact']}: {what}, {r['contract_issue']} "
                     f"({r['cells']} cells, e.g. {r['example_label']})")
    return lines
