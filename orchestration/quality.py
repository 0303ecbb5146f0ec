"""Great Expectations suites over the DuckDB warehouse, and the per-document quality gate.

How GX reads DuckDB: GX 1.x has no DuckDB datasource, and over SQLAlchemy
(duckdb_engine) every expectation fails because GX closes the connection
before fetching. We therefore read each batch from DuckDB into a pandas
DataFrame with a plain SQL query (``SUITES`` below) and validate it with GX's
public pandas datasource (``warehouse`` in ``expectations/gx/great_expectations.yml``).
Rules that span rows (reconciliation, contiguous sequence, per-project
coverage, mart vs staging) are computed in that SQL as one row per thing
checked with a computed column (``difference_cents``, ``seq_gap``,
``has_output_and_outcome`` …) that a plain column expectation then checks, so
GX's Data Docs show every offending row with its document.

Suites are GX-native JSON in ``expectations/gx/expectations/`` (written by
``orchestration/devtools/gx_suites.py``, versioned in git), each run through
its checkpoint (``expectations/gx/checkpoints/``, no actions); the Data Docs under
``$WAREHOUSE_DIR/gx/data_docs/`` are rebuilt once per set of suites; the newest :data:`KEEP_VALIDATIONS_PER_SUITE` stored results
per suite are kept (:func:`prune_validation_results`). Each expectation carries GX's own severity: ``critical``
(error) or ``warning``.

The gate (:func:`gate_documents`) runs the document suites over the documents
just staged, *before* dbt: a document with a failed critical expectation is
quarantined (status ``quarantined`` so dbt's ``is_loaded`` filter keeps its
rows out of the marts; the failing expectations in ``documents.error``; its
file kept under ``quarantine/`` with a ``.reason.json``); warnings are
recorded in ``quality.expectation_results`` and never block. Other documents
proceed.

No Dagster imports: ``orchestration.assets.checks`` wires these into asset checks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import shutil
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

import duckdb
from filelock import FileLock

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
import great_expectations as gx  # noqa: E402  (env var must be set first)

from orchestration.settings import EXPECTATIONS_DIR, gx_data_dir  # noqa: E402

GX_ROOT = EXPECTATIONS_DIR / "gx"
#: Validation results and Data Docs: under the warehouse, not in the repository
#: (``${GX_DATA_DIR}`` in great_expectations.yml; see settings.gx_data_dir).
GX_DATA_DIR = gx_data_dir()
DATA_DOCS_DIR = GX_DATA_DIR / "data_docs" / "local_site"

# --------------------------------------------------------------------------
# The batches: one SQL query per suite
# --------------------------------------------------------------------------


def _doc_filter(alias: str, document_ids: list[str] | None) -> tuple[str, list]:
    """``AND <alias>.document_id IN (...)`` for a document-scope query (or all loaded documents)."""
    if document_ids is None:
        return f"{alias}.status = 'loaded'", []
    return f"list_contains(?, {alias}.document_id)", [document_ids]


def _documents_sql(ids):
    where, params = _doc_filter("d", ids)
    return f"""
        SELECT d.document_id, d.file_name, d.doc_type, d.department, d.fiscal_year,
               count(*) FILTER (WHERE b.line_type = 'department_total') AS department_total_lines,
               count(*) FILTER (WHERE b.line_type = 'project')          AS project_lines
        FROM staging.documents d
        LEFT JOIN staging.budget_lines b USING (document_id)
        WHERE {where}
        GROUP BY ALL ORDER BY d.file_name
    """, params


def _budget_lines_sql(ids):
    where, params = _doc_filter("d", ids)
    return f"""
        SELECT b.*, d.file_name,
               -- 总计 minus its parts in cents (empty parts count as 0); NULL when 总计 or every part is empty
               CASE WHEN b.amount_total IS NOT NULL AND coalesce(b.amount_fiscal_appropriation,
                         b.amount_special_account, b.amount_other) IS NOT NULL THEN
                   CAST(round((b.amount_total - coalesce(b.amount_fiscal_appropriation, 0)
                               - coalesce(b.amount_special_account, 0) - coalesce(b.amount_other, 0)) * 100) AS BIGINT)
               END AS parts_gap_cents
        FROM staging.budget_lines b
        JOIN staging.documents d USING (document_id)
        WHERE {where}
        ORDER BY d.file_name, b.line_no
    """, params


def _reconciliation_sql(ids):
    """Parent (合计 or 资金使用单位) vs the sum of its children per amount column, as in
    dbt's ``int_budget_lines`` + ``int_budget_reconciliation`` (parents found by position).

    The gate runs before dbt, hence this copy of the rule; the test
    ``test_gate_reconciliation_agrees_with_dbt_int_budget_reconciliation``
    keeps the two equal row for row."""
    where, params = _doc_filter("d", ids)
    return f"""
        WITH lines AS (
            SELECT b.*, d.file_name FROM staging.budget_lines b
            JOIN staging.documents d USING (document_id) WHERE {where}
        ),
        positioned AS (
            SELECT *,
                   max(CASE WHEN line_type = 'spending_unit' THEN line_no END) OVER (
                       PARTITION BY document_id ORDER BY line_no ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                   ) AS unit_line_no,
                   max(CASE WHEN line_type = 'department_total' THEN line_no END) OVER (PARTITION BY document_id)
                       AS total_line_no
            FROM lines
        ),
        with_parent AS (
            SELECT *, CASE WHEN line_type = 'project' THEN coalesce(unit_line_no, total_line_no)
                           WHEN line_type = 'spending_unit' THEN total_line_no END AS parent_line_no
            FROM positioned
        ),
        amounts AS (
            UNPIVOT with_parent
            ON amount_total, amount_fiscal_appropriation, amount_special_account, amount_other
            INTO NAME amount_column VALUE amount
        ),
        all_amounts AS (  -- UNPIVOT drops NULL cells; they count as 0 on both sides
            SELECT document_id, line_no, amount_column, amount FROM amounts
        ),
        parents AS (
            SELECT w.document_id, w.file_name, w.line_no, w.line_type, w.spending_unit, c.amount_column,
                   a.amount
            FROM with_parent w
            CROSS JOIN (VALUES ('amount_total'), ('amount_fiscal_appropriation'),
                               ('amount_special_account'), ('amount_other')) AS c(amount_column)
            LEFT JOIN all_amounts a ON a.document_id = w.document_id AND a.line_no = w.line_no
                                   AND a.amount_column = c.amount_column
            WHERE w.line_type IN ('department_total', 'spending_unit')
        ),
        children AS (
            SELECT w.document_id, w.parent_line_no, a.amount_column, count(*) AS children_count, sum(a.amount) AS children_sum
            FROM with_parent w JOIN all_amounts a USING (document_id, line_no)
            WHERE w.parent_line_no IS NOT NULL
            GROUP BY ALL
        )
        SELECT p.document_id, p.file_name, p.line_no AS parent_line_no, p.line_type AS parent_line_type,
               p.spending_unit, p.amount_column, p.amount AS parent_amount,
               coalesce(c.children_count, 0) AS children_count, c.children_sum,
               CAST(round((coalesce(p.amount, 0) - coalesce(c.children_sum, 0)) * 100) AS BIGINT) AS difference_cents
        FROM parents p
        LEFT JOIN children c ON c.document_id = p.document_id AND c.parent_line_no = p.line_no
                            AND c.amount_column = p.amount_column
        ORDER BY p.file_name, p.line_no, p.amount_column
    """, params


def _indicators_sql(ids):
    where, params = _doc_filter("d", ids)
    return f"""
        SELECT i.*, d.file_name, b.line_type AS project_line_type,
               i.seq - row_number() OVER (PARTITION BY i.document_id, i.line_no ORDER BY i.seq) AS seq_gap,
               CASE WHEN i.level1_code IS NOT NULL AND i.level2_code IS NOT NULL
                    THEN left(i.level2_code, 1) = i.level1_code END AS taxonomy_consistent,
               nullif(trim(coalesce(i.annual_target, '')), '') IS NOT NULL
                 OR nullif(trim(coalesce(i.period_target, '')), '') IS NOT NULL AS has_target,
               CASE WHEN nullif(trim(coalesce(i.period_target, '')), '') IS NOT NULL
                    THEN nullif(trim(coalesce(i.annual_target, '')), '') IS NOT NULL END AS has_annual_target,
               -- domain rules on the normalized targets (annual first, else period)
               CASE WHEN i.annual_dimension = 'percent' AND NOT coalesce(i.annual_is_relative_change, false)
                    THEN greatest(i.annual_value, coalesce(i.annual_value_upper, i.annual_value))
                    WHEN i.period_dimension = 'percent' AND NOT coalesce(i.period_is_relative_change, false)
                    THEN greatest(i.period_value, coalesce(i.period_value_upper, i.period_value)) END AS percent_value,
               CASE WHEN i.annual_is_quantitative OR i.period_is_quantitative
                    THEN NOT ((coalesce(i.annual_is_quantitative, false) AND i.annual_unit IS NULL)
                              OR (coalesce(i.period_is_quantitative, false) AND i.period_unit IS NULL)) END
                   AS quantitative_has_unit,
               CASE WHEN i.period_target IS NOT NULL AND i.annual_target IS NOT NULL
                    THEN coalesce(i.period_unit_normalized, '') = coalesce(i.annual_unit_normalized, '')
                         AND i.period_comparator IS NOT DISTINCT FROM i.annual_comparator END AS period_annual_agree
        FROM staging.performance_indicators i
        JOIN staging.documents d USING (document_id)
        LEFT JOIN staging.budget_lines b USING (document_id, line_no)
        WHERE {where}
        ORDER BY d.file_name, i.line_no, i.seq
    """, params


def _projects_sql(ids):
    where, params = _doc_filter("d", ids)
    return f"""
        SELECT b.document_id, d.file_name, b.line_no, b.spending_unit, b.project_name,
               count(i.seq) AS indicator_count,
               coalesce(bool_or(i.level1_code = '1'), false)
                 AND coalesce(bool_or(i.level2_code IN ('21', '22', '23', '24')), false) AS has_output_and_outcome,
               coalesce(bool_or(i.level2_code = '31' OR i.level1_code = '3'), false) AS has_satisfaction
        FROM staging.budget_lines b
        JOIN staging.documents d USING (document_id)
        LEFT JOIN staging.performance_indicators i USING (document_id, line_no)
        WHERE b.line_type = 'project' AND {where}
        GROUP BY ALL ORDER BY d.file_name, b.line_no
    """, params


# Marts suites: the marts hold the *current* version of each loaded document
# (marts.dim_document.is_current, ranked in dbt's int_documents), so staging is restricted to the same set.
_CURRENT = "(SELECT document_id FROM marts.dim_document WHERE is_current AND status = 'loaded')"


# The marts suites below read marts with portable SQL (no GROUP BY ALL, UNPIVOT, left() or list
# functions): they must run unchanged when the marts move to another adapter (docs/scaling.md).
# The document and staging suites above read the DuckDB staging schema the pipeline writes and
# may use DuckDB's dialect.


def _marts_row_counts_sql(_ids):
    return f"""
        SELECT * , mart_rows - staging_rows AS difference FROM (
          SELECT 'marts.fct_project_budget' AS mart, 'staging.budget_lines (projects)' AS staging_source,
                 (SELECT count(*) FROM staging.budget_lines WHERE line_type = 'project' AND document_id IN {_CURRENT}) AS staging_rows,
                 (SELECT count(*) FROM marts.fct_project_budget) AS mart_rows
          UNION ALL
          SELECT 'marts.dim_project', 'staging.budget_lines (projects)',
                 (SELECT count(*) FROM staging.budget_lines WHERE line_type = 'project' AND document_id IN {_CURRENT}),
                 (SELECT count(*) FROM marts.dim_project)
          UNION ALL
          SELECT 'marts.fct_indicator_target', 'staging.performance_indicators',
                 (SELECT count(*) FROM staging.performance_indicators WHERE document_id IN {_CURRENT}),
                 (SELECT count(*) FROM marts.fct_indicator_target)
          UNION ALL
          SELECT 'marts.fct_department_target', 'staging.department_indicators',
                 (SELECT count(*) FROM staging.department_indicators WHERE document_id IN {_CURRENT}),
                 (SELECT count(*) FROM marts.fct_department_target)
          UNION ALL
          SELECT 'marts.rpt_document_summary', 'staging.documents',
                 (SELECT count(*) FROM staging.documents),
                 (SELECT count(*) FROM marts.rpt_document_summary)
        )
    """, []


_JOINS = (
    ("fct_project_budget", "dim_project", "project_key"),
    ("fct_project_budget", "dim_department", "department_key"),
    ("fct_project_budget", "dim_spending_unit", "spending_unit_key"),
    ("fct_indicator_target", "dim_project", "project_key"),
    ("fct_indicator_target", "dim_department", "department_key"),
    ("fct_indicator_target", "dim_spending_unit", "spending_unit_key"),
    ("fct_department_target", "dim_department", "department_key"),
    ("fct_department_income", "dim_department", "department_key"),
)


def _marts_joins_sql(_ids):
    # A NULL spending_unit_key is a project printed directly under the 合计 (no unit): not an orphan.
    parts = [
        f"""SELECT '{fact}' AS fact, '{dim}' AS dimension, '{key}' AS join_key,
                   (SELECT count(*) FROM marts.{fact} f
                    WHERE {"f." + key + " IS NOT NULL AND " if key == "spending_unit_key" else ""}
                          NOT EXISTS (SELECT 1 FROM marts.{dim} x WHERE x.{key} = f.{key})) AS orphan_rows"""
        for fact, dim, key in _JOINS
    ]
    return " UNION ALL ".join(parts), []


def _marts_department_totals_sql(_ids):
    return f"""
        WITH staged AS (
            SELECT d.department, d.fiscal_year, c.amount_column,
                   sum(CASE c.amount_column WHEN 'amount_total' THEN b.amount_total
                        WHEN 'amount_fiscal_appropriation' THEN b.amount_fiscal_appropriation
                        WHEN 'amount_special_account' THEN b.amount_special_account
                        ELSE b.amount_other END) AS staging_sum
            FROM staging.budget_lines b JOIN staging.documents d USING (document_id)
            CROSS JOIN (VALUES ('amount_total'), ('amount_fiscal_appropriation'),
                               ('amount_special_account'), ('amount_other')) AS c(amount_column)
            WHERE b.line_type = 'project' AND b.document_id IN {_CURRENT}
            GROUP BY d.department, d.fiscal_year, c.amount_column
        ),
        marted AS (
            SELECT f.department, f.fiscal_year, c.amount_column,
                   sum(CASE c.amount_column WHEN 'amount_total' THEN f.amount_total_wan
                        WHEN 'amount_fiscal_appropriation' THEN f.amount_fiscal_appropriation_wan
                        WHEN 'amount_special_account' THEN f.amount_special_account_wan
                        ELSE f.amount_other_wan END) AS mart_sum
            FROM marts.fct_project_budget f
            CROSS JOIN (VALUES ('amount_total'), ('amount_fiscal_appropriation'),
                               ('amount_special_account'), ('amount_other')) AS c(amount_column)
            GROUP BY f.department, f.fiscal_year, c.amount_column
        )
        SELECT coalesce(s.department, m.department) AS department, coalesce(s.fiscal_year, m.fiscal_year) AS fiscal_year,
               coalesce(s.amount_column, m.amount_column) AS amount_column, s.staging_sum, m.mart_sum,
               CAST(round((coalesce(m.mart_sum, 0) - coalesce(s.staging_sum, 0)) * 100) AS BIGINT) AS difference_cents
        FROM staged s FULL OUTER JOIN marted m
          ON s.department = m.department AND s.fiscal_year IS NOT DISTINCT FROM m.fiscal_year
         AND s.amount_column = m.amount_column
        ORDER BY 1, 2, 3
    """, []


def _marts_disclosure_checks_sql(_ids):
    # The rules are written once, as the dbt model marts.rpt_disclosure_checks (one row per
    # thing checked, with its evidence); the suite only says that a difference is a WARN finding.
    return """
        SELECT document_id, file_name, department_name, rule, severity, table_title, source_page, subject,
               bbox_x0, bbox_top, bbox_x1, bbox_bottom,
               left_label, left_yuan, right_label, right_yuan, unit_as_printed, difference_yuan, difference_cents
        FROM marts.rpt_disclosure_checks
        ORDER BY file_name, rule, source_page, subject
    """, []


@dataclasses.dataclass(frozen=True)
class SuiteSpec:
    """Where a suite's batch comes from.

    ``scope`` is ``document`` (staging rows of given documents; every row has
    ``document_id`` and ``file_name``; run by the gate before dbt) or
    ``marts`` (after dbt, over the whole warehouse). ``sql(document_ids)``
    returns ``(query, params)``; ``document_ids=None`` means every loaded
    document. ``index_columns`` name a row in the Data Docs (marts suites).
    """

    name: str
    scope: str
    sql: Callable[[list[str] | None], tuple[str, list]]
    staging_table: str | None = None
    index_columns: tuple[str, ...] = ()


SUITES: dict[str, SuiteSpec] = {
    s.name: s
    for s in (
        SuiteSpec("staging_documents", "document", _documents_sql, "documents"),
        SuiteSpec("staging_budget_lines", "document", _budget_lines_sql, "budget_lines"),
        SuiteSpec("staging_reconciliation", "document", _reconciliation_sql, "budget_lines"),
        SuiteSpec("staging_performance_indicators", "document", _indicators_sql, "performance_indicators"),
        SuiteSpec("domain_indicator_targets", "document", _indicators_sql, "performance_indicators"),
        SuiteSpec("domain_projects", "document", _projects_sql, "performance_indicators"),
        SuiteSpec("marts_row_counts", "marts", _marts_row_counts_sql, index_columns=("mart", "staging_source")),
        SuiteSpec("marts_dimension_joins", "marts", _marts_joins_sql, index_columns=("fact", "dimension")),
        SuiteSpec("marts_department_totals", "marts", _marts_department_totals_sql,
                  index_columns=("department", "fiscal_year", "amount_column")),
        SuiteSpec("marts_disclosure_checks", "marts", _marts_disclosure_checks_sql,
                  index_columns=("file_name", "rule", "table_title", "source_page", "subject",
                                 "left_yuan", "right_yuan")),
    )
}
DOCUMENT_SUITES = [s for s in SUITES.values() if s.scope == "document"]
MARTS_SUITES = [s for s in SUITES.values() if s.scope == "marts"]

# --------------------------------------------------------------------------
# Running a suite
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result on one batch.

    ``unexpected_by_document`` counts failing rows per document id
    (document-scope suites); ``sample`` holds a few failing rows as GX
    reported them (index columns and value).
    """

    suite: str
    expectation: str
    column: str | None
    severity: str
    success: bool
    unexpected_count: int | None
    notes: str | None
    unexpected_by_document: dict[str, int] = dataclasses.field(default_factory=dict)
    sample: tuple = ()

    @property
    def label(self) -> str:
        """``suite.expectation(column)``, the name used in reasons and alerts."""
        return f"{self.suite}.{self.expectation}({self.column or ''})"


