"""Ingest assets: inbox files → the DuckDB ``raw`` tables, one partition per document.

``source_documents`` stands for the files that arrive (drop inbox or a folder
named for a batch run); ``stage_documents`` (asset ``staged_documents``,
partitioned) parses each document of the run's partitions
(``orchestration.ingestion.ingest``) and replaces its rows in the raw tables, one
transaction per document; ``raw_tables`` then records the
``raw/<table>`` assets (unpartitioned: the tables as a whole, row counts)
that the dbt sources read. The partition key is the
document id (SHA-256 of the bytes); a run may cover one document (sensor) or
a range of them (batch, backfill) thanks to the single-run backfill policy.
"""

import time
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.defs.quality.checks import GATE_CHECK_SPEC, STAGED_DOCUMENTS_KEY, apply_gate, gate_check_result
from orchestration.ingestion.filing import locate_document
from orchestration.ingestion.ingest import (
    Destinations,
    DocumentChangedError,
    IngestOutcome,
    display_name,
    stage_parsed,
    vanished_file,
)
from orchestration.ingestion.parallel import ParseJob, Progress, configured_workers, notify_listeners, parse_files
from orchestration.partitions import documents_partitions
from orchestration.quality.gate import gate_documents
from orchestration.resources import WarehouseResource
from orchestration.ingestion.loading import RAW_TABLES, connect, table_row_counts

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

_STAGING_DESCRIPTIONS = {
    "documents": "Document registry: one row per input file (SHA-256 id), type, department, fiscal year, status, quarantine reason.",
    "budget_lines": "项目支出绩效目标表 rows: document total (合计), spending units (资金使用单位), projects; amounts in 万元.",
    "performance_indicators": "绩效指标: one row per numbered indicator of a project, with level-1/level-2 codes and raw targets.",
    "parse_events": "Audit log of parser decisions and repairs (duplicates removed, amount columns decided, renumbering…).",
    "department_targets": "部门整体绩效目标: one row per department-wide document — 财政主管处室, 部门职能概述, budget income in 元, overall goal, 填报日期.",
    "department_tasks": "部门整体绩效目标 tasks (任务N): name, performance goal, 主要实施项目 as a list.",
    "department_indicators": "部门整体绩效目标 indicator rows (overall = task 0, and per task): 一级/二级/三级指标, 指标解释, 指标说明及公式, 预期指标 (raw), 计算单位, 权重 / 指标方向性 / 绩效标准 (national grid), repairs, raw row.",
    "disclosures": "部门预算 / 部门决算 disclosures: scope (部门/单位), stage (预算/决算), blank-template flag.",
    "document_tables": "Table inventory: every table (kind, title, unit, pages, rows read) and narrative page of a document.",
    "budget_table_rows": "Standard-table rows of a disclosure: 类/款/项 or economic code, name, total or item, page and bbox.",
    "budget_table_amounts": "Standard-table amount cells: header label, column role, amount as printed with its unit (元/万元).",
    "table_cells": "The generic table store: every non-empty cell of a table no reader read (unknown kind), with page and bbox.",
    "narrative_figures": "Headline figures a prose-only 部门预算/决算 states (收支总计, 基本支出, “三公”经费 …): measure, amount as printed with its unit, 元, page and sentence.",
    "evaluation_summaries": "绩效自评表: one row per self-evaluation (a 自评表, or a project of a 项目名称 | 自评分数 list): funds, 执行率, 总体目标 vs 实际完成情况, 自评得分.",
    "evaluation_funding": "绩效自评表 funding rows (合计, 财政资金小计 …): 年初预算数, 全年预算数, 全年执行数, 执行率, 分值, 得分 as printed.",
    "indicator_outcomes": "绩效自评表 indicators: 一级/二级/三级指标, 年度指标值 (target) and 实际完成值 (outcome) normalized, 分值, 得分, met / not_met / not_comparable.",
}


