"""The Great Expectations suites: for each suite, the SQL of its batch and its expectations, together.

A suite validates a pandas DataFrame read from DuckDB with its SQL (GX 1.x has
no DuckDB datasource; see :mod:`orchestration.quality.runner`). Rules that
span rows (reconciliation, contiguous sequence, per-project coverage, mart vs
raw tables) are computed in that SQL as one row per thing checked with a computed
column (``difference_cents``, ``seq_gap``, ``has_output_and_outcome`` …) that a
plain column expectation then checks, so GX's Data Docs show every offending
row with its document.

Each expectation carries GX's own severity: ``critical`` blocks the document
(it is quarantined by :mod:`orchestration.quality.gate`), ``warning`` is
recorded and alerted but never blocks; its ``notes`` say why. Amount
comparisons are made in whole cents (``*_cents`` BIGINT columns computed in
SQL from DECIMAL(18,2)): a difference of exactly 1 cent is "rounding in the
source" (warning), more is an error (critical).

This module is the one place where a suite is decided. The GX-native JSON in
``expectations/gx/{expectations,validation_definitions,checkpoints}/`` is
generated from it (``python -m devtools.gx_suites``, versioned in git) and
``tests/unit/test_quality_contract.py`` fails when the two disagree.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Callable

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
import great_expectations.expectations as gxe  # noqa: E402  (env var must be set first)

from orchestration.quality.dbt_macros import render_macro  # noqa: E402
from orchestration.settings import DBT_PROJECT_DIR  # noqa: E402
from orchestration.parsing.vocabulary import taxonomy_codes  # noqa: E402

C, W = "critical", "warning"
PROJECT = 'line_type=="project"'
AMOUNTS = ("amount_total", "amount_fiscal_appropriation", "amount_special_account", "amount_other")


def _where(expectation, condition: str):
    expectation.row_condition = condition
    expectation.condition_parser = "pandas"
    return expectation


# --------------------------------------------------------------------------
# The batches: one SQL query per suite
# --------------------------------------------------------------------------


def _in_documents(alias: str) -> str:
    """``<alias>.document_id`` among the ids bound to ``?`` as one list: the one DuckDB-specific SQL of the
    suites (``list_contains``); ``tests/unit/test_portable_mart_sql.py`` checks the rest is portable."""
    return f"list_contains(?, {alias}.document_id)"


def _doc_filter(alias: str, document_ids: list[str] | None) -> tuple[str, list]:
    """The documents ``document_ids`` whatever their status (the gate validates what it just staged; a test may
    validate a quarantined one), or every loaded document when ``None``; ``<alias>`` is a registry row
    (``raw.documents`` or ``stg_documents``). The checks of a run pass its loaded documents
    (``orchestration/defs/quality/checks.py``)."""
    if document_ids is None:
        return f"{alias}.status = 'loaded'", []
    return _in_documents(alias), [document_ids]


def _documents_sql(ids):
    where, params = _doc_filter("d", ids)
    return f"""
        SELECT d.document_id, d.file_name, d.doc_type, d.department, d.fiscal_year,
               count(*) FILTER (WHERE b.line_type = 'department_total') AS department_total_lines,
               count(*) FILTER (WHERE b.line_type = 'project')          AS project_lines
        FROM raw.documents d
        LEFT JOIN raw.budget_lines b USING (document_id)
        WHERE {where}
        GROUP BY d.document_id, d.file_name, d.doc_type, d.department, d.fiscal_year
        ORDER BY d.file_name
    """, params


def _documents_expectations() -> list:
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="document_id", severity=C),
        gxe.ExpectColumnValueLengthsToEqual(column="document_id", value=64, severity=C,
                                            notes="document_id is a SHA-256 hex digest."),
        gxe.ExpectColumnValuesToBeInSet(column="doc_type", value_set=["project_targets", "department_targets", "budget_disclosure", "budget_narrative"], severity=C),
        gxe.ExpectColumnValuesToNotBeNull(
            column="department", severity=W,
            notes="部门名称 printed. A form that names no department loads (its indicators are real) and is reported: "
                  "department_unknown, and the marts label it （部门未知）<file name>."),
        gxe.ExpectColumnValuesToBeBetween(column="fiscal_year", min_value=2000, max_value=2100, severity=W,
                                          notes="Warning: some documents do not print their year (NULL is allowed, out of range is suspicious)."),
        _where(gxe.ExpectColumnValuesToBeBetween(column="department_total_lines", min_value=1, max_value=1, severity=C,
                                                 notes="A 项目支出绩效目标表 has exactly one 合计 row."), 'doc_type=="project_targets"'),
        _where(gxe.ExpectColumnValuesToBeBetween(column="project_lines", min_value=1, severity=C,
                                                 notes="A 项目支出绩效目标表 lists at least one project."), 'doc_type=="project_targets"'),
    ]


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
        FROM raw.budget_lines b
        JOIN raw.documents d USING (document_id)
        WHERE {where}
        ORDER BY d.file_name, b.line_no
    """, params


