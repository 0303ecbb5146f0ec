"""Great Expectations suites as Dagster asset checks.

Three kinds (see ``orchestration/quality/suites.py`` for the suites):

- ``gx_document_gate`` on ``staged_documents`` — emitted by ``stage_documents``
  itself, right after it staged the run's documents: the per-document gate.
  A document failing a critical expectation has just been quarantined (kept
  out of the marts); the check then *fails with WARN severity* (it never
  blocks the other documents) and lists the quarantined documents and the
  warnings, so the alert sensor sees it. It passes when every document of the
  run is clean.
- ``gx_staging_*`` — blocking checks on the raw tables: the document
  suites, after the gate. They pass unless
  something systemic is wrong (a critical failure on loaded rows means the
  gate was bypassed), and report warnings and quarantined documents in metadata.
- ``gx_marts_*`` — blocking checks on the fact tables after dbt: row counts,
  dimension joins and per-department totals against the raw tables. A failure is
  ERROR and stops ``serving_database`` from publishing.

What a check covers (issue 29): in a run that stages documents (``streaming_job``, ``main_job``) the run's
documents — their rows, the totals of their departments, their disclosure findings
(:func:`orchestration.run_documents.run_document_ids`), so a drop's checks cost the same in a warehouse of 10
or 10,000 documents; in a run that stages none (``nightly_rebuild_job``, a check launched from the UI) every
loaded document. The mart row counts compare whole tables in both cases (two ``count(*)`` per mart).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.ingestion.ingest import IngestOutcome
from orchestration.run_documents import run_document_ids
from orchestration.quality.gate import GateReport
from orchestration.quality.runner import SuiteOutcome, run_suites
from orchestration.resources import WarehouseResource

GATE_CHECK_NAME = "gx_document_gate"

#: The asset of the staging step: the run's documents parsed, written to the raw tables and gated (one
#: materialization per run; the documents are rows of the registry ``raw.documents``, not partitions: issue 29).
#: The ``raw/<table>`` assets are materialized once per run after it.
STAGED_DOCUMENTS_KEY = dg.AssetKey("staged_documents")

#: Declared on the ``stage_documents`` multi-asset, which yields its result.
GATE_CHECK_SPEC = dg.AssetCheckSpec(
    name=GATE_CHECK_NAME,
    asset=STAGED_DOCUMENTS_KEY,
    description=(
        "Per-document GX gate (all document suites) over the documents of this run: a document failing a "
        "critical expectation is quarantined and kept out of the marts; warnings are recorded. Fails with "
        "WARN when a document was quarantined or warned, never blocks."
    ),
    blocking=False,
)


def _outcome_table(outcomes: list[SuiteOutcome]) -> str:
    rows = ["| suite | expectation | column | severity | ok | unexpected rows |", "|---|---|---|---|---|---|"]
    for suite in outcomes:
        for o in suite.outcomes:
            rows.append(f"| {suite.suite} | {o.expectation} | {o.column or ''} | {o.severity} | "
                        f"{'✅' if o.success else '❌'} | {o.unexpected_count if o.unexpected_count is not None else ''} |")
    return "\n".join(rows)


def data_docs_links(pages: dict[str, str]) -> dict[str, dg.MetadataValue]:
    """One clickable ``data_docs/<suite>`` link per GX Data Docs page (``file://`` URL of the local page)."""
    return {f"data_docs/{suite}": dg.MetadataValue.url(Path(page).as_uri()) for suite, page in sorted(pages.items())}


def apply_gate(outcomes: list[IngestOutcome], report: GateReport) -> list[IngestOutcome]:
    """The run's ingest outcomes with the gate's quarantines applied (status and reason)."""
    by_id = {v.document_id: v for v in report.quarantined}
    return [
        dataclasses.replace(o, status="quarantined", error=by_id[o.registration.document_id].reason)
        if o.registration.document_id in by_id else o
        for o in outcomes
    ]


def gate_check_result(report: GateReport) -> dg.AssetCheckResult:
    """The ``gx_document_gate`` evaluation for one run: WARN failure when any document was quarantined or warned."""
    quarantined = {v.file_name: [f"{label}: {n} rows" for label, n in v.errors] for v in report.quarantined}
    warned = {v.file_name: [f"{label}: {n} rows" for label, n in v.warnings] for v in report.verdicts if v.warnings}
    passed = not quarantined and not warned
    description = (
        f"{len(report.verdicts)} document(s) validated: {len(quarantined)} quarantined, "
        f"{sum(1 for v in report.verdicts if v.warnings and not v.quarantined)} passed with warnings"
    )
    return dg.AssetCheckResult(
        check_name=GATE_CHECK_NAME,
        asset_key=GATE_CHECK_SPEC.asset_key,
        passed=passed,
        severity=dg.AssetCheckSeverity.WARN,
        description=description,
        metadata={
            "documents_validated": len(report.verdicts),
            "quarantined": dg.MetadataValue.json(quarantined),
            "warnings": dg.MetadataValue.json(warned),
            "data_docs": dg.MetadataValue.json(report.data_docs_pages),
            **data_docs_links(report.data_docs_pages),
            "results": dg.MetadataValue.md(_outcome_table(list(report.suites))),
        },
    )


def check_result_from_suites(outcomes: list[SuiteOutcome], quarantined: dict | None = None,
                             scope: str = "every loaded document") -> dg.AssetCheckResult:
    """Translate GX suite outcomes into a Dagster ``AssetCheckResult``.

    Failed (ERROR) when a critical expectation failed; otherwise passed, with
    the warnings (expectation and rows), the quarantined documents and ``scope``
    (which documents the suites read) in metadata.
    """
    blocking = [o for s in outcomes for o in s.blocking_failures]
    warnings = [o for s in outcomes for o in s.warnings]
    return dg.AssetCheckResult(
        passed=not blocking,
        severity=dg.AssetCheckSeverity.ERROR,
        description="GX suites " + ", ".join(s.suite for s in outcomes) + f", over {scope}",
        metadata={
            "scope": scope,
            "gx_suites": [s.suite for s in outcomes],
            "rows_validated": sum(s.row_count for s in outcomes),
            "expectations": sum(len(s.outcomes) for s in outcomes),
            "blocking_failures": [f"{o.label}: {o.unexpected_count} rows" for o in blocking],
            "warnings": [f"{o.label}: {o.unexpected_count} rows" for o in warnings],
            "quarantined_documents": dg.MetadataValue.json(quarantined or {}),
            "data_docs": dg.MetadataValue.json({s.suite: s.data_docs_page for s in outcomes if s.data_docs_page}),
            **data_docs_links({s.suite: s.data_docs_page for s in outcomes if s.data_docs_page}),
            "results": dg.MetadataValue.md(_outcome_table(outcomes)),
        },
    )


def _quarantined_documents(con: duckdb.DuckDBPyConnection, document_ids: list[str] | None) -> dict[str, str]:
    """File name → reason of the quarantined documents among ``document_ids`` (``None``: all of them)."""
    scoped, params = ("", []) if document_ids is None else (" AND list_contains(?, document_id)", [document_ids])
    return dict(con.execute(
        f"SELECT file_name, error FROM raw.documents WHERE status = 'quarantined'{scoped} ORDER BY file_name", params,
    ).fetchall())


def loaded_among(con: duckdb.DuckDBPyConnection, document_ids: list[str] | None) -> list[str] | None:
    """The loaded documents among ``document_ids`` (``None`` stays ``None``: every loaded document). A document of
    the run that the gate quarantined keeps its rows in the raw tables; the checks after the gate leave it out,
    as the whole-warehouse scope (``status = 'loaded'``) does."""
    if document_ids is None:
        return None
    return [d for (d,) in con.execute(
        "SELECT document_id FROM raw.documents WHERE status = 'loaded' AND list_contains(?, document_id) "
        "ORDER BY document_id", [document_ids]).fetchall()]


def _gx_check(name: str, asset_key: list[str], suites: list[str], description: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=dg.AssetKey(asset_key), name=name, description=description, blocking=True)
    def _check(context, warehouse: WarehouseResource) -> dg.AssetCheckResult:  # context: AssetCheckExecutionContext
        document_ids = run_document_ids(context.run.run_config)  # None: the whole warehouse (nightly)
        with warehouse.connection(read_only=True) as con:
            # Data Docs of passing suites are built after publish (gx_data_docs), off the drop's path
            outcomes = run_suites(con, suites, loaded_among(con, document_ids), defer_docs=True)
            quarantined = _quarantined_documents(con, document_ids)
        scope = "every loaded document" if document_ids is None else f"the run's {len(document_ids)} document(s)"
        return check_result_from_suites(outcomes, quarantined, scope)

    return _check


_STAGING = ("After the per-document gate, over the run's documents (every loaded document in the nightly rebuild); "
            "fails (ERROR, blocking the marts) only when a critical expectation fails on loaded rows.")
_MARTS = ("After dbt, over the run's documents and their departments (the whole warehouse in the nightly rebuild); "
          "fails (ERROR, blocking serving.duckdb) when the marts disagree with the raw tables.")

staging_checks = [
    _gx_check("gx_staging_documents", ["raw", "documents"], ["staging_documents"],
              f"GX suite staging_documents. {_STAGING}"),
    _gx_check("gx_staging_budget_lines", ["raw", "budget_lines"], ["staging_budget_lines", "staging_reconciliation"],
              f"GX suites staging_budget_lines, staging_reconciliation. {_STAGING}"),
    _gx_check("gx_staging_performance_indicators", ["raw", "performance_indicators"],
              ["staging_performance_indicators", "domain_indicator_targets", "domain_projects"],
              f"GX suites staging_performance_indicators, domain_indicator_targets, domain_projects. {_STAGING}"),
]

marts_checks = [
    _gx_check("gx_marts_reconcile_with_staging", ["marts", "fct_project_budget"],
              ["marts_row_counts", "marts_department_totals"],
              f"GX suites marts_row_counts, marts_department_totals. {_MARTS}"),
    # The disclosure's own cross-table rules: a difference printed in the source is a WARN finding
    # (in the check's metadata and marts.rpt_disclosure_checks), never a failure of the run.
    _gx_check("gx_marts_disclosure_checks", ["marts", "rpt_disclosure_checks"], ["marts_disclosure_checks"],
              "GX suite marts_disclosure_checks over marts.rpt_disclosure_checks (部门预算/决算 cross-table rules, "
              "severity warning: findings with document, table, page and the two numbers)."),
]

#: Every GX check: the per-document gate, the raw-table suites and the mart suites (what ``streaming_job`` keeps
#: of the checks; ``orchestration/defs/jobs.py`` selects them by these keys). The names keep the word ``staging``
#: of their GX suites: a check's name is its id in the event log and in every alert (``<asset>:<check>``, by which
#: the alert outbox recognises a repeat).
GX_CHECK_KEYS = [GATE_CHECK_SPEC.key, *(key for check in staging_checks + marts_checks for key in check.check_keys)]
#: The ``gx_staging_*`` checks (what the nightly rebuild runs over the whole warehouse).
STAGING_CHECK_KEYS = [key for check in staging_checks for key in check.check_keys]