@dataclasses.dataclass(frozen=True)
class SuiteOutcome:
    """Result of one suite on one batch: ``blocking_failures`` are failed critical expectations."""

    suite: str
    row_count: int
    outcomes: tuple[ExpectationOutcome, ...]
    data_docs_page: str | None = None

    @property
    def blocking_failures(self) -> list[ExpectationOutcome]:
        """Failed expectations of severity ``critical``."""
        return [o for o in self.outcomes if not o.success and o.severity == "critical"]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        """Failed expectations of severity ``warning`` (or ``info``)."""
        return [o for o in self.outcomes if not o.success and o.severity != "critical"]


@lru_cache(maxsize=4)
def gx_context(project_root: str | None = None):
    """The file-based GX context in ``expectations/`` (cached per process); its results and Data Docs in :data:`GX_DATA_DIR`."""
    os.environ["GX_DATA_DIR"] = str(GX_DATA_DIR)  # substituted into great_expectations.yml
    return gx.get_context(mode="file", project_root_dir=project_root or str(EXPECTATIONS_DIR))


def gx_lock() -> FileLock:
    """Serialises writers of the GX stores and Data Docs (validation results, index page)."""
    GX_DATA_DIR.mkdir(parents=True, exist_ok=True)
    return FileLock(str(GX_DATA_DIR / ".gx.lock"), timeout=600)


