"""The warehouse report asset: charts of serving.duckdb as one self-contained HTML file and a PDF."""

import dagster as dg

from orchestration.reporting import write_report
from orchestration.reporting.build import REPORT_DIR_NAME
from orchestration.resources import WarehouseResource


@dg.asset(
    key="warehouse_report",
    # the review list embeds the evidence images (evidence_images writes them beside the warehouse)
    deps=[dg.AssetKey("serving_database"), dg.AssetKey("evidence_images")],
    group_name="reports",
    kinds={"html", "pdf"},
    description=(
        "report/report.html under WAREHOUSE_DIR: the charts of the published marts (spending by department, "
        "spending unit and funding source; function classes and plan vs outcome where whole disclosures are "
        "loaded; largest projects; indicator quality; documents and reconciliation findings), each with a "
        "one-line reading and its numbers; the review list with each row's evidence image. One file, no request to any other host. report.pdf printed "
        "from it by headless Chromium when installed. Built from serving.duckdb, read-only."
    ),
)
def warehouse_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Write the report from ``serving.duckdb``; the metadata lists every chart and its reading.

    A report that cannot be written never fails the data run (the marts are already published):
    the error is logged and recorded in the metadata (``report_error``), the previous report stays.
    """
    try:
        files = write_report(warehouse.serving_path, warehouse.root / REPORT_DIR_NAME)
    except Exception as error:  # noqa: BLE001 - the data run's outcome does not depend on its report
        context.log.exception("warehouse report not written; the published marts are unaffected")
        return dg.MaterializeResult(metadata={
            "report_error": f"{type(error).__name__}: {str(error)[:500]}",
            "charts": 0,
        })
    if files.pdf_error:
        context.log.warning(f"report.pdf not written: {files.pdf_error}")
    chart_list = "\n".join(
        f"| {s.title} | {'chart' if s.spec else 'list' if s.html is not None else 'not drawn'} | "
        f"{(s.reading if s.spec or s.html is not None else s.note or '').replace('|', '/')} |"
        for s in files.sections
    )
    metadata = {
        "html": dg.MetadataValue.path(str(files.html)),
        "html_bytes": files.html.stat().st_size,
        "charts": len(files.charts),
        "chart_list": dg.MetadataValue.md("| chart | state | reading |\n|---|---|---|\n" + chart_list),
        "seconds": round(files.seconds, 2),
    }
    if files.pdf:
        metadata["pdf"] = dg.MetadataValue.path(str(files.pdf))
    else:
        metadata["pdf_error"] = files.pdf_error or "skipped"
    return dg.MaterializeResult(metadata=metadata)
