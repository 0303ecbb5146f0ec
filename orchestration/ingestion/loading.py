"""DuckDB writer of the ``raw`` schema: one transaction per document.

Maps the parser's records (``orchestration.parsing.records``) onto the tables
of the schema ``raw`` declared in ``raw_schema.sql`` (dbt reads them as the
source ``raw``; its ``stg_`` models select from it). Every statement that carries document
content is parameterized. Re-loading a document id replaces its rows
atomically (delete + insert inside one transaction), so a run killed half-way
leaves the previous state of that document intact.

The bottom of the ingestion package (imports nothing of it). Publication of the
marts into ``serving.duckdb`` is :mod:`orchestration.serving`, not here. No
Dagster imports: the Dagster assets call these functions.
"""

from __future__ import annotations

import dataclasses
import functools
import datetime as dt
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Iterator

import duckdb

from orchestration.parsing.department_records import (
    DepartmentIndicator,
    DepartmentTargetsProfile,
    DepartmentTask,
)
from orchestration.parsing.disclosure_records import (
    BudgetTableAmount,
    BudgetTableRow,
    InventoryEntry,
    NarrativeFigure,
    TableCell,
)
from orchestration.parsing.evaluation_records import EvaluationFunding, IndicatorOutcome, SelfEvaluation
from orchestration.parsing.records import (
    PARSER_VERSION,
    BudgetLine,
    ParsedDocument,
    PerformanceIndicator,
)

RAW_TABLES: tuple[str, ...] = (
    "documents",
    "budget_lines",
    "performance_indicators",
    "parse_events",
    # 部门整体绩效目标 (department_targets documents)
    "department_targets",
    "department_tasks",
    "department_indicators",
    # 部门预算 / 部门决算 disclosures (budget_disclosure documents)
    "disclosures",
    "document_tables",
    "budget_table_rows",
    "budget_table_amounts",
    "table_cells",
    "narrative_figures",
    # 绩效自评表 (self-evaluations, in any document)
    "evaluation_summaries",
    "evaluation_funding",
    "indicator_outcomes",
)



def record_columns(record_type: type) -> list[str]:
    """Staging column names of a record dataclass, in field order.

    A field whose metadata carries ``flatten`` (a dataclass type) becomes one
    column per field of that type, named ``<field>_<subfield>``
    (``PerformanceIndicator.period`` → ``period_comparator``, ``period_value``…).
    """
    columns: list[str] = []
    for f in dataclasses.fields(record_type):
        nested = f.metadata.get("flatten")
        if nested is None:
            columns.append(f.name)
        else:
            columns.extend(f"{f.name}_{name}" for name in record_columns(nested))
    return columns


def record_values(record) -> list:
    """The values of ``record`` in the order of :func:`record_columns` (``None`` for an absent nested record)."""
    values: list = []
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        nested = f.metadata.get("flatten")
        if nested is None:
            values.append(value)
        elif value is None:
            values.extend([None] * len(record_columns(nested)))
        else:
            values.extend(record_values(value))
    return values


#: The columns of each record type, computed once (read-only use: :func:`raw_rows` unpacks them).
_columns_of = functools.cache(record_columns)


#: Staging tables whose record type has flattened (nested dataclass) fields.
_FLATTENED_RECORDS: dict[str, type] = {
    "performance_indicators": PerformanceIndicator,
    "department_indicators": DepartmentIndicator,
    "indicator_outcomes": IndicatorOutcome,
}
_SQL_TYPES = {"str": "VARCHAR", "float": "DOUBLE", "int": "INTEGER", "bool": "BOOLEAN"}


def flattened_columns_ddl() -> list[str]:
    """``ALTER TABLE … ADD COLUMN IF NOT EXISTS`` for every flattened record field.

    E.g. ``PerformanceIndicator.period`` (a ``TargetValue``) gives
    ``period_comparator VARCHAR``, ``period_value DOUBLE`` …; the SQL type
    comes from the field's annotation (``float | None`` → DOUBLE).
    """
    statements = []
    for table, record_type in _FLATTENED_RECORDS.items():
        for f in dataclasses.fields(record_type):
            nested = f.metadata.get("flatten")
            if nested is None:
                continue
            for sub in dataclasses.fields(nested):
                base = str(sub.type).split("|")[0].strip()
                statements.append(
                    f"ALTER TABLE raw.{table} ADD COLUMN IF NOT EXISTS {f.name}_{sub.name} {_SQL_TYPES[base]}"
                )
    return statements