def _column_of(kwargs: dict) -> str | None:
    return kwargs.get("column") or (",".join(kwargs.get("column_list", [])) or None)


def _outcome(suite: str, r) -> ExpectationOutcome:
    cfg = r.expectation_config
    severity = getattr(cfg, "severity", None)
    result = r.result or {}
    column = _column_of(cfg.kwargs)
    by_document: Counter = Counter()
    sample = []
    for item in result.get("unexpected_index_list") or []:
        if isinstance(item, dict):
            if "document_id" in item:
                by_document[item["document_id"]] += 1
            if len(sample) < 10:
                sample.append({k: _jsonable(v) for k, v in item.items()})
    return ExpectationOutcome(
        suite=suite,
        expectation=cfg.type,
        column=column,
        severity=str(getattr(severity, "value", severity) or "critical"),
        success=bool(r.success),
        unexpected_count=result.get("unexpected_count"),
        notes=cfg.notes if isinstance(cfg.notes, str) else None,
        unexpected_by_document=dict(by_document),
        sample=tuple(sample),
    )


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _run_checkpoints(batches: list[tuple[str, object]]) -> list[SuiteOutcome]:
    """Run the checkpoint of each ``(suite name, DataFrame)``, then build the Data Docs once for all of them.

    Each checkpoint stores its validation result; the Data Docs pages of these
    results and the index page are then built in one pass (the checkpoints
    carry no ``UpdateDataDocsAction``: one per checkpoint rebuilt the index
    for every suite). ``data_docs_page`` is the local path of the page showing
    a result. Finally the stored results beyond the newest
    :data:`KEEP_VALIDATIONS_PER_SUITE` per suite are pruned. Raises
    ``great_expectations`` errors when a suite does not exist.
    """
    context = gx_context()
    runs = []
    with gx_lock():
        for suite_name, dataframe in batches:
            checkpoint = context.checkpoints.get(suite_name)
            result = checkpoint.run(batch_parameters={"dataframe": dataframe})
            (identifier, validation), = result.run_results.items()
            runs.append((suite_name, len(dataframe), identifier, validation))
        pages = _build_data_docs(context, [identifier for _, _, identifier, _ in runs])
        prune_validation_results(suites=[name for name, _ in batches])
    return [
        SuiteOutcome(
            suite=name,
            row_count=rows,
            outcomes=tuple(_outcome(name, r) for r in validation.results),
            data_docs_page=pages.get(identifier),
        )
        for name, rows, identifier, validation in runs
    ]