def _budget_lines_expectations() -> list:
    lines = [
        gxe.ExpectColumnValuesToNotBeNull(column="line_no", severity=C),
        gxe.ExpectColumnValuesToBeInSet(column="line_type", value_set=["department_total", "spending_unit", "project"], severity=C),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["document_id", "line_no"], severity=C),
        gxe.ExpectColumnValuesToNotBeNull(column="amount_total", severity=C,
                                          notes="Every row states its 总计 (万元); a missing amount blocks the document."),
    ]
    lines += [
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, severity=C, notes=f"{c} is a budget amount in 万元 and is never negative.")
        for c in AMOUNTS
    ]
    lines += [
        gxe.ExpectColumnValuesToBeBetween(
            column="parts_gap_cents", min_value=-1, max_value=1, severity=C,
            notes="总计 = 财政拨款 + 财政专户拨款 + 其他资金 (empty cells count as 0): more than 0.01 万元 apart is an error."),
        gxe.ExpectColumnValuesToBeBetween(
            column="parts_gap_cents", min_value=0, max_value=0, severity=W,
            notes="Rounding in the source: 总计 and its parts 0.01 万元 apart (seed 003's 合计 row) is reported, not blocked."),
        _where(gxe.ExpectColumnValuesToNotBeNull(column="project_name", severity=C), PROJECT),
        _where(gxe.ExpectColumnValuesToNotBeNull(
            column="spending_unit", severity=W,
            notes="A row names its 资金使用单位 or sits under one; a project printed with no unit (a single-project form "
                  "without 实施单位) is the department's own (int_budget_lines), reported."), 'line_type!="department_total"'),
        _where(gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["document_id", "spending_unit", "project_name"], severity=C,
            notes="(document, spending unit, project) is unique after the parser removed page-break repeats: "
                  "a second row for the same project would be counted twice."), PROJECT),
        _where(gxe.ExpectColumnValuesToNotBeNull(column="goal_text", severity=W, notes="Each project states a 绩效目标."), PROJECT),
    ]
    return lines


def _reconciliation_sql(ids):
    """Parent (合计 or 资金使用单位) vs the sum of its children per amount column, in cents.

    The rule is dbt's: the macros ``budget_line_parents`` and ``budget_reconciliation``
    (``dbt_project/macros/budget_hierarchy.sql``) that ``int_budget_lines`` and
    ``int_budget_reconciliation`` are built from, rendered here over the raw rows of the
    gated documents (the gate decides before dbt runs, so it cannot read the models). The
    parser's ``reconciliation_difference`` events are a parse finding, not this rule
    (see :func:`orchestration.parsing.amounts.reconciliation_events`)."""
    where, params = _doc_filter("d", ids)
    parents = render_macro("budget_hierarchy.sql", "budget_line_parents", "lines")
    reconciliation = render_macro("budget_hierarchy.sql", "budget_reconciliation", "with_parent")
    return f"""
        WITH lines AS (
            SELECT b.* FROM raw.budget_lines b
            JOIN raw.documents d USING (document_id) WHERE {where}
        ),
        with_parent AS ({parents}),
        reconciliation AS ({reconciliation})
        SELECT r.document_id, d.file_name, r.parent_line_no, r.parent_line_type, r.spending_unit,
               r.amount_column, r.parent_amount, r.children_count, r.children_sum,
               CAST(round(r.difference * 100) AS BIGINT) AS difference_cents
        FROM reconciliation r
        JOIN raw.documents d USING (document_id)
        ORDER BY d.file_name, r.parent_line_no, r.amount_column
    """, params


