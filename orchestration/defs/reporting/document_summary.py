"""The run report asset: the per-document summary as Markdown metadata."""


import dagster as dg

from orchestration.defs.reporting import AFTER_PUBLISH_OP_TAGS
from orchestration.resources import WarehouseResource
from orchestration.summary import MAX_LISTED, fetch_summary, to_markdown


@dg.asset(
    key="document_summary",
    deps=[dg.AssetKey(["marts", "rpt_document_summary"])],
    op_tags=AFTER_PUBLISH_OP_TAGS,
    group_name="reports",
    kinds={"duckdb"},
    description=(
        "One row per document: type, department, fiscal year, spending units, projects, "
        "indicators, 合计 (万元) and reconciliation status. Shown as a Markdown table in the "
        "materialization metadata."
    ),
)
def document_summary(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.writer_lock():
        rows = fetch_summary(warehouse.duckdb_path)
    not_ok = [r["file_name"] for r in rows if r["reconciliation_status"] not in (None, "", "OK")]
    if not_ok:
        listed = ", ".join(not_ok[:MAX_LISTED]) + (f" and {len(not_ok) - MAX_LISTED:,} more" if len(not_ok) > MAX_LISTED else "")
        context.log.warning(f"Documents whose amounts do not reconcile in the source ({len(not_ok)}): {listed}")
    return dg.MaterializeResult(
        metadata={
            "summary": dg.MetadataValue.md(to_markdown(rows)),
            "documents": len(rows),
            "not_reconciled": len(not_ok),
            "dagster/row_count": len(rows),
        }
    )