def _build_data_docs(context, identifiers: list) -> dict:
    """Build the Data Docs pages of ``identifiers`` (and the index); identifier → local page path.

    The site is built by ``orchestration.gx_data_docs.OfflineSiteBuilder``
    (``great_expectations.yml``): pages that open offline, or
    ``DataDocsNotSelfContained`` (a page would load from another host, or the
    vendored npm files are missing: ``make gx-assets``).

    A failure to render is logged (warning) and leaves the pages missing; it is
    never raised: the validation results are stored and the gate must not fail
    on documentation.
    """
    pages = {}
    try:
        context.build_data_docs(resource_identifiers=identifiers)
        for identifier in identifiers:
            urls = context.get_docs_sites_urls(resource_identifier=identifier)
            page = next((u["site_url"] for u in urls if u.get("site_url")), None)
            if page:
                pages[identifier] = page.removeprefix("file://")
    except Exception as error:  # noqa: BLE001 - a missing docs page must not fail the validation
        logging.getLogger(__name__).warning("GX Data Docs not built: %s", error)
    return pages


def suite_frame(con: duckdb.DuckDBPyConnection, suite_name: str, document_ids: list[str] | None = None):
    """The pandas DataFrame a suite validates (read from DuckDB with its SQL)."""
    sql, params = SUITES[suite_name].sql(document_ids)
    return con.execute(sql, params).df()