def _reconciliation_expectations() -> list:
    return [
        gxe.ExpectColumnValuesToBeBetween(
            column="difference_cents", min_value=-1, max_value=1, severity=C,
            notes="Parent vs sum of children more than 0.01 万元 apart: the document does not add up (error)."),
        gxe.ExpectColumnValuesToBeBetween(
            column="difference_cents", min_value=0, max_value=0, severity=W,
            notes="Rounding in the source: exactly 0.01 万元 apart (seed 003: 合计 13,789.02 vs units 13,789.01; "
                  "a unit 639.88 vs its projects 639.89) is reported, not blocked."),
    ]


def _indicators_sql(ids):
    where, params = _doc_filter("d", ids)
    return f"""
        SELECT i.*, d.file_name, b.line_type AS project_line_type,
               i.seq - row_number() OVER (PARTITION BY i.document_id, i.line_no ORDER BY i.seq) AS seq_gap,
               CASE WHEN i.level1_code IS NOT NULL AND i.level2_code IS NOT NULL
                    THEN substr(i.level2_code, 1, 1) = i.level1_code END AS taxonomy_consistent,
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
        FROM raw.performance_indicators i
        JOIN raw.documents d USING (document_id)
        LEFT JOIN raw.budget_lines b USING (document_id, line_no)
        WHERE {where}
        ORDER BY d.file_name, i.line_no, i.seq
    """, params


def _indicators_expectations() -> list:
    level1, level2 = taxonomy_codes()
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="raw_text", severity=C),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["document_id", "line_no", "seq"], severity=C),
        gxe.ExpectColumnValuesToBeInSet(column="project_line_type", value_set=["project"], severity=C,
                                        notes="Indicators hang off an existing project row."),
        gxe.ExpectColumnValuesToNotBeNull(column="project_line_type", severity=C),
        gxe.ExpectColumnValuesToBeBetween(column="seq_gap", min_value=0, max_value=0, severity=C,
                                          notes="seq is contiguous per project: 1, 2, 3 … (seq − row number = 0)."),
        gxe.ExpectColumnValuesToNotBeNull(column="level1_code", severity=C, notes="Every indicator has a 一级指标 code."),
        gxe.ExpectColumnValuesToBeInSet(column="level1_code", value_set=level1, severity=W,
                                        notes="一级指标 code from the official taxonomy (dbt seed indicator_category). "
                                              "A code outside it is a finding on that indicator (the next framework "
                                              "adds codes: 2026 added 4 成本指标), never a reason to drop the document."),
        gxe.ExpectColumnValuesToNotBeNull(column="level2_code", severity=C, notes="Every indicator has a 二级指标 code."),
        gxe.ExpectColumnValuesToBeInSet(column="level2_code", value_set=level2, severity=W,
                                        notes="二级指标 code from the official taxonomy (dbt seed indicator_category): "
                                              "outside it, a finding on that indicator (warning), not a quarantine."),
        gxe.ExpectColumnValuesToBeInSet(
            column="taxonomy_consistent", value_set=[True], severity=W,
            notes="The 二级指标 code's first digit is its 一级指标 code. The seeds print e.g. 2-效益指标；31-服务对象满意度: "
                  "kept and flagged (marts.fct_indicator_target.is_taxonomy_violation), a warning."),
        gxe.ExpectColumnValuesToNotBeNull(column="indicator_name", severity=W),
        gxe.ExpectColumnValuesToBeInSet(
            column="has_target", value_set=[True], severity=C,
            notes="Targets are never silently empty: an indicator with neither 实施周期指标值 nor 年度指标值 blocks."),
        gxe.ExpectColumnValuesToBeInSet(
            column="has_annual_target", value_set=[True], severity=W,
            notes="年度指标值 empty while 实施周期指标值 is given: reported."),
    ]