def raw_ddl() -> str:
    """Return the DDL of the raw schema (``raw_schema.sql``)."""
    return resources.files("orchestration").joinpath("raw_schema.sql").read_text("utf-8")


class WarehouseWriteError(RuntimeError):
    """The warehouse folder or database cannot be written (disk full, read-only…).

    The message names the path, the OS error and what to do; the run stops
    without partial writes (kept files are written atomically, database
    writes are one transaction per document).
    """


@contextmanager
def connect(db_path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse DuckDB file (created if missing) with the raw schema applied.

    A warehouse written before the schema was renamed (tables in ``staging``)
    is migrated once, here: see :func:`migrate_staging_schema`.
    Raises ``duckdb.IOException`` when another process holds the write lock,
    and :class:`WarehouseWriteError` when the folder or the file cannot be
    written (read-only, disk full).
    """
    try:
        Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(db_path))
    except (OSError, duckdb.IOException) as error:
        if "lock" in str(error).lower():
            raise
        raise WarehouseWriteError(
            f"cannot open the warehouse database {db_path} for writing: {error}. Make the folder writable "
            "(or point WAREHOUSE_DIR elsewhere) and free disk space, then re-run; nothing was written."
        ) from error
    try:
        migrate_staging_schema(con)
        con.execute(raw_ddl())
        for statement in flattened_columns_ddl():
            con.execute(statement)
        widen_columns(con)
        yield con
    finally:
        con.close()


#: Columns whose type was widened after warehouses were created with the narrower one:
#: ``(table, column) → type`` of this version. ``raw.budget_table_amounts.amount`` was
#: DECIMAL(18, 2): 北京's tables print 万元 to six decimals, which it rounded to 0.01 万元 (100 元).
#: ``(table, column) → (type, the statement that widens it)``: the SQL is written out, never assembled.
WIDENED_COLUMNS: dict[tuple[str, str], tuple[str, str]] = {
    ("budget_table_amounts", "amount"): (
        "DECIMAL(24,6)", "ALTER TABLE raw.budget_table_amounts ALTER COLUMN amount SET DATA TYPE DECIMAL(24,6)"),
}


def widen_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Give the raw columns of :data:`WIDENED_COLUMNS` their current type, once; returns the columns altered.

    A warehouse written before a column was widened keeps its values (a wider
    DECIMAL holds every old value exactly); a current warehouse is left as it is.
    """
    altered = []
    for (table, column), (wanted, statement) in WIDENED_COLUMNS.items():
        found = con.execute(
            "SELECT data_type FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'raw' AND table_name = ? AND column_name = ?", [table, column]).fetchone()
        if found and found[0].replace(" ", "") != wanted:
            con.execute(statement)
            altered.append(f"{table}.{column}")
    return altered


#: The name of the raw schema in warehouses created before it was renamed ``raw``.
LEGACY_SCHEMA = "staging"


class LegacySchemaError(RuntimeError):
    """The warehouse holds both the legacy ``staging`` tables and ``raw`` tables: which one is current is unknown."""


def _tables_in(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ? "
        "ORDER BY table_name", [schema]).fetchall()]


