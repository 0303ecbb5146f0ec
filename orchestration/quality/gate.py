"""The per-document quality gate: validate the documents just staged, quarantine those that fail.

Runs the document suites over the documents just staged, *before* dbt: a
document with a failed critical expectation is quarantined (status
``quarantined`` so dbt's ``is_loaded`` filter keeps its rows out of the
marts; the failing expectations in ``documents.error``; its file kept under
``quarantine/`` with a ``.reason.json`` by :mod:`orchestration.ingestion.filing`);
warnings are recorded in ``quality.expectation_results`` and never block.
Other documents proceed.

No Dagster imports: ``orchestration.defs.ingestion.assets`` calls :func:`gate_documents`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Iterable

import duckdb

from orchestration.ingestion.filing import FiledDocument, keep_in_quarantine
from orchestration.quality.runner import SuiteOutcome, run_staging_suites

QUALITY_DDL = """
CREATE SCHEMA IF NOT EXISTS quality;
-- One row per (document, expectation) from the latest gate run of the document:
-- failed expectations of every severity, so warnings are recorded, not only errors.
CREATE TABLE IF NOT EXISTS quality.expectation_results (
    document_id       VARCHAR NOT NULL,
    file_name         VARCHAR,
    validated_at      TIMESTAMP NOT NULL,   -- UTC
    run_id            VARCHAR,              -- Dagster run (NULL outside Dagster)
    suite             VARCHAR NOT NULL,
    expectation       VARCHAR NOT NULL,
    column_name       VARCHAR,
    severity          VARCHAR NOT NULL,     -- critical | warning | info
    unexpected_rows   INTEGER NOT NULL,
    notes             VARCHAR,
    sample            VARCHAR,              -- JSON: a few failing rows as GX reported them
    data_docs_page    VARCHAR
);
"""


@dataclasses.dataclass(frozen=True)
class DocumentVerdict:
    """What the gate decided for one document: ``quarantined`` or ``passed``, and why."""

    document_id: str
    file_name: str
    status: str  # passed | quarantined
    errors: tuple[tuple[str, int], ...]  # (expectation label, failing rows) of critical failures
    warnings: tuple[tuple[str, int], ...]
    reason: str | None
    kept_path: str | None = None

    @property
    def quarantined(self) -> bool:
        return self.status == "quarantined"


@dataclasses.dataclass(frozen=True)
class GateReport:
    """The gate's result for one batch of documents."""

    verdicts: tuple[DocumentVerdict, ...]
    suites: tuple[SuiteOutcome, ...]

    @property
    def quarantined(self) -> list[DocumentVerdict]:
        """Documents quarantined by the gate."""
        return [v for v in self.verdicts if v.quarantined]

    @property
    def warned(self) -> list[DocumentVerdict]:
        """Documents that passed with warnings."""
        return [v for v in self.verdicts if not v.quarantined and v.warnings]

    @property
    def data_docs_pages(self) -> dict[str, str]:
        """Suite → Data Docs page of this validation."""
        return {s.suite: s.data_docs_page for s in self.suites if s.data_docs_page}


def gate_reason(file_name: str, errors: Iterable[tuple[str, int]]) -> str:
    """The ``documents.error`` text of a document that failed the gate (starts with the file name, like parse errors)."""
    listed = "; ".join(f"{label}: {n} row(s)" for label, n in errors)
    return (f"{file_name}: Failed the data-quality gate (critical GX expectations): {listed}. "
            "Fix the source document (or the parser) and drop it again; see the GX Data Docs for the rows.")


def gate_documents(
    con: duckdb.DuckDBPyConnection,
    document_ids: list[str],
    quarantine_dir: Path | None = None,
    move_files: bool = False,
    run_id: str | None = None,
    defer_docs: bool = False,
) -> GateReport:
    """Validate the staged rows of ``document_ids`` and quarantine the documents that fail.

    Runs every document-scope suite once over the batch, attributes each
    failing row to its document (GX ``unexpected_index_list`` with
    ``document_id``), then, in one transaction: replaces the documents' rows
    in ``quality.expectation_results`` and sets ``status = 'quarantined'`` and
    ``error`` (the failing critical expectations) on each failing document.
    Its raw rows stay for diagnosis; dbt's ``is_loaded`` filter keeps them
    out of the marts. When ``quarantine_dir`` is given the document's file is
    kept there with a ``.reason.json`` (moved when ``move_files``, i.e. from
    the drop archive; copied in batch runs, whose input is never changed).

    Only ``loaded`` documents are validated; other ids are ignored. ``defer_docs``: the Data Docs
    pages of a batch that passes every suite are left to ``runner.build_pending_data_docs``.
    """
    con.execute(QUALITY_DDL)
    if not document_ids:
        return GateReport((), ())
    loaded = con.execute(
        "SELECT document_id, file_name, source_path FROM raw.documents "
        "WHERE list_contains(?, document_id) AND status = 'loaded' ORDER BY file_name",
        [document_ids],
    ).fetchall()
    ids = [r[0] for r in loaded]
    if not ids:
        return GateReport((), ())
    suites = run_staging_suites(con, ids, defer_docs=defer_docs)
    errors: dict[str, list] = defaultdict(list)
    warnings: dict[str, list] = defaultdict(list)
    failed_rows = []
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    names = {r[0]: r[1] for r in loaded}
    for suite in suites:
        for o in suite.outcomes:
            if o.success:
                continue
            for doc_id, n in o.unexpected_by_document.items():
                (errors if o.severity == "critical" else warnings)[doc_id].append((o.label, n))
                sample = [s for s in o.sample if s.get("document_id") == doc_id][:5]
                failed_rows.append([doc_id, names.get(doc_id), now, run_id, o.suite, o.expectation, o.column,
                                    o.severity, n, o.notes, json.dumps(sample, ensure_ascii=False), suite.data_docs_page])
    verdicts = []
    for doc_id, file_name, source_path in loaded:
        reason = gate_reason(file_name, errors[doc_id]) if errors[doc_id] else None
        verdicts.append(DocumentVerdict(doc_id, file_name, "quarantined" if reason else "passed",
                                        tuple(errors[doc_id]), tuple(warnings[doc_id]), reason, source_path))
    kept: dict[str, str] = {}
    if quarantine_dir is not None:
        for v in verdicts:
            if v.quarantined and v.kept_path:
                document = FiledDocument(v.document_id, v.file_name, v.kept_path)
                kept[v.document_id] = str(keep_in_quarantine(Path(v.kept_path), document, v.reason or "",
                                                             Path(quarantine_dir), move_files))
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM quality.expectation_results WHERE list_contains(?, document_id)", [ids])
        if failed_rows:
            con.executemany("INSERT INTO quality.expectation_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", failed_rows)
        for v in verdicts:
            if v.quarantined:
                con.execute(
                    "UPDATE raw.documents SET status = 'quarantined', error = ?, "
                    "source_path = coalesce(?, source_path) WHERE document_id = ?",
                    [v.reason, kept.get(v.document_id) if move_files else None, v.document_id],
                )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    verdicts = [dataclasses.replace(v, kept_path=kept.get(v.document_id)) for v in verdicts]
    return GateReport(tuple(verdicts), tuple(suites))