def run_suites(con: duckdb.DuckDBPyConnection, names: Iterable[str], document_ids: list[str] | None = None) -> list[SuiteOutcome]:
    """Run the named suites (document suites restricted to ``document_ids``; ``None``: every loaded document).

    One ``SuiteOutcome`` per suite, in the order given; Data Docs built once
    for the whole set (:func:`_run_checkpoints`).
    """
    frames: dict = {}
    batches = []
    for name in names:
        sql_fn = SUITES[name].sql
        if sql_fn not in frames:  # suites that share a query read it once
            frames[sql_fn] = suite_frame(con, name, document_ids)
        batches.append((name, frames[sql_fn]))
    return _run_checkpoints(batches)


#: Stored GX validation results (JSON) and their Data Docs pages kept per suite.
#: Every checkpoint run stores one; GX never deletes them, and each Data Docs
#: build lists them all, so without pruning the gate slows down run after run
#: (measured on 40 documents with 634 stored results: 14.1 s → 3.8 s
#: together with building the Data Docs once per run). Failures stay queryable for ever in
#: ``quality.expectation_results`` and in the asset-check history of Dagster.
KEEP_VALIDATIONS_PER_SUITE = 20


def prune_validation_results(
    keep: int | None = None, suites: Iterable[str] | None = None, data_dir: Path = GX_DATA_DIR
) -> int:
    """Delete all but the newest ``keep`` stored validation results of each suite, with their Data Docs pages.

    ``keep`` defaults to :data:`KEEP_VALIDATIONS_PER_SUITE`; ``suites``
    restricts the pruning to those suite folders (default: all).

    GX's file store lays results out as
    ``<data_dir>/validations/<suite>/<run name>/<run time>/<batch>.json`` and
    the pages as ``<data_dir>/data_docs/local_site/validations/<same>.html``;
    "newest" is by modification time. Empty folders left behind are removed.
    Returns the number of results deleted. Call with :func:`gx_lock` held.
    """
    store = data_dir / "validations"
    site = data_dir / "data_docs" / "local_site" / "validations"
    keep = KEEP_VALIDATIONS_PER_SUITE if keep is None else keep
    if keep < 1:
        raise ValueError(f"keep must be >= 1 (the newest result is the one just shown), got {keep}")
    suites = None if suites is None else set(suites)
    deleted = 0
    for suite_dir in sorted(store.iterdir()) if store.is_dir() else []:
        if not suite_dir.is_dir() or (suites is not None and suite_dir.name not in suites):
            continue
        results = sorted(suite_dir.rglob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for path in results[keep:]:
            relative = path.relative_to(store)
            path.unlink(missing_ok=True)
            (site / relative.with_suffix(".html")).unlink(missing_ok=True)
            deleted += 1
        for root in (suite_dir, site / suite_dir.name):
            _remove_empty_folders(root)
    return deleted


def _remove_empty_folders(root: Path) -> None:
    if not root.is_dir():
        return
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        try:
            folder.rmdir()  # only succeeds when empty
        except OSError:
            pass


def run_staging_suites(con: duckdb.DuckDBPyConnection, document_ids: list[str] | None = None) -> list[SuiteOutcome]:
    """Run every document-scope suite; one ``SuiteOutcome`` per suite."""
    return run_suites(con, [s.name for s in DOCUMENT_SUITES], document_ids)


def run_marts_suites(con: duckdb.DuckDBPyConnection) -> list[SuiteOutcome]:
    """Run the marts suites (after dbt); one ``SuiteOutcome`` per suite."""
    return run_suites(con, [s.name for s in MARTS_SUITES])


# --------------------------------------------------------------------------
# The gate: per document
# --------------------------------------------------------------------------

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
) -> GateReport:
    """Validate the staged rows of ``document_ids`` and quarantine the documents that fail.

    Runs every document-scope suite once over the batch, attributes each
    failing row to its document (GX ``unexpected_index_list`` with
    ``document_id``), then, in one transaction: replaces the documents' rows
    in ``quality.expectation_results`` and sets ``status = 'quarantined'`` and
    ``error`` (the failing critical expectations) on each failing document.
    Its staging rows stay for diagnosis; dbt's ``is_loaded`` filter keeps them
    out of the marts. When ``quarantine_dir`` is given the document's file is
    kept there with a ``.reason.json`` (moved when ``move_files``, i.e. from
    the drop archive; copied in batch runs, whose input is never changed).

    Only ``loaded`` documents are validated; other ids are ignored.
    """
    con.execute(QUALITY_DDL)
    if not document_ids:
        return GateReport((), ())
    loaded = con.execute(
        "SELECT document_id, file_name, source_path FROM staging.documents "
        "WHERE list_contains(?, document_id) AND status = 'loaded' ORDER BY file_name",
        [document_ids],
    ).fetchall()
    ids = [r[0] for r in loaded]
    if not ids:
        return GateReport((), ())
    suites = run_staging_suites(con, ids)
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
                kept[v.document_id] = str(_keep_in_quarantine(Path(v.kept_path), v, Path(quarantine_dir), move_files))
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM quality.expectation_results WHERE list_contains(?, document_id)", [ids])
        if failed_rows:
            con.executemany("INSERT INTO quality.expectation_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", failed_rows)
        for v in verdicts:
            if v.quarantined:
                con.execute(
                    "UPDATE staging.documents SET status = 'quarantined', error = ?, "
                    "source_path = coalesce(?, source_path) WHERE document_id = ?",
                    [v.reason, kept.get(v.document_id) if move_files else None, v.document_id],
                )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    verdicts = [dataclasses.replace(v, kept_path=kept.get(v.document_id)) for v in verdicts]
    return GateReport(tuple(verdicts), tuple(suites))


def _keep_in_quarantine(path: Path, verdict: DocumentVerdict, quarantine_dir: Path, move: bool) -> Path:
    """Move (drop archive) or copy (batch input) a gated document's file into quarantine, with its reason."""
    from orchestration.ingest import kept_file_name, write_reason
    from orchestration.warehouse import DocumentRegistration

    registration = DocumentRegistration(verdict.document_id, verdict.file_name, str(path), "", 0)
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    target = quarantine_dir / kept_file_name(registration)
    if path.resolve() != target.resolve() and path.is_file():
        if move:
            path.replace(target)
        elif not target.exists():
            shutil.copyfile(path, target)
    write_reason(target, registration, verdict.reason or "")
    return target


def validate_warehouse(db_path: str | Path) -> list[SuiteOutcome]:
    """Open ``db_path`` read-only and run every suite (document suites over all loaded
    documents, marts suites when the marts exist). Used by ``make validate``."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        outcomes = run_staging_suites(con)
        has_marts = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'marts'"
        ).fetchone()[0]
        if has_marts:
            outcomes += run_marts_suites(con)
        return outcomes
    finally:
        con.close()