def migrate_staging_schema(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Move the tables of a warehouse created with the schema ``staging`` into ``raw``, once.

    DuckDB has no ``ALTER SCHEMA … RENAME``: in one transaction the ``raw``
    tables are created from ``raw_schema.sql`` (keys and columns of this
    version), every known table of ``staging`` is copied in by column name
    (columns added since are NULL, as ``ADD COLUMN`` would leave them), the
    ``staging`` tables are dropped, and so is the schema when nothing else is
    left in it. Returns the tables moved (``[]``: nothing to do). A failure
    rolls everything back, leaving the old warehouse as it was.

    Raises :class:`LegacySchemaError` when both schemas hold tables (the
    user must say which is current: drop one of them).
    """
    legacy = [t for t in _tables_in(con, LEGACY_SCHEMA) if t in RAW_TABLES]
    if not legacy:
        return []
    present = _tables_in(con, "raw")
    if present:
        found = f"staging: {', '.join(legacy)}; raw: {', '.join(present)}"
        raise LegacySchemaError(
            "the warehouse has tables both in the schema 'staging' (written before it was renamed) and in 'raw' ("
            + found + "). The raw tables are the current ones when this version wrote them: drop the old ones "
            "(DROP SCHEMA staging CASCADE) or the new ones (DROP SCHEMA raw CASCADE) with the duckdb CLI, "
            "then re-run; nothing was changed.")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(raw_ddl())
        for statement in flattened_columns_ddl():
            con.execute(statement)
        for table in legacy:  # names from RAW_TABLES, never from the file
            con.execute(f"INSERT INTO raw.{table} BY NAME SELECT * FROM staging.{table}")
            con.execute(f"DROP TABLE staging.{table}")
        if not _tables_in(con, LEGACY_SCHEMA) and not con.execute(
                "SELECT count(*) FROM duckdb_views() WHERE database_name = current_database() AND schema_name = ?",
                [LEGACY_SCHEMA]).fetchone()[0]:
            con.execute("DROP SCHEMA staging")
        con.execute("COMMIT")
    except BaseException:
        _rollback(con)
        raise
    return legacy


@dataclasses.dataclass(frozen=True)
class DocumentRegistration:
    """File-level facts known before parsing (one ``raw.documents`` row).

    ``document_id`` is the SHA-256 hex digest of the bytes; ``format`` is
    ``txt``/``tsv``/``pdf``/``unknown``; ``byte_size`` in bytes.
    """

    document_id: str
    file_name: str
    source_path: str
    format: str
    byte_size: int


def write_document(
    con: duckdb.DuckDBPyConnection,
    registration: DocumentRegistration,
    parsed: ParsedDocument | None,
    status: str,
    error: str | None = None,
    run_id: str | None = None,
) -> None:
    """Replace every raw row of one document in a single transaction (``run_id``: the Dagster run staging it).

    ``first_seen_at`` survives re-loads of the same bytes, so re-running an old
    version never makes it newer than a correction that arrived after it.

    ``status`` is ``loaded`` (records written: budget lines and indicators of
    a 项目支出绩效目标表, or the profile, tasks and indicators of a
    部门整体绩效目标 — amounts in 元 there), ``registered`` (recognised,
    content not modelled yet; a 部门预算/决算 without amounts, such as a blank
    template, is registered with its table inventory) or ``quarantined`` (``error`` says why; no
    budget lines or indicators are written). Rolls back and re-raises on any
    database error, leaving the previous version of the document in place.
    """
    doc_id = registration.document_id
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    con.execute("BEGIN TRANSACTION")
    try:
        previous = con.execute(
            "SELECT first_seen_at FROM raw.documents WHERE document_id = ?", [doc_id]
        ).fetchone()
        # A document's rows are written in the transaction that writes its registry row, so a document the
        # registry has never seen has no rows to replace: a new drop skips the 16 deletes, each a scan of a
        # table's document_id column (no zone map helps with hash ids: they grew with the warehouse, issue 29).
        for table in RAW_TABLES if previous else ():
            con.execute(f"DELETE FROM raw.{table} WHERE document_id = ?", [doc_id])
        con.execute(
            """
            INSERT INTO raw.documents (
                document_id, file_name, source_path, format, layout, doc_type, title,
                department, fiscal_year, fiscal_year_source, page_count, byte_size, parser_version,
                status, error, ingested_at, first_seen_at, run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                doc_id,
                registration.file_name,
                registration.source_path,
                registration.format,
                parsed.layout if parsed else None,
                parsed.doc_type if parsed else None,
                parsed.title if parsed else None,
                parsed.department if parsed else None,
                parsed.fiscal_year if parsed else None,
                parsed.fiscal_year_source if parsed else None,
                parsed.page_count if parsed else None,
                registration.byte_size,
                PARSER_VERSION,
                status,
                error,
                now,
                previous[0] if previous else now,
                run_id,
            ],
        )
        if parsed is not None and status != "quarantined":
            _insert_records(con, doc_id, parsed)
        con.execute("COMMIT")
    except BaseException:
        _rollback(con)
        raise


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction, if DuckDB has not already aborted it.

    A failed ``COMMIT`` (e.g. no space left for the WAL) aborts the transaction
    itself; a second ``ROLLBACK`` would raise "no transaction is active" and
    hide the real error, which the caller re-raises.
    """
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


def _insert_records(con: duckdb.DuckDBPyConnection, doc_id: str, parsed: ParsedDocument) -> None:
    for table, columns, rows in raw_rows(doc_id, parsed):
        _insert_columns(con, table, columns, rows)


def raw_rows(doc_id: str, parsed: ParsedDocument) -> list[tuple[str, list[str], list[list]]]:
    """The raw rows of one parsed document as ``(table, columns, rows)`` (``raw.documents`` excepted).

    The one mapping of records onto raw tables, shared by the DuckDB writer here and the PostgreSQL
    writer of the cluster profile (``orchestration/cluster/pg_writer.py``); tables without rows are left out.
    """
    out: list[tuple[str, list[str], list[list]]] = []

    def add(table: str, record_type: type, records: list) -> None:
        if records:
            out.append((table, ["document_id", *_columns_of(record_type)],
                        [[doc_id, *record_values(r)] for r in records]))

    add("budget_lines", BudgetLine, parsed.budget_lines)
    add("performance_indicators", PerformanceIndicator, parsed.indicators)
    targets = parsed.department_targets
    if targets is not None:
        add("department_targets", DepartmentTargetsProfile, [targets.profile])
        add("department_tasks", DepartmentTask, targets.tasks)
        add("department_indicators", DepartmentIndicator, targets.indicators)
    disclosure = parsed.disclosure
    if disclosure is not None:
        out.append(("disclosures", ["document_id", "scope", "stage", "is_template"],
                    [[doc_id, disclosure.scope, disclosure.stage, disclosure.is_template]]))
        add("document_tables", InventoryEntry, disclosure.inventory)
        add("budget_table_rows", BudgetTableRow, disclosure.rows)
        add("budget_table_amounts", BudgetTableAmount, disclosure.amounts)
        add("table_cells", TableCell, disclosure.cells)
        add("narrative_figures", NarrativeFigure, disclosure.figures)
    evaluations = parsed.evaluations
    if evaluations is not None:
        add("evaluation_summaries", SelfEvaluation, evaluations.evaluations)
        add("evaluation_funding", EvaluationFunding, evaluations.funding)
        add("indicator_outcomes", IndicatorOutcome, evaluations.indicators)
    if parsed.events:
        out.append(("parse_events", ["document_id", "event_no", "kind", "detail", "source_line", "source_page"],
                    [[doc_id, n, e.kind, e.detail, e.source_line, e.source_page]
                     for n, e in enumerate(parsed.events, start=1)]))
    return out


def _insert_columns(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[list]) -> None:
    """Insert ``rows`` (values in the order of ``columns``) into ``raw.<table>`` as one statement with one list
    parameter per column, each cast to the column's declared type and unnested side by side.

    The single writer's cost per document: one prepared statement per row (``executemany``) took ~1 ms a row,
    one multi-row ``VALUES`` of 256 bound parameters per row ~0.08-0.12 s per 300 rows of 15 columns (DuckDB
    parses and binds every placeholder); a list per column binds in one go (~0.007 s for the same rows, measured on
    2 cores, issue 29). The values are cast exactly as a ``VALUES`` insert casts them (``Decimal`` amounts stay
    exact, ``None`` stays NULL, lists stay lists), the cast named from the table's own column types.
    """
    declared = dict(con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'raw' AND table_name = ?",
        [table]).fetchall())
    column_list = ", ".join(columns)
    unnested_casts = ", ".join(f"unnest(?::{declared[column]}[])" for column in columns)
    con.execute(f"INSERT INTO raw.{table} ({column_list}) SELECT {unnested_casts}",
                [[row[i] for row in rows] for i in range(len(columns))])


def table_row_counts(con: duckdb.DuckDBPyConnection, document_ids: list[str] | None = None) -> dict[str, int]:
    """Row count per raw table, optionally restricted to ``document_ids``."""
    counts: dict[str, int] = {}
    for table in RAW_TABLES:
        if document_ids is None:
            (n,) = con.execute(f"SELECT count(*) FROM raw.{table}").fetchone()
        else:
            (n,) = con.execute(
                f"SELECT count(*) FROM raw.{table} WHERE list_contains(?, document_id)",
                [document_ids],
            ).fetchone()
        counts[table] = int(n)
    return counts


def quarantine_reasons(db_path: str | Path, document_ids: list[str]) -> list[tuple[str, str]]:
    """``(file_name, reason)`` of the quarantined documents among ``document_ids``, by file name (read-only)."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(
            "SELECT file_name, error FROM raw.documents WHERE status = 'quarantined' "
            "AND list_contains(?, document_id) ORDER BY file_name", [document_ids]).fetchall()
    finally:
        con.close()


@contextmanager
def read_only_connection(db_path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the DuckDB file ``db_path``, closed on exit.

    The one way to read a DuckDB file without writing: ``warehouse.duckdb`` by a
    caller that holds the writer lock itself (or through
    :meth:`orchestration.resources.WarehouseResource.connection`, which takes
    it), and one-off reads of ``serving.duckdb`` (:func:`orchestration.serving.open_serving` for a
    reader that must see the newest publish while other connections are open).
    """
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        yield con
    finally:
        con.close()
