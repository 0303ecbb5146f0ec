"""Great Expectations suites over the DuckDB staging tables.

How GX reads DuckDB: GX 1.x has no DuckDB datasource, and over SQLAlchemy
(duckdb_engine) every expectation fails because GX closes the connection
before fetching. We therefore read each table from DuckDB into a pandas
DataFrame with a plain query (below) and validate it with GX's public pandas
datasource (``warehouse`` in ``expectations/gx/great_expectations.yml``).
The tables validated here are small (thousands of rows per city-year), so
the copy costs milliseconds.

Suites are GX-native JSON files in ``expectations/gx/expectations/``
(versioned in git); each expectation carries a GX severity: ``critical``
failures block (the Dagster asset check fails with ERROR severity and the
marts are not built), ``warning`` failures are recorded only.

No Dagster imports: ``orchestration.assets.checks`` wires these into asset checks.
"""

from __future__ import annotations

import dataclasses
import os
from functools import lru_cache
from pathlib import Path

import duckdb

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
import great_expectations as gx  # noqa: E402  (env var must be set first)

from orchestration.settings import EXPECTATIONS_DIR  # noqa: E402

#: Suite name → query producing the batch it validates (only loaded documents
#: feed the marts, so only their rows are gated).
STAGING_SUITE_QUERIES: dict[str, str] = {
    "staging_documents": "SELECT * FROM staging.documents",
    "staging_budget_lines": """
        SELECT b.*,
               -- 总计 minus its parts, empty cells counted as 0 (万元)
               CAST(b.amount_total AS DOUBLE)
                 - CAST(coalesce(b.amount_fiscal_appropriation, 0)
                        + coalesce(b.amount_special_account, 0)
                        + coalesce(b.amount_other, 0) AS DOUBLE) AS amount_parts_gap
        FROM staging.budget_lines b
        JOIN staging.documents d USING (document_id)
        WHERE d.status = 'loaded'
    """,
    "staging_performance_indicators": """
        SELECT i.*, b.line_type AS project_line_type
        FROM staging.performance_indicators i
        JOIN staging.documents d USING (document_id)
        LEFT JOIN staging.budget_lines b USING (document_id, line_no)
        WHERE d.status = 'loaded'
    """,
}


@dataclasses.dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result: type, column, severity (critical/warning/info), success, unexpected rows."""

    suite: str
    expectation: str
    column: str | None
    severity: str
    success: bool
    unexpected_count: int | None
    notes: str | None


@dataclasses.dataclass(frozen=True)
class SuiteOutcome:
    """Result of one suite on one batch: ``blocking_failures`` are failed critical expectations."""

    suite: str
    row_count: int
    outcomes: tuple[ExpectationOutcome, ...]

    @property
    def blocking_failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "critical"]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity != "critical"]


@lru_cache(maxsize=4)
def gx_context(project_root: str | None = None):
    """The file-based GX context in ``expectations/`` (cached per process)."""
    return gx.get_context(mode="file", project_root_dir=project_root or str(EXPECTATIONS_DIR))


def run_suite(suite_name: str, dataframe) -> SuiteOutcome:
    """Validate ``dataframe`` with the validation definition named ``suite_name``.

    Raises ``great_expectations`` errors when the suite does not exist.
    """
    validation = gx_context().validation_definitions.get(suite_name)
    result = validation.run(batch_parameters={"dataframe": dataframe}, result_format="SUMMARY")
    outcomes = []
    for r in result.results:
        cfg = r.expectation_config
        severity = getattr(cfg, "severity", None)
        outcomes.append(
            ExpectationOutcome(
                suite=suite_name,
                expectation=cfg.type,
                column=cfg.kwargs.get("column") or (",".join(cfg.kwargs.get("column_list", [])) or None),
                severity=str(getattr(severity, "value", severity) or "critical"),
                success=bool(r.success),
                unexpected_count=(r.result or {}).get("unexpected_count"),
                notes=cfg.notes if isinstance(cfg.notes, str) else None,
            )
        )
    return SuiteOutcome(suite=suite_name, row_count=len(dataframe), outcomes=tuple(outcomes))


def run_staging_suites(con: duckdb.DuckDBPyConnection) -> list[SuiteOutcome]:
    """Run every staging suite on the current warehouse; one ``SuiteOutcome`` per suite."""
    return [run_suite(name, con.execute(query).df()) for name, query in STAGING_SUITE_QUERIES.items()]


def validate_warehouse(db_path: str | Path) -> list[SuiteOutcome]:
    """Open ``db_path`` read-only and run the staging suites (used by ``make validate``)."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return run_staging_suites(con)
    finally:
        con.close()
