"""Great Expectations suites as blocking Dagster asset checks on the staging tables.

A failed ``critical`` expectation fails the check with ERROR severity, and
because the checks are blocking the dbt marts downstream are not built.
``warning`` expectations that fail are reported in the check's metadata
with severity WARN.
"""


import duckdb
import dagster as dg

from orchestration.quality import STAGING_SUITE_QUERIES, SuiteOutcome, run_suite
from orchestration.resources import WarehouseResource


def _outcome_table(outcome: SuiteOutcome) -> str:
    rows = ["| expectation | column | severity | ok | unexpected rows |", "|---|---|---|---|---|"]
    for o in outcome.outcomes:
        rows.append(f"| {o.expectation} | {o.column or ''} | {o.severity} | {'✅' if o.success else '❌'} | {o.unexpected_count if o.unexpected_count is not None else ''} |")
    return "\n".join(rows)


def check_result_from_suite(outcome: SuiteOutcome) -> dg.AssetCheckResult:
    """Translate a GX suite outcome into a Dagster ``AssetCheckResult``.

    Passed unless a critical expectation failed (ERROR); failed warnings give
    a failed result with WARN severity, which never blocks.
    """
    blocking, warnings = outcome.blocking_failures, outcome.warnings
    return dg.AssetCheckResult(
        passed=not blocking and not warnings,
        severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
        description=f"GX suite {outcome.suite}",
        metadata={
            "gx_suite": outcome.suite,
            "rows_validated": outcome.row_count,
            "expectations": len(outcome.outcomes),
            "blocking_failures": [f"{o.expectation}({o.column})" for o in blocking],
            "warnings": [f"{o.expectation}({o.column}): {o.unexpected_count} rows" for o in warnings],
            "results": dg.MetadataValue.md(_outcome_table(outcome)),
        },
    )


def _gx_check(suite_name: str, table: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["staging", table]),
        name=f"gx_{suite_name}",
        description=f"Great Expectations suite `{suite_name}` (expectations/gx/expectations/{suite_name}.json); critical expectations block the marts.",
        blocking=True,
    )
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.writer_lock():
            con = duckdb.connect(str(warehouse.duckdb_path), read_only=True)
            try:
                frame = con.execute(STAGING_SUITE_QUERIES[suite_name]).df()
            finally:
                con.close()
        return check_result_from_suite(run_suite(suite_name, frame))

    return _check


staging_checks = [_gx_check(suite, suite.removeprefix("staging_")) for suite in STAGING_SUITE_QUERIES]