def _indicator_targets_expectations() -> list:
    return [
        gxe.ExpectColumnValuesToBeBetween(
            column="percent_value", min_value=0, max_value=100, severity=C,
            notes="A percent target lies within 0–100 (relative changes such as 增长20% excluded)."),
        gxe.ExpectColumnValuesToBeInSet(
            column="quantitative_has_unit", value_set=[True], severity=W,
            notes="A quantitative target carries a unit. An error in the rules, reported as a warning: "
                  "the seeds break it (e.g. ≥90, 不低于7000 without a unit)."),
        gxe.ExpectColumnValuesToBeInSet(
            column="period_annual_agree", value_set=[True], severity=W,
            notes="年度指标值 and 实施周期指标值 agree in unit and comparator (same rule as "
                  "marts.fct_indicator_target.is_target_mismatch)."),
    ]


def _projects_sql(ids):
    where, params = _doc_filter("d", ids)
    return f"""
        SELECT b.document_id, d.file_name, b.line_no, b.spending_unit, b.project_name,
               count(i.seq) AS indicator_count,
               coalesce(bool_or(i.level1_code = '1'), false)
                 AND coalesce(bool_or(i.level2_code IN ('21', '22', '23', '24')), false) AS has_output_and_outcome,
               coalesce(bool_or(i.level2_code = '31' OR i.level1_code = '3'), false) AS has_satisfaction
        FROM raw.budget_lines b
        JOIN raw.documents d USING (document_id)
        LEFT JOIN raw.performance_indicators i USING (document_id, line_no)
        WHERE b.line_type = 'project' AND {where}
        GROUP BY b.document_id, d.file_name, b.line_no, b.spending_unit, b.project_name
        ORDER BY d.file_name, b.line_no
    """, params


def _projects_expectations() -> list:
    return [
        gxe.ExpectColumnValuesToBeInSet(
            column="has_output_and_outcome", value_set=[True], severity=W,
            notes="Each project has at least one 产出 (1x) and one 效益 (21–24) indicator. An error in the rules, "
                  "reported as a warning: the seeds break it."),
        gxe.ExpectColumnValuesToBeInSet(
            column="has_satisfaction", value_set=[True], severity=W,
            notes="A 满意度 (31) indicator is present."),
    ]


# Marts suites: the marts hold the *current* version of each loaded document
# (marts.dim_document.is_current, ranked in dbt's int_documents), so the raw tables are restricted to the same set.
_CURRENT = "(SELECT document_id FROM marts.dim_document WHERE is_current AND status = 'loaded')"


# The marts suites below read marts with portable SQL (no GROUP BY ALL, UNPIVOT, left() or list
# functions): they must run unchanged when the marts move to another adapter (docs/scaling.md).
# The document suites above read the raw schema the pipeline writes; their SQL is portable too
# except _doc_filter (list_contains over a list parameter), the one DuckDB-specific fragment.


def _marts_row_counts_sql(_ids):
    return f"""
        SELECT * , mart_rows - raw_rows AS difference FROM (
          SELECT 'marts.fct_project_budget' AS mart, 'raw.budget_lines (projects)' AS raw_source,
                 (SELECT count(*) FROM raw.budget_lines WHERE line_type = 'project' AND document_id IN {_CURRENT}) AS raw_rows,
                 (SELECT count(*) FROM marts.fct_project_budget) AS mart_rows
          UNION ALL
          SELECT 'marts.dim_project', 'raw.budget_lines (projects)',
                 (SELECT count(*) FROM raw.budget_lines WHERE line_type = 'project' AND document_id IN {_CURRENT}),
                 (SELECT count(*) FROM marts.dim_project)
          UNION ALL
          SELECT 'marts.fct_indicator_target', 'raw.performance_indicators',
                 (SELECT count(*) FROM raw.performance_indicators WHERE document_id IN {_CURRENT}),
                 (SELECT count(*) FROM marts.fct_indicator_target)
          UNION ALL
          SELECT 'marts.fct_department_target', 'raw.department_indicators',
                 (SELECT count(*) FROM raw.department_indicators WHERE document_id IN {_CURRENT}),
                 (SELECT count(*) FROM marts.fct_department_target)
          UNION ALL
          SELECT 'marts.rpt_document_summary', 'raw.documents',
                 (SELECT count(*) FROM raw.documents),
                 (SELECT count(*) FROM marts.rpt_document_summary)
        )
    """, []


