"""Author the GX suites, validation definitions and checkpoints in ``expectations/gx/``.

The JSON files under ``expectations/gx/{expectations,validation_definitions,checkpoints}``
are the versioned artefacts the pipeline reads; this script is how they are
written (GX's own API, so the files are exactly what GX 1.x expects). Run it
after changing a rule here, review the JSON diff and commit both::

    python -m orchestration.devtools.gx_suites

Severity (GX-native ``severity``): ``critical`` blocks the document (it is
quarantined by the gate in ``orchestration.quality``), ``warning`` is recorded
and alerted but never blocks. Every expectation carries ``notes`` saying why
it has its severity; ``orchestration.quality.SUITES`` lists which query feeds
which suite.

Amount comparisons are made in whole cents (``*_cents`` BIGINT columns
computed in SQL from DECIMAL(18,2)), so no float tolerance is involved:
a difference of exactly 1 cent is "rounding in the source" (warning), more
than 1 cent is an error (critical).
"""

from __future__ import annotations

import csv
import os
import shutil

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import great_expectations as gx  # noqa: E402
import great_expectations.expectations as gxe  # noqa: E402

from orchestration.settings import DBT_PROJECT_DIR, EXPECTATIONS_DIR, gx_data_dir  # noqa: E402

C, W = "critical", "warning"
PROJECT = 'line_type=="project"'
AMOUNTS = ("amount_total", "amount_fiscal_appropriation", "amount_special_account", "amount_other")


def taxonomy_codes() -> tuple[list[str], list[str]]:
    """Level-1 and level-2 codes of the official taxonomy (the dbt seed ``indicator_category``)."""
    with open(DBT_PROJECT_DIR / "seeds" / "indicator_category.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    level1 = [r["category_code"] for r in rows if r["category_level"] == "1"]
    level2 = [r["category_code"] for r in rows if r["category_level"] == "2"]
    return level1, level2


def _where(expectation, condition: str):
    expectation.row_condition = condition
    expectation.condition_parser = "pandas"
    return expectation


def suite_definitions() -> dict[str, tuple[str, list]]:
    """Suite name → (description, expectations). The single place where rules and severities are decided."""
    level1, level2 = taxonomy_codes()
    suites: dict[str, tuple[str, list]] = {}

    suites["staging_documents"] = (
        "Per document (one row per loaded document): required header fields and the shape of a 项目支出绩效目标表.",
        [
            gxe.ExpectColumnValuesToNotBeNull(column="document_id", severity=C),
            gxe.ExpectColumnValueLengthsToEqual(column="document_id", value=64, severity=C,
                                                notes="document_id is a SHA-256 hex digest."),
            gxe.ExpectColumnValuesToBeInSet(column="doc_type", value_set=["project_targets", "department_targets", "budget_disclosure"], severity=C),
            gxe.ExpectColumnValuesToNotBeNull(column="department", severity=C, notes="部门名称 is required."),
            gxe.ExpectColumnValuesToBeBetween(column="fiscal_year", min_value=2000, max_value=2100, severity=W,
                                              notes="Warning: some documents do not print their year (NULL is allowed, out of range is suspicious)."),
            _where(gxe.ExpectColumnValuesToBeBetween(column="department_total_lines", min_value=1, max_value=1, severity=C,
                                                     notes="A 项目支出绩效目标表 has exactly one 合计 row."), 'doc_type=="project_targets"'),
            _where(gxe.ExpectColumnValuesToBeBetween(column="project_lines", min_value=1, severity=C,
                                                     notes="A 项目支出绩效目标表 lists at least one project."), 'doc_type=="project_targets"'),
        ],
    )

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
        _where(gxe.ExpectColumnValuesToNotBeNull(column="spending_unit", severity=C), 'line_type!="department_total"'),
        _where(gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["document_id", "spending_unit", "project_name"], severity=C,
            notes="(document, spending unit, project) is unique after the parser removed page-break repeats: "
                  "a second row for the same project would be counted twice."), PROJECT),
        _where(gxe.ExpectColumnValuesToNotBeNull(column="goal_text", severity=W, notes="Each project states a 绩效目标."), PROJECT),
    ]
    suites["staging_budget_lines"] = ("Per document: budget lines (合计, 资金使用单位, 项目), amounts in 万元.", lines)

    suites["staging_reconciliation"] = (
        "Per document: one row per (parent line, amount column): projects sum to their spending unit, "
        "units (or projects directly under it) to the 合计, column by column, in cents.",
        [
            gxe.ExpectColumnValuesToBeBetween(
                column="difference_cents", min_value=-1, max_value=1, severity=C,
                notes="Parent vs sum of children more than 0.01 万元 apart: the document does not add up (error)."),
            gxe.ExpectColumnValuesToBeBetween(
                column="difference_cents", min_value=0, max_value=0, severity=W,
                notes="Rounding in the source: exactly 0.01 万元 apart (seed 003: 合计 13,789.02 vs units 13,789.01; "
                      "a unit 639.88 vs its projects 639.89) is reported, not blocked."),
        ],
    )

    suites["staging_performance_indicators"] = (
        "Per document: 绩效指标 rows: keys, sequence, taxonomy codes, targets present.",
        [
            gxe.ExpectColumnValuesToNotBeNull(column="raw_text", severity=C),
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["document_id", "line_no", "seq"], severity=C),
            gxe.ExpectColumnValuesToBeInSet(column="project_line_type", value_set=["project"], severity=C,
                                            notes="Indicators hang off an existing project row."),
            gxe.ExpectColumnValuesToNotBeNull(column="project_line_type", severity=C),
            gxe.ExpectColumnValuesToBeBetween(column="seq_gap", min_value=0, max_value=0, severity=C,
                                              notes="seq is contiguous per project: 1, 2, 3 … (seq − row number = 0)."),
            gxe.ExpectColumnValuesToNotBeNull(column="level1_code", severity=C, notes="Every indicator has a 一级指标 code."),
            gxe.ExpectColumnValuesToBeInSet(column="level1_code", value_set=level1, severity=C,
                                            notes="一级指标 code from the official taxonomy (dbt seed indicator_category)."),
            gxe.ExpectColumnValuesToNotBeNull(column="level2_code", severity=C, notes="Every indicator has a 二级指标 code."),
            gxe.ExpectColumnValuesToBeInSet(column="level2_code", value_set=level2, severity=C,
                                            notes="二级指标 code from the official taxonomy (dbt seed indicator_category)."),
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
        ],
    )

    suites["domain_indicator_targets"] = (
        "Per document, domain rules on each indicator's normalized targets.",
        [
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
        ],
    )

    suites["domain_projects"] = (
        "Per document, one row per project: the indicator categories it covers.",
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="has_output_and_outcome", value_set=[True], severity=W,
                notes="Each project has at least one 产出 (1x) and one 效益 (21–24) indicator. An error in the rules, "
                      "reported as a warning: the seeds break it."),
            gxe.ExpectColumnValuesToBeInSet(
                column="has_satisfaction", value_set=[True], severity=W,
                notes="A 满意度 (31) indicator is present."),
        ],
    )

    suites["marts_row_counts"] = (
        "After dbt: one row per mart and its staging source (current versions of loaded documents).",
        [gxe.ExpectColumnValuesToBeBetween(column="difference", min_value=0, max_value=0, severity=C,
                                           notes="Mart row count = staging row count.")],
    )
    suites["marts_dimension_joins"] = (
        "After dbt: one row per (fact, dimension) with the number of fact rows that do not join.",
        [gxe.ExpectColumnValuesToBeBetween(column="orphan_rows", min_value=0, max_value=0, severity=C,
                                           notes="Every fact row joins its dimensions.")],
    )
    suites["marts_department_totals"] = (
        "After dbt: one row per (department, fiscal year, amount column): sum of projects in "
        "marts.fct_project_budget vs staging, in cents.",
        [gxe.ExpectColumnValuesToBeBetween(column="difference_cents", min_value=0, max_value=0, severity=C,
                                           notes="Totals per department in the marts equal the staging totals.")],
    )
    suites["marts_disclosure_checks"] = (
        "After dbt: the cross-table rules of each 部门预算 / 部门决算 (marts.rpt_disclosure_checks, one row per "
        "thing checked: document, table, page, the two numbers). A difference printed in the source is a "
        "finding to show, not a reason to drop the document: severity warning.",
        [gxe.ExpectColumnValuesToBeBetween(
            column="difference_cents", min_value=0, max_value=0, severity=W,
            notes="收支总表 balances; 收入总表 合计 = 收支总表 income; 类 = Σ款, 款 = Σ项, 合计 = Σ rows; 合计 = 基本 + 项目; "
                  "财政拨款收支总表 = Σ fund types and = the 功能分类 tables; 三公 合计 = parts; one code, one amount.")],
    )
    return suites