class StageDocumentsConfig(dg.Config):
    """Run config of ``stage_documents``.

    ``files``: document id → path of its bytes (set by the sensor and by
    batch runs; documents of the run without an entry are looked up in the
    registry, the archive and the quarantine). ``move_processed``: drop-inbox
    mode — move each file to ``archive/`` or ``quarantine/`` when done.
    ``parse_workers``: processes parsing in parallel (0 = ``$PARSE_WORKERS``
    or the number of cores; 1 = parse in the step's own process).
    """

    files: dict[str, str] = {}
    move_processed: bool = False
    parse_workers: int = 0


#: Seconds between two progress lines in the run log (plus one at the end).
PROGRESS_LOG_INTERVAL_S = 10.0


def _outcome_markdown(outcomes: list[IngestOutcome]) -> str:
    lines = [
        "| file | status | type | department | year | units | projects | indicators | parse s | peak MB | reason |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        p = o.facts
        cells = [
            o.registration.file_name,
            o.status,
            p.doc_type if p else "",
            (p.department or "") if p else "",
            (p.fiscal_year or "") if p else "",
            p.spending_unit_count if p else "",
            p.project_count if p else "",
            p.indicator_count if p else "",
            "" if o.parse_seconds is None else f"{o.parse_seconds:.2f}",
            "" if o.peak_memory_bytes is None else f"{o.peak_memory_bytes / 2**20:.0f}",
            o.error or "",
        ]
        lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)