def _departments_of(alias: str, ids: list[str] | None) -> tuple[str, list]:
    """A join that keeps the (department, fiscal year) of ``<alias>`` when one of ``ids`` belongs to it (as
    dbt's ``stg_documents`` names departments); empty (every department) when ``ids`` is ``None``."""
    if ids is None:
        return "", []
    where, params = _doc_filter("sd", ids)
    return (f"JOIN (SELECT DISTINCT department, fiscal_year FROM stg.stg_documents sd WHERE {where}) run_departments "
            f"ON run_departments.department = {alias}.department "
            f"AND run_departments.fiscal_year IS NOT DISTINCT FROM {alias}.fiscal_year"), params


def _marts_department_totals_sql(ids):
    # A document's run compares the departments (and years) of its documents, all their documents included;
    # the nightly rebuild every department.
    staged_scope, staged_params = _departments_of("d", ids)
    marted_scope, marted_params = _departments_of("f", ids)
    return f"""
        WITH staged AS (
            SELECT d.department, d.fiscal_year, c.amount_column,
                   sum(CASE c.amount_column WHEN 'amount_total' THEN b.amount_total
                        WHEN 'amount_fiscal_appropriation' THEN b.amount_fiscal_appropriation
                        WHEN 'amount_special_account' THEN b.amount_special_account
                        ELSE b.amount_other END) AS raw_sum
            FROM raw.budget_lines b
            -- the department as the marts name it (an unnamed one is （部门未知）<file>: dbt's stg_documents)
            JOIN stg.stg_documents d USING (document_id)
            {staged_scope}
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
            {marted_scope}
            CROSS JOIN (VALUES ('amount_total'), ('amount_fiscal_appropriation'),
                               ('amount_special_account'), ('amount_other')) AS c(amount_column)
            GROUP BY f.department, f.fiscal_year, c.amount_column
        )
        SELECT coalesce(s.department, m.department) AS department, coalesce(s.fiscal_year, m.fiscal_year) AS fiscal_year,
               coalesce(s.amount_column, m.amount_column) AS amount_column, s.raw_sum, m.mart_sum,
               CAST(round((coalesce(m.mart_sum, 0) - coalesce(s.raw_sum, 0)) * 100) AS BIGINT) AS difference_cents
        FROM staged s FULL OUTER JOIN marted m
          ON s.department = m.department AND s.fiscal_year IS NOT DISTINCT FROM m.fiscal_year
         AND s.amount_column = m.amount_column
        ORDER BY 1, 2, 3
    """, staged_params + marted_params


def _marts_disclosure_checks_sql(ids):
    # The rules are written once, as the dbt model marts.rpt_disclosure_checks (one row per
    # thing checked, with its evidence); the suite only says that a difference is a WARN finding.
    # A document's run reads its documents' rows; the nightly rebuild every row.
    where, params = ("", []) if ids is None else ("WHERE " + _in_documents("c"), [ids])
    return f"""
        SELECT document_id, file_name, department_name, rule, severity, table_title, source_page, subject,
               bbox_x0, bbox_top, bbox_x1, bbox_bottom,
               left_label, left_yuan, right_label, right_yuan, unit_as_printed, difference_yuan, difference_cents
        FROM marts.rpt_disclosure_checks c
        {where}
        ORDER BY file_name, rule, source_page, subject
    """, params


#: Index columns GX reports for every unexpected row of a document-scope suite, so
#: failures can be attributed to documents and read in the Data Docs.
DOCUMENT_INDEX_COLUMNS = ("document_id", "file_name")


