"""The export asset: the marts users filter most as one Excel workbook and one CSV per sheet (issue 27 §3)."""

import dagster as dg

from orchestration.reporting.export import EXPORT_DIR_NAME, write_export
from orchestration.resources import WarehouseResource


@dg.asset(
    key="warehouse_export",
    deps=[dg.AssetKey("serving_database")],
    group_name="reports",
    kinds={"excel", "csv"},
    description=(
        "export/warehouse_export.xlsx under WAREHOUSE_DIR: one sheet per view users filter most (spending by "
        "function class, year over year by function class, economic class and 三公 item, budget vs final "
        "accounts, targets vs the budget, targets vs outcomes when that mart exists, findings with their page "
        "and evidence link), Chinese headers with units, numbers as numbers, frozen header and auto filter; "
        "plus export/<sheet>.csv (UTF-8 with BOM). Read from serving.duckdb, written atomically."
    ),
)
def warehouse_export(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Write the workbook and the CSVs; the metadata lists the rows per sheet and the sheets skipped."""
    result = write_export(warehouse.serving_path, warehouse.root / EXPORT_DIR_NAME)
    for key, reason in result.skipped.items():
        context.log.info(f"sheet {key} skipped: {reason}")
    table = "\n".join(f"| {key} | {count} |" for key, count in result.rows.items())
    return dg.MaterializeResult(metadata={
        "workbook": dg.MetadataValue.path(str(result.workbook)),
        "sheets": len(result.rows),
        "rows_per_sheet": dg.MetadataValue.md("| sheet | rows |\n|---|---|\n" + table),
        "skipped": ", ".join(result.skipped) or "none",
    })
