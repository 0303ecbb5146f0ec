"""Command line: ``budget-etl run`` (the main job) and ``budget-etl validate`` (GX suites).

``run`` executes the Dagster job ``main_job`` in this process against the
instance in ``$DAGSTER_HOME`` (so the run shows in ``make dev``'s UI) or an
ephemeral one, then prints one row per document of the inbox. Exit status:
0 on success, 1 when a blocking check failed or the run failed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

# Wide enough for the summary when stdout is not a terminal (make, CI logs).
console = Console(width=None if sys.stdout.isatty() else 200)


def _summary_table(rows: list[dict]) -> Table:
    from orchestration.summary import SUMMARY_COLUMNS, format_cell

    table = Table(title="Documents", show_lines=False)
    for column, label in SUMMARY_COLUMNS:
        justify = "right" if column in ("spending_units", "projects", "tasks", "indicators", "total_amount", "fiscal_year") else "left"
        table.add_column(label, justify=justify, overflow="fold")
    for r in rows:
        table.add_row(*(format_cell(r[c]) for c, _ in SUMMARY_COLUMNS))
    return table


def _metadata_value(evaluation, key: str):
    value = evaluation.metadata.get(key)
    return getattr(value, "value", value)


@click.group()
def main() -> None:
    """Budget performance-target warehouse."""


@main.command()
@click.option("--inbox", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of documents to ingest, read in place and never modified (default: the bundled samples).")
@click.option("--warehouse", type=click.Path(file_okay=False, path_type=Path), envvar="WAREHOUSE_DIR", default=None,
              help="Folder of the DuckDB file and quarantine (default: warehouse/; env WAREHOUSE_DIR).")
def run(inbox: Path | None, warehouse: Path | None) -> None:
    """Run the main job over INBOX and print one row per document."""
    if warehouse:
        os.environ["WAREHOUSE_DIR"] = str(warehouse.resolve())

    import dagster as dg

    from orchestration import settings
    from orchestration.definitions import build_definitions
    from orchestration.resources import WarehouseResource
    from orchestration.batch import open_instance, run_batch
    from orchestration.summary import (
        fetch_disclosure_findings, fetch_summary, fetch_table_inventory, finding_lines, inventory_lines)

    resource = WarehouseResource.from_env()
    folder = (inbox or settings.SAMPLES_DIR).resolve()
    if not folder.is_dir():
        console.print(f"[red]Inbox folder {folder} does not exist.[/red]")
        sys.exit(2)
    console.print(f"Documents: {folder} (read in place)\nWarehouse: {resource.duckdb_path}")
    defs = build_definitions(resource)
    from orchestration.terminal import staging_progress
    from orchestration.warehouse import WarehouseWriteError, quarantine_reasons

    try:
        instance = open_instance()
        with staging_progress(console):  # documents done/total, pages/s, time left (long batches)
            batch = run_batch(defs, instance, folder)
    except WarehouseWriteError as error:
        console.print(f"WarehouseWriteError: {error}", style="red", markup=False)
        sys.exit(1)

    rows: list[dict] = []
    reasons: list[tuple[str, str]] = []
    inventory: list[dict] = []
    findings: list[dict] = []
    try:
        with resource.writer_lock():
            if batch.document_ids:
                reasons = quarantine_reasons(resource.duckdb_path, batch.document_ids)
            rows = fetch_summary(resource.duckdb_path, batch.document_ids)
            inventory = fetch_table_inventory(resource.duckdb_path, batch.document_ids)
            findings = fetch_disclosure_findings(resource.duckdb_path, batch.document_ids)
    except Exception as exc:  # marts missing because the run stopped before dbt
        console.print(f"[yellow]No summary available from the marts: {exc}[/yellow]")
    console.print(_summary_table(rows))
    for line in inventory_lines(inventory):  # each file's tables (kinds, pages): marts.dim_document_table
        console.print(f"tables  {line}", markup=False)
    for line in finding_lines(findings):  # differences printed in the source (WARN): marts.rpt_disclosure_checks
        console.print(f"finding {line}", markup=False)
    for _file_name, reason in reasons:  # the reason of every quarantined document of this run
        console.print(f"quarantined: {reason}", style="red", markup=False, highlight=False)
    for entry in batch.skipped:  # not documents, or unreadable: never read, listed with the reason
        console.print(f"not read: {entry.reason}", style="yellow", markup=False, highlight=False)
    for document_id, names in batch.duplicates.items():
        console.print(f"[yellow]same bytes as another file[/yellow] {', '.join(names)} (document {document_id[:12]})")
    for e in batch.check_evaluations():
        if not e.passed and e.severity != dg.AssetCheckSeverity.ERROR:
            console.print(f"[yellow]warning[/yellow] check {e.asset_key.to_user_string()}:{e.check_name}: {_metadata_value(e, 'warnings')}")
            for file_name, failures in (_metadata_value(e, "quarantined") or {}).items():
                console.print(f"[red]quarantined by the GX gate[/red] {file_name}: {'; '.join(failures)}")
    for e in batch.blocking_failures():
        console.print(f"[red]BLOCKING[/red] check {e.asset_key.to_user_string()}:{e.check_name} failed: {_metadata_value(e, 'blocking_failures')}")
    if not batch.results:
        console.print(f"[yellow]No documents in {folder}.[/yellow]")
    if not batch.success or batch.blocking_failures():
        console.print("[red]Run failed.[/red]")
        sys.exit(1)
    console.print(f"[green]{len(batch.document_ids)} document(s) processed in {len(batch.results)} run(s); "
                  f"marts published to {resource.serving_path}.[/green]")


@main.command()
@click.option("--warehouse", type=click.Path(file_okay=False, path_type=Path), envvar="WAREHOUSE_DIR", default=None)
def validate(warehouse: Path | None) -> None:
    """Run every GX suite on the warehouse outside Dagster (document suites over the
    loaded documents, marts suites when built), rebuild the Data Docs and print a summary.

    Exit status 1 when a critical expectation fails.
    """
    from orchestration import settings
    from orchestration.quality import DATA_DOCS_DIR, validate_warehouse

    from orchestration.resources import WarehouseResource

    db_path = settings.duckdb_path(warehouse)
    if not db_path.exists():
        console.print(f"[red]No warehouse at {db_path}; run `make run` first.[/red]")
        sys.exit(2)
    # The writer lock of the pipeline: a run waits for this validation and this waits for a run.
    lock = WarehouseResource(warehouse_dir=str(db_path.parent), inbox_dir=str(db_path.parent / "inbox")).writer_lock()
    with lock:
        outcomes, quarantined = _validate_locked(db_path, validate_warehouse)
    table = Table(title="Great Expectations")
    for col in ("suite", "expectation", "column", "severity", "ok", "unexpected rows", "documents"):
        table.add_column(col)
    blocking = 0
    for suite in outcomes:
        for o in suite.outcomes:
            table.add_row(suite.suite, o.expectation, o.column or "", o.severity, "yes" if o.success else "NO",
                          "" if o.unexpected_count is None else str(o.unexpected_count),
                          str(len(o.unexpected_by_document)) if o.unexpected_by_document else "")
        blocking += len(suite.blocking_failures)
    console.print(table)
    for file_name, error in quarantined:
        console.print(f"[yellow]quarantined[/yellow] {file_name}: {error}")
    warnings = sum(len(s.warnings) for s in outcomes)
    console.print(f"{len(outcomes)} suites, {sum(len(s.outcomes) for s in outcomes)} expectations: "
                  f"{blocking} critical failure(s), {warnings} warning(s), {len(quarantined)} quarantined document(s).")
    console.print(f"Data Docs: {DATA_DOCS_DIR / 'index.html'}")
    sys.exit(1 if blocking else 0)


def _validate_locked(db_path: Path, validate_warehouse) -> tuple[list, list[tuple[str, str]]]:
    """Run the suites and read the quarantined documents (the caller holds the writer lock)."""
    import duckdb

    outcomes = validate_warehouse(db_path)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        quarantined = con.execute(
            "SELECT file_name, error FROM staging.documents WHERE status = 'quarantined' ORDER BY file_name").fetchall()
    finally:
        con.close()
    return outcomes, quarantined


if __name__ == "__main__":
    main()
