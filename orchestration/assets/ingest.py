"""Ingest assets: inbox files → DuckDB staging tables.

``source_documents`` is the external asset standing for the files in the inbox
folder; ``stage_documents`` parses each file (``orchestration.ingest``) and
writes the staging tables (``STAGING_TABLES``), one transaction per document.
"""


import dagster as dg

from orchestration.ingest import ingest_file, list_inbox
from orchestration.resources import WarehouseResource
from orchestration.warehouse import STAGING_TABLES, connect, table_row_counts

source_documents = dg.AssetSpec(
    key="source_documents",
    description=(
        "Published budget performance-target documents (项目支出绩效目标表, 部门整体绩效目标) "
        "as text extracts or PDFs in the inbox folder (INBOX_DIR). Read in place, never modified."
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
    "department_indicators": "部门整体绩效目标 indicator rows (overall = task 0, and per task): 一级/二级/三级指标, 指标解释, 指标说明及公式, 预期指标 (raw), 计算单位, repairs, raw row.",
}


def _outcome_markdown(outcomes) -> str:
    lines = ["| file | status | type | department | year | units | projects | indicators | reason |", "|---|---|---|---|---|---|---|---|---|"]
    for o in outcomes:
        p = o.parsed
        lines.append(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                o.registration.file_name,
                o.status,
                p.doc_type if p else "",
                (p.department or "") if p else "",
                (p.fiscal_year or "") if p else "",
                p.spending_unit_count if p else "",
                p.project_count if p else "",
                (len(p.indicators) + (len(p.department_targets.indicators) if p.department_targets else 0)) if p else "",
                (o.error or "").replace("|", "/"),
            )
        )
    return "\n".join(lines)


@dg.multi_asset(
    name="stage_documents",
    specs=[
        dg.AssetSpec(
            key=["staging", table],
            description=_STAGING_DESCRIPTIONS[table],
            deps=[source_documents],
            group_name="staging",
            kinds={"python", "duckdb"},
        )
        for table in STAGING_TABLES
    ],
    can_subset=False,
)
def stage_documents(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Parse every file in the inbox and replace its rows in the staging tables.

    One DuckDB transaction per document; a file that cannot be parsed is
    quarantined with its reason and the others proceed.
    """
    files = list_inbox(warehouse.inbox_dir)
    context.log.info(f"{len(files)} file(s) in {warehouse.inbox_dir}")
    outcomes = []
    with connect(warehouse.duckdb_path) as con:
        for path in files:
            outcome = ingest_file(con, path, warehouse.quarantine_dir)
            outcomes.append(outcome)
            log = context.log.warning if outcome.status == "quarantined" else context.log.info
            log(f"{path.name}: {outcome.status}" + (f" — {outcome.error}" if outcome.error else ""))
        run_ids = [o.registration.document_id for o in outcomes]
        counts_run = table_row_counts(con, run_ids)
        counts_all = table_row_counts(con)
    summary = dg.MetadataValue.md(_outcome_markdown(outcomes))
    for table in STAGING_TABLES:
        yield dg.MaterializeResult(
            asset_key=["staging", table],
            metadata={
                "dagster/row_count": counts_all[table],
                "rows_from_this_run": counts_run[table],
                "documents_in_run": len(outcomes),
                "quarantined_in_run": sum(o.status == "quarantined" for o in outcomes),
                "document_outcomes": summary,
                "duckdb_path": dg.MetadataValue.path(str(warehouse.duckdb_path)),
            },
        )
