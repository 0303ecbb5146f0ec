"""The evidence asset: an image of the source region of every review-queue row, rendered once, beside the warehouse."""

import dagster as dg

from orchestration.ingestion.filing import locate_document
from orchestration.reporting.evidence_store import read_requests, record_outcomes, summarise
from orchestration.reporting.evidence import render_evidence
from orchestration.defs.reporting import AFTER_PUBLISH_OP_TAGS
from orchestration.resources import WarehouseResource


@dg.asset(
    key="evidence_images",
    deps=[dg.AssetKey(["marts", "rpt_review_queue"])],
    op_tags=AFTER_PUBLISH_OP_TAGS,
    group_name="reports",
    kinds={"png"},
    description=(
        "evidence/<document_id>/p<page>-<hash>.png under WAREHOUSE_DIR: for every row of marts.rpt_review_queue "
        "with an evidence_path, the PDF page cropped around the cells in question with the cells outlined "
        "(or the lines of a text extract), rendered once per document, page and region; recorded in "
        "raw.evidence_images. A missing source file gives no image and a reason, never a failed run."
    ),
)
def evidence_images(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Render the evidence files the review queue names and that are not there yet; record every outcome."""
    with warehouse.connection(read_only=True) as con:
        requests, known_paths = read_requests(con)
    folders = [warehouse.archive_dir, warehouse.quarantine_dir]
    outcomes = render_evidence(requests, warehouse.root,
                               lambda document_id: locate_document(document_id, known_paths.get(document_id), folders))
    with warehouse.connection() as con:
        record_outcomes(con, outcomes)
    summary = summarise(outcomes)
    for outcome in outcomes:
        if not outcome.has_file:
            context.log.warning(f"no evidence image {outcome.evidence_path}: {outcome.reason}")
    return dg.MaterializeResult(metadata={**summary, "dagster/row_count": len(outcomes)})
