"""PostgreSQL writer of the ``raw`` schema (cluster profile): same tables and columns as the DuckDB one.

The DDL is derived from ``orchestration/raw_schema.sql`` and the flattened-record columns of
:func:`orchestration.ingestion.loading.flattened_columns_ddl` (one source of the column list): the only DuckDB
spelling they use that PostgreSQL does not read is ``DOUBLE`` (PostgreSQL: ``DOUBLE PRECISION``), and
DuckDB-only upgrade statements (``ALTER COLUMN … SET DATA TYPE`` of :data:`WIDENED_COLUMNS`) are not needed
on a database this version creates. The rows come from :func:`orchestration.ingestion.loading.raw_rows`, the same
mapping the DuckDB writer uses.

Many writers at once: each document is one transaction (delete its rows, insert them again), and a
transaction-level advisory lock on the document id serialises two writers of the *same* document only;
writers of different documents never wait for each other (no single-writer lock as with DuckDB).
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from typing import Iterator

from orchestration.parsing.records import PARSER_VERSION, ParsedDocument
from orchestration.ingestion.loading import RAW_TABLES, DocumentRegistration, flattened_columns_ddl, raw_ddl, raw_rows

#: Rows per ``INSERT … VALUES`` page (psycopg2's ``execute_values``).
PAGE_ROWS = 500

_DUCKDB_ONLY_TYPES = ((re.compile(r"\bDOUBLE\b(?!\s+PRECISION)"), "DOUBLE PRECISION"),)


def postgres_ddl() -> list[str]:
    """The statements that create (or upgrade) the raw schema in PostgreSQL, from ``raw_schema.sql``.

    Comments are dropped, the script is split at ``;`` and DuckDB's ``DOUBLE`` becomes ``DOUBLE PRECISION``;
    everything else (``VARCHAR[]``, ``DECIMAL(18, 2)``, ``ADD COLUMN IF NOT EXISTS``) is read by both.
    """
    script = "\n".join(line.split("--", 1)[0] for line in raw_ddl().splitlines())
    statements = [s.strip() for s in script.split(";") if s.strip()] + flattened_columns_ddl()
    return [_to_postgres(s) for s in statements]


def _to_postgres(statement: str) -> str:
    for pattern, replacement in _DUCKDB_ONLY_TYPES:
        statement = pattern.sub(replacement, statement)
    return statement


@contextmanager
def connect(url: str) -> Iterator["psycopg2.extensions.connection"]:  # noqa: F821
    """A connection to the PostgreSQL warehouse at ``url`` with the raw schema applied (idempotent), closed on exit.

    Two processes applying the DDL at once are serialised by an advisory lock (``CREATE … IF NOT EXISTS``
    alone races in PostgreSQL's catalog).
    """
    import psycopg2

    con = psycopg2.connect(url)
    try:
        apply_schema(con)
        yield con
    finally:
        con.close()


def apply_schema(con) -> None:
    """Create the raw schema and tables (``IF NOT EXISTS``) in one transaction under an advisory lock."""
    with con:
        with con.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext('budget_etl raw schema'))")
            for statement in postgres_ddl():
                cur.execute(statement)


def write_document(con, registration: DocumentRegistration, parsed: ParsedDocument | None, status: str,
                   error: str | None = None) -> dict[str, int]:
    """Replace every raw row of one document in one PostgreSQL transaction; returns ``{table: rows written}``.

    Same contract as :func:`orchestration.ingestion.loading.write_document` (``first_seen_at`` survives re-loads of
    the same bytes; a quarantined document gets its ``raw.documents`` row only); any database error rolls
    the transaction back and is re-raised, leaving the previous version of the document in place.
    """
    from psycopg2.extras import execute_values

    doc_id = registration.document_id
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    written: dict[str, int] = {}
    with con:  # commit on success, rollback on any exception
        with con.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [doc_id])
            cur.execute("SELECT first_seen_at FROM raw.documents WHERE document_id = %s", [doc_id])
            previous = cur.fetchone()
            for table in RAW_TABLES:  # names from the code, never from input
                cur.execute(f"DELETE FROM raw.{table} WHERE document_id = %s", [doc_id])
            cur.execute(
                "INSERT INTO raw.documents (document_id, file_name, source_path, format, layout, doc_type, title, "
                "department, fiscal_year, fiscal_year_source, page_count, byte_size, parser_version, status, error, "
                "ingested_at, first_seen_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [doc_id, registration.file_name, registration.source_path, registration.format,
                 parsed.layout if parsed else None, parsed.doc_type if parsed else None,
                 parsed.title if parsed else None, parsed.department if parsed else None,
                 parsed.fiscal_year if parsed else None, parsed.fiscal_year_source if parsed else None,
                 parsed.page_count if parsed else None, registration.byte_size, PARSER_VERSION, status, error,
                 now, previous[0] if previous else now])
            written["documents"] = 1
            if parsed is not None and status != "quarantined":
                for table, columns, rows in raw_rows(doc_id, parsed):
                    column_list = ", ".join(columns)  # record field names, never document content
                    execute_values(cur, f"INSERT INTO raw.{table} ({column_list}) VALUES %s", rows,
                                   page_size=PAGE_ROWS)
                    written[table] = len(rows)
    return written


def table_row_counts(con) -> dict[str, int]:
    """Row count per raw table."""
    with con.cursor() as cur:
        counts = {}
        for table in RAW_TABLES:
            cur.execute(f"SELECT count(*) FROM raw.{table}")
            counts[table] = int(cur.fetchone()[0])
    con.rollback()
    return counts