def _size(path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _known_paths(con: duckdb.DuckDBPyConnection, document_ids: list[str]) -> dict[str, str]:
    rows = con.execute(
        "SELECT document_id, source_path FROM raw.documents WHERE list_contains(?, document_id)", [document_ids]
    ).fetchall()
    return dict(rows)


@dg.multi_asset(
    name="stage_documents",
    specs=[
        dg.AssetSpec(
            key=STAGED_DOCUMENTS_KEY,
            description=(
                "One partition per document (id = SHA-256 of its bytes): the file parsed, its rows replaced in the "
                "raw tables in one transaction, then the per-document GX gate. Metadata: the run's outcome "
                "per document, pages/s, rows written per table."
            ),
            deps=[source_documents],
            group_name="staging",
            kinds={"python", "duckdb"},
        )
    ],
    check_specs=[GATE_CHECK_SPEC],
    partitions_def=documents_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    can_subset=False,
)
def stage_documents(context: dg.AssetExecutionContext, config: StageDocumentsConfig, warehouse: WarehouseResource):
    """Parse every document of the run's partitions and replace its raw rows.

    One DuckDB transaction per document; a file that cannot be parsed is
    quarantined with its reason and the others proceed. The GX gate then
    validates the staged documents (``quality.gate_documents``): one that
    fails a critical expectation is quarantined too (check ``gx_document_gate``).
    """
    document_ids = list(context.partition_keys)
    destinations = Destinations(warehouse.archive_dir, warehouse.quarantine_dir, config.move_processed)
    outcomes: list[IngestOutcome] = []
    missing: list[str] = []
    workers = configured_workers(config.parse_workers)
    with warehouse.writer_lock(), connect(warehouse.duckdb_path) as con:
        known = {**_known_paths(con, document_ids), **config.files}
        jobs: list[ParseJob] = []
        vanished = []
        for doc_id in document_ids:
            path = locate_document(doc_id, known.get(doc_id), [warehouse.archive_dir, warehouse.quarantine_dir])
            if path is None and doc_id in config.files and not config.move_processed:
                # Batch run: the file was listed (and hashed), then deleted or moved before it was read.
                given = config.files[doc_id]
                vanished.append(vanished_file(doc_id, given, (
                    f"{display_name(Path(given).name)}: the file was deleted or moved after it was listed, before it "
                    "could be read; nothing was loaded. Put it back and run again.")))
            elif path is None:
                missing.append(doc_id)
                context.log.error(f"No file holds document {doc_id}: it was neither given nor found in archive/quarantine.")
            else:
                jobs.append(ParseJob(doc_id, path))
        for item in vanished:
            outcomes.append(stage_parsed(con, item, destinations))
            context.log.warning(item.error)
        progress = Progress(len(jobs), sum(_size(job.path) for job in jobs))
        if len(jobs) > 1:
            context.log.info(f"Staging {len(jobs)} documents with {min(workers, len(jobs))} parse worker(s)")
        last_log = time.perf_counter()
        # Workers parse ahead; this process is the only writer (one transaction per document, in order).
        for job, result in parse_files(jobs, workers):
            unreadable = isinstance(result, OSError) and not isinstance(result, FileNotFoundError)
            if unreadable or (isinstance(result, (DocumentChangedError, FileNotFoundError)) and not config.move_processed):
                # Unreadable (EIO, a link swapped in), or — batch run — changed or gone since it was listed:
                # quarantined under the listed id, with the reason.
                if unreadable:
                    reason = (f"{display_name(job.path.name)}: the file cannot be read ({result.strerror or result}); "
                              "nothing was loaded. Check the disk or copy the file again, then re-run.")
                elif isinstance(result, FileNotFoundError):
                    reason = (f"{display_name(job.path.name)}: the file was deleted or moved after it was listed, "
                              "before it could be read; nothing was loaded. Put it back and run again.")
                else:
                    reason = str(result)
                result = vanished_file(job.document_id, str(job.path), reason)
            elif isinstance(result, (DocumentChangedError, FileNotFoundError)):
                missing.append(job.document_id)
                context.log.warning(str(result))
                continue
            if isinstance(result, BaseException):
                raise result
            outcome = stage_parsed(con, result, destinations)
            outcomes.append(outcome)
            progress.add(result.parsed.page_count if result.parsed else None, result.registration.byte_size)
            notify_listeners(progress)
            log = context.log.warning if outcome.status == "quarantined" else context.log.info
            log(f"{job.path.name}: {outcome.status}" + (f" — {outcome.error}" if outcome.error else ""))
            if len(jobs) > 1 and time.perf_counter() - last_log >= PROGRESS_LOG_INTERVAL_S:
                last_log = time.perf_counter()
                context.log.info(progress.line())
        if len(jobs) > 1:
            context.log.info(progress.line())
        gate = gate_documents(con, [o.registration.document_id for o in outcomes if o.status == "loaded"],
                              warehouse.quarantine_dir, config.move_processed, context.run_id,
                              defer_docs=True)  # passing batches' pages: built by gx_data_docs after publish
        for verdict in gate.quarantined:
            context.log.warning(f"{verdict.file_name}: quarantined by the GX gate — {verdict.reason}")
        outcomes = apply_gate(outcomes, gate)
        counts_run = table_row_counts(con, document_ids)
    if missing and not outcomes:
        raise dg.Failure(description=f"None of the run's documents could be read: {missing}")
    yield dg.MaterializeResult(
        asset_key=STAGED_DOCUMENTS_KEY,
        metadata={
            "rows_from_this_run_by_table": dg.MetadataValue.json(counts_run),
            "documents_in_run": len(outcomes),
            "quarantined_in_run": sum(o.status == "quarantined" for o in outcomes),
            "documents_not_found": missing,
            "pages_in_run": progress.pages,
            "staging_seconds": round(progress.elapsed, 2),
            "pages_per_second": round(progress.pages_per_second, 2),
            "parse_workers": min(workers, max(len(jobs), 1)),
            "document_outcomes": dg.MetadataValue.md(_outcome_markdown(outcomes)),
            "duckdb_path": dg.MetadataValue.path(str(warehouse.duckdb_path)),
        },
    )
    yield gate_check_result(gate)


@dg.multi_asset(
    name="raw_tables",
    specs=[
        dg.AssetSpec(
            key=["raw", table],
            description=_STAGING_DESCRIPTIONS[table],
            deps=[STAGED_DOCUMENTS_KEY],
            group_name="staging",
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
