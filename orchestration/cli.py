"""Command line: ``budget-etl run`` (the main job) and ``budget-etl validate`` (GX suites).

``run`` executes the Dagster job ``main_job`` in this process against the
instance in ``$DAGSTER_HOME`` (so the run shows in ``make dev``'s UI) or an
ephemeral one, then prints one row per document of the inbox. Exit status:
0 on success, 1 when a blocking check failed or the run failed.
"""

from __future__ import annotations

import hashlib
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


def _inbox_document_ids(inbox: Path) -> list[str]:
    from orchestration.ingest import list_inbox

    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in list_inbox(inbox)]


@click.group()
def main() -> None:
    """Budget performance-target warehouse."""


@main.command()
@click.option("--inbox", type=click.Path(file_okay=False, path_type=Path), envvar="INBOX_DIR", default=None,
              help="Folder of documents to ingest, read in place (default: bundled samples; env INBOX_DIR).")
@click.option("--warehouse", type=click.Path(file_okay=False, path_type=Path), envvar="WAREHOUSE_DIR", default=None,
              help="Folder of the DuckDB file and quarantine (default: warehouse/; env WAREHOUSE_DIR).")
def run(inbox: Path | None, warehouse: Path | None) -> None:
    """Run the main job over INBOX and print one row per document."""
    if inbox:
        os.environ["INBOX_DIR"] = str(inbox.resolve())
    if warehouse:
        os.environ["WAREHOUSE_DIR"] = str(warehouse.resolve())

    import dagster as dg

    from orchestration import settings
    from orchestration.definitions import build_definitions
    from orchestration.resources import WarehouseResource
    from orchestration.summary import fetch_summary

    resource = WarehouseResource.from_env()
    if not Path(resource.inbox_dir).is_dir():
        console.print(f"[red]Inbox folder {resource.inbox_dir} does not exist.[/red]")
        sys.exit(2)
    console.print(f"Inbox: {resource.inbox_dir}\nWarehouse: {resource.duckdb_path}")
    defs = build_definitions(resource)
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    result = defs.resolve_job_def("main_job").execute_in_process(
        instance=instance,
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
    )

    failed_checks = [
        e for e in result.get_asset_check_evaluations() if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]
    warned_checks = [e for e in result.get_asset_check_evaluations() if not e.passed and e.severity != dg.AssetCheckSeverity.ERROR]

    rows: list[dict] = []
    try:
        rows = fetch_summary(settings.duckdb_path(resource.warehouse_dir), _inbox_document_ids(Path(resource.inbox_dir)))
    except Exception as exc:  # marts missing because the run stopped before dbt
        console.print(f"[yellow]No summary available from the marts: {exc}[/yellow]")
    console.print(_summary_table(rows))
    for e in warned_checks:
        console.print(
            f"[yellow]warning[/yellow] check {e.asset_key.to_user_string()}:{e.check_name}: {e.metadata.get('warnings')}"
        )
    for e in failed_checks:
        console.print(f"[red]BLOCKING[/red] check {e.asset_key.to_user_string()}:{e.check_name} failed: {e.metadata.get('blocking_failures')}")
    if not result.success or failed_checks:
        console.print("[red]Run failed.[/red]")
        sys.exit(1)
    console.print(f"[green]Run {result.run_id} succeeded.[/green]")


@main.command()
@click.option("--warehouse", type=click.Path(file_okay=False, path_type=Path), envvar="WAREHOUSE_DIR", default=None)
def validate(warehouse: Path | None) -> None:
    """Run the GX staging suites on the warehouse outside Dagster and print a summary."""
    from orchestration import settings
    from orchestration.quality import validate_warehouse

    outcomes = validate_warehouse(settings.duckdb_path(warehouse))
    table = Table(title="Great Expectations")
    for col in ("suite", "expectation", "column", "severity", "ok", "unexpected rows"):
        table.add_column(col)
    blocking = 0
    for suite in outcomes:
        for o in suite.outcomes:
            table.add_row(suite.suite, o.expectation, o.column or "", o.severity, "yes" if o.success else "NO",
                          "" if o.unexpected_count is None else str(o.unexpected_count))
        blocking += len(suite.blocking_failures)
    console.print(table)
    sys.exit(1 if blocking else 0)


if __name__ == "__main__":
    main()