#: Index columns GX reports for every unexpected row (document scope), so
#: failures can be attributed to documents and read in the Data Docs.
DOCUMENT_INDEX_COLUMNS = ["document_id", "file_name"]


def write_context(project_root: str | None = None) -> None:
    """(Re)write every suite, its dataframe asset, validation definition and checkpoint."""
    from orchestration.quality import SUITES, gx_context  # the query side of each suite; the context

    context = gx_context(project_root or str(EXPECTATIONS_DIR))
    datasource = context.data_sources.get("warehouse")
    definitions = suite_definitions()
    assert set(definitions) == set(SUITES), "every suite needs a query in orchestration.quality.SUITES"
    for folder in ("expectations", "validation_definitions", "checkpoints"):
        for path in (EXPECTATIONS_DIR / "gx" / folder).glob("*.json"):
            path.unlink()
    for asset_name in [a.name for a in datasource.assets]:
        datasource.delete_asset(asset_name)
    for name, (description, expectations) in definitions.items():
        spec = SUITES[name]
        asset = datasource.add_dataframe_asset(name=name)
        batch = asset.add_batch_definition_whole_dataframe("whole_table")
        suite = gx.ExpectationSuite(name=name, meta={"description": description, "scope": spec.scope})
        for e in expectations:
            suite.add_expectation(e)
        suite = context.suites.add(suite)
        validation = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
        result_format = {"result_format": "COMPLETE", "partial_unexpected_count": 20}
        if spec.scope == "document":
            result_format["unexpected_index_column_names"] = DOCUMENT_INDEX_COLUMNS
        else:
            result_format["unexpected_index_column_names"] = list(spec.index_columns)
        context.checkpoints.add(
            gx.Checkpoint(
                name=name,
                validation_definitions=[validation],
                # No UpdateDataDocsAction: quality.run_suites builds the Data Docs once for all the
                # suites of a run (an action per checkpoint rebuilt the index page six times per gate).
                actions=[],
                result_format=result_format,
            )
        )
    shutil.rmtree(gx_data_dir() / "data_docs", ignore_errors=True)


if __name__ == "__main__":
    write_context()
    print("Wrote", ", ".join(suite_definitions()))
