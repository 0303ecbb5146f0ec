"""The GX Data Docs site as an asset: the pages of the run's passing validations, built after publish (issue 19)."""

import dagster as dg

from orchestration.quality.runner import DATA_DOCS_DIR, build_pending_data_docs


@dg.asset(
    key="gx_data_docs",
    deps=[dg.AssetKey("serving_database")],
    group_name="reports",
    kinds={"html"},
    description=(
        "The GX Data Docs pages (HTML, offline) of the validations that passed in the run's gate and GX checks. "
        "Those pages are built here, after serving.duckdb is published, instead of inside each check step "
        "(~0.4 s each on the path from a drop to the marts). A validation that fails has its page built at "
        "once by its check, so the alert can link to it. Pages still waiting from a run that stopped early "
        "are built by the next run."
    ),
)
def gx_data_docs(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """Build the pending Data Docs pages (``quality.runner.build_pending_data_docs``); metadata: how many, and the index."""
    built = build_pending_data_docs()
    context.log.info(f"{built} GX Data Docs page(s) built")
    return dg.MaterializeResult(metadata={
        "pages_built": built,
        "index": dg.MetadataValue.path(str(DATA_DOCS_DIR / "index.html")),
    })
