"""Ingest assets: inbox files → the DuckDB ``raw`` tables.

``source_documents`` stands for the files that arrive (drop inbox or a folder
named for a batch run); ``stage_documents`` (asset ``staged_documents``) hands the
documents of the run's config (:mod:`orchestration.run_documents`) to
:func:`orchestration.ingestion.ingest.ingest_documents` (the policy: find, parse,
file, load; no Dagster) and then to the GX gate; ``raw_tables`` records the
``raw/<table>`` assets (the tables as a whole, row counts) that the dbt sources
read, described from ``raw_schema.sql``. A run may cover one document (sensor)
or thousands (batch, backfill); documents are rows of the registry
``raw.documents``, not partitions (issue 29).
"""

import dagster as dg

from orchestration.defs.quality.checks import GATE_CHECK_SPEC, STAGED_DOCUMENTS_KEY, apply_gate, gate_check_result
from orchestration.ingestion.filing import Destinations
from orchestration.ingestion.ingest import ingest_documents, outcomes_markdown
from orchestration.ingestion.loading import RAW_TABLES, connect, table_row_counts
from orchestration.ingestion.parallel import configured_workers
from orchestration.ingestion.raw_descriptions import raw_table_descriptions
from orchestration.run_documents import documents_of
from orchestration.quality.gate import gate_documents
from orchestration.resources import WarehouseResource

source_documents = dg.AssetSpec(
    key="source_documents",
    description=(
        "Published budget performance-target documents (项目支出绩效目标表, 部门整体绩效目标) "
        "as text extracts or PDFs: dropped into INBOX_DIR (watched by inbox_sensor, moved to "
        "archive/ after processing) or read in place from a folder named for a batch run."
    ),
    group_name="ingest",
    kinds={"file"},
)

#: Description of each ``raw/<table>`` asset: the comment above its CREATE TABLE in ``raw_schema.sql``.
RAW_DESCRIPTIONS = raw_table_descriptions()


class StageDocumentsConfig(dg.Config):
    """Run config of ``stage_documents``.

    ``files``: document id → path of its bytes (set by the sensor and by
    batch runs). ``document_ids``: documents to stage again from where the
    registry last saw them (their source path, the archive, the quarantine):
    re-running a document from the UI. ``move_processed``: drop-inbox
    mode — move each file to ``archive/`` or ``quarantine/`` when done.
    ``parse_workers``: processes parsing in parallel (0 = ``$PARSE_WORKERS``
    or the number of cores; 1 = parse in the step's own process).
    """

    files: dict[str, str] = {}
    document_ids: list[str] = []
    move_processed: bool = False
    parse_workers: int = 0


@dg.multi_asset(
    name="stage_documents",
    specs=[
        dg.AssetSpec(
            key=STAGED_DOCUMENTS_KEY,
            description=(
                "The documents of the run (id = SHA-256 of the bytes; registry raw.documents): each file parsed, its "
                "rows replaced in the raw tables in one transaction, then the per-document GX gate. Metadata: the "
                "run's outcome per document, pages/s, rows written per table."
            ),
            deps=[source_documents],
            group_name="raw",
            kinds={"python", "duckdb"},
        )
    ],
    check_specs=[GATE_CHECK_SPEC],
    can_subset=False,
)
def stage_documents(context: dg.AssetExecutionContext, config: StageDocumentsConfig, warehouse: WarehouseResource):
    """Parse every document of the run's config and replace its raw rows.

    One DuckDB transaction per document; a file that cannot be parsed is
    quarantined with its reason and the others proceed. The GX gate then
    validates the staged documents (``quality.gate_documents``): one that
    fails a critical expectation is quarantined too (check ``gx_document_gate``).
    """
    document_ids = documents_of(config.files, config.document_ids)
    if not document_ids:
        raise dg.Failure(description="The run names no document: give `files` (id → path) or `document_ids`.")
    destinations = Destinations(warehouse.archive_dir, warehouse.quarantine_dir, config.move_processed)
    with warehouse.writer_lock(), connect(warehouse.duckdb_path) as con:
        run = ingest_documents(con, document_ids, config.files, destinations,
                               configured_workers(config.parse_workers), context.log, context.run_id)
        gate = gate_documents(con, [o.registration.document_id for o in run.outcomes if o.status == "loaded"],
                              warehouse.quarantine_dir, config.move_processed, context.run_id,
                              defer_docs=True)  # passing batches' pages: built by gx_data_docs after publish
        for verdict in gate.quarantined:
            context.log.warning(f"{verdict.file_name}: quarantined by the GX gate — {verdict.reason}")
        outcomes = apply_gate(run.outcomes, gate)
        counts_run = table_row_counts(con, document_ids)
    if run.missing and not outcomes:
        raise dg.Failure(description=f"None of the run's documents could be read: {run.missing}")
    yield dg.MaterializeResult(
        asset_key=STAGED_DOCUMENTS_KEY,
        metadata={
            "rows_from_this_run_by_table": dg.MetadataValue.json(counts_run),
            "documents_in_run": len(outcomes),
            "quarantined_in_run": sum(o.status == "quarantined" for o in outcomes),
            "documents_not_found": run.missing,
            "pages_in_run": run.progress.pages,
            "staging_seconds": round(run.progress.elapsed, 2),
            "pages_per_second": round(run.progress.pages_per_second, 2),
            "parse_workers": run.workers,
            "document_outcomes": dg.MetadataValue.md(outcomes_markdown(outcomes)),
            "duckdb_path": dg.MetadataValue.path(str(warehouse.duckdb_path)),
        },
    )
    yield gate_check_result(gate)


@dg.multi_asset(
    name="raw_tables",
    specs=[
        dg.AssetSpec(
            key=["raw", table],
            description=RAW_DESCRIPTIONS[table],
            deps=[STAGED_DOCUMENTS_KEY],
            group_name="raw",
            kinds={"duckdb"},
        )
        for table in RAW_TABLES
    ],
    can_subset=False,
)
def raw_tables(warehouse: WarehouseResource):
    """The raw tables after the run's documents were staged: one materialization per table, with its row count.

    Unpartitioned on purpose (a table holds every document); the dbt sources
    are these assets. Reads only (no write).
    """
    with warehouse.connection(read_only=True) as con:
        counts = table_row_counts(con)
        (documents,) = con.execute("SELECT count(*) FROM raw.documents WHERE status = 'loaded'").fetchone()
    for table in RAW_TABLES:
        yield dg.MaterializeResult(
            asset_key=["raw", table],
            metadata={
                "dagster/row_count": counts[table],
                "loaded_documents": documents,
                "duckdb_path": dg.MetadataValue.path(str(warehouse.duckdb_path)),
            },
        )