@dataclasses.dataclass(frozen=True)
class SuiteSpec:
    """One suite: where its batch comes from and what it expects of it.

    ``scope`` is ``document`` (raw rows of given documents; every row has
    ``document_id`` and ``file_name``; run by the gate before dbt) or
    ``marts`` (after dbt: the rows of given documents, the totals of their
    departments, or — row counts — whole tables). ``sql(document_ids)``
    returns ``(query, params)``; ``document_ids=None`` means every loaded
    document. ``expectations()`` builds the suite's GX expectations (read
    lazily: the taxonomy comes from the dbt seed). ``index_columns`` name a
    row in the Data Docs (marts suites; document suites use
    :data:`DOCUMENT_INDEX_COLUMNS`).
    """

    name: str
    scope: str
    sql: Callable[[list[str] | None], tuple[str, list]]
    description: str
    expectations: Callable[[], list]
    index_columns: tuple[str, ...] = ()

    @property
    def result_format(self) -> dict:
        """The checkpoint's GX result format: every failing row, named by its index columns."""
        index = DOCUMENT_INDEX_COLUMNS if self.scope == "document" else self.index_columns
        return {"result_format": "COMPLETE", "partial_unexpected_count": 20,
                "unexpected_index_column_names": list(index)}


def _zero(column: str, severity: str, notes: str):
    return lambda: [gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=0, severity=severity, notes=notes)]


SUITES: dict[str, SuiteSpec] = {
    s.name: s
    for s in (
        SuiteSpec("staging_documents", "document", _documents_sql,
                  "Per document (one row per loaded document): required header fields and the shape of a 项目支出绩效目标表.",
                  _documents_expectations),
        SuiteSpec("staging_budget_lines", "document", _budget_lines_sql,
                  "Per document: budget lines (合计, 资金使用单位, 项目), amounts in 万元.", _budget_lines_expectations),
        SuiteSpec("staging_reconciliation", "document", _reconciliation_sql,
                  "Per document: one row per (parent line, amount column): projects sum to their spending unit, "
                  "units (or projects directly under it) to the 合计, column by column, in cents.",
                  _reconciliation_expectations),
        SuiteSpec("staging_performance_indicators", "document", _indicators_sql,
                  "Per document: 绩效指标 rows: keys, sequence, taxonomy codes, targets present.",
                  _indicators_expectations),
        SuiteSpec("domain_indicator_targets", "document", _indicators_sql,
                  "Per document, domain rules on each indicator's normalized targets.",
                  _indicator_targets_expectations),
        SuiteSpec("domain_projects", "document", _projects_sql,
                  "Per document, one row per project: the indicator categories it covers.",
                  _projects_expectations),
        SuiteSpec("marts_row_counts", "marts", _marts_row_counts_sql,
                  "After dbt: one row per mart and its raw source (current versions of loaded documents).",
                  _zero("difference", C, "Mart row count = raw row count."),
                  index_columns=("mart", "raw_source")),
        SuiteSpec("marts_department_totals", "marts", _marts_department_totals_sql,
                  "After dbt: one row per (department, fiscal year, amount column): sum of projects in "
                  "marts.fct_project_budget vs the raw tables, in cents.",
                  _zero("difference_cents", C, "Totals per department in the marts equal the raw totals."),
                  index_columns=("department", "fiscal_year", "amount_column")),
        SuiteSpec("marts_disclosure_checks", "marts", _marts_disclosure_checks_sql,
                  "After dbt: the cross-table rules of each 部门预算 / 部门决算 (marts.rpt_disclosure_checks, one row per "
                  "thing checked: document, table, page, the two numbers). A difference printed in the source is a "
                  "finding to show, not a reason to drop the document: severity warning.",
                  _zero("difference_cents", W,
                        "收支总表 balances; 收入总表 合计 = 收支总表 income; 类 = Σ款, 款 = Σ项, 合计 = Σ rows; 合计 = 基本 + 项目; "
                        "财政拨款收支总表 = Σ fund types and = the 功能分类 tables; 三公 合计 = parts; one code, one amount."),
                  index_columns=("file_name", "rule", "table_title", "source_page", "subject",
                                 "left_yuan", "right_yuan")),
    )
}
DOCUMENT_SUITES = [s for s in SUITES.values() if s.scope == "document"]
MARTS_SUITES = [s for s in SUITES.values() if s.scope == "marts"]


def suite_definitions() -> dict[str, tuple[str, list]]:
    """Suite name → (description, expectations), built from :data:`SUITES` (what ``devtools.gx_suites`` writes)."""
    return {name: (spec.description, spec.expectations()) for name, spec in SUITES.items()}
