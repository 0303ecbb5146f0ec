"""Command line: ``budget-etl run`` (the main job) and ``budget-etl validate`` (GX suites).

``run`` executes the Dagster job ``main_job`` in this process against the
instance in ``$DAGSTER_HOME`` (so the run shows in ``make dev``'s UI) or an
ephemeral one. The terminal gets a short story — one line per phase, progress
bars for staging and dbt, the per-document summary sized to the terminal, the
quarantine reasons shortened — and the full Dagster/dbt/GX log goes to a file
whose path is printed. Arguments are checked before the heavy stack (Dagster,
dbt, GX) is imported, so a wrong folder is answered at once.

Exit status: 0 when at least one document of the run is loaded and no
blocking check failed; 1 when a blocking check or the run failed, or when no
document of the run loaded (empty folder, all quarantined or only
registered); 2 for wrong arguments.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
import traceback
from importlib.metadata import version
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

DISTRIBUTION = "budget-targets-warehouse"

# Sized to the terminal; when stdout is not one (CI logs, pipes), COLUMNS or 120.
console = Console(width=None if sys.stdout.isatty() else int(os.environ.get("COLUMNS") or 120))


def _summary_table(rows: list[dict], width: int) -> tuple[Table, list[str]]:
    """The summary as a rich table no wider than ``width``, and the labels of the columns left out.

    Long cells end with an ellipsis (the notes under the table and the mart
    have them whole); when the table is still too wide, columns are left out
    in the order of ``TERMINAL_DROP_ORDER`` (columns not listed there first),
    never those of ``TERMINAL_ALWAYS``.
    """
    from rich import box
    from rich.measure import Measurement

    from orchestration.summary import (NUMERIC_COLUMNS, SUMMARY_COLUMNS, TERMINAL_ALWAYS, TERMINAL_DROP_ORDER,
                                       TERMINAL_MAX_WIDTH, format_cell)

    def build(columns) -> Table:
        table = Table(title="Documents", box=box.SIMPLE_HEAD, pad_edge=False, expand=False)
        for column, label in columns:
            table.add_column(label, justify="right" if column in NUMERIC_COLUMNS else "left", no_wrap=True,
                             overflow="ellipsis", max_width=TERMINAL_MAX_WIDTH.get(column))
        for r in rows:
            table.add_row(*(format_cell(r[c]) for c, _ in columns))
        return table

    columns = list(SUMMARY_COLUMNS)
    droppable = [c for c in columns if c[0] not in TERMINAL_ALWAYS and c[0] not in TERMINAL_DROP_ORDER] + sorted(
        (c for c in columns if c[0] in TERMINAL_DROP_ORDER), key=lambda c: TERMINAL_DROP_ORDER.index(c[0]))
    dropped: list[str] = []
    table = build(columns)
    unbounded = console.options.update_width(10_000)  # the natural width, not clipped to the terminal
    while droppable and Measurement.get(console, unbounded, table).maximum > width:
        column = droppable.pop(0)
        columns.remove(column)
        dropped.append(column[1])
        table = build(columns)
    return table, dropped


def _metadata_value(evaluation, key: str):
    value = evaluation.metadata.get(key)
    return getattr(value, "value", value)


def _one_line(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version(DISTRIBUTION), "--version", "-V", prog_name="budget-etl",
                      message="%(prog)s %(version)s")
def main() -> None:
    """Budget performance-target warehouse: run the pipeline on a folder, or validate the warehouse."""


@main.command()
@click.option("--inbox", type=click.Path(exists=True, file_okay=False, readable=True, path_type=Path), default=None,
              help="Folder of documents to ingest, read in place and never modified (default: the bundled samples).")
@click.option("--warehouse", type=click.Path(file_okay=False, path_type=Path), envvar="WAREHOUSE_DIR", default=None,
              help="Folder of the DuckDB files, quarantine/ and logs/ (default: warehouse/; env WAREHOUSE_DIR).")
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where the full run log goes (default: <warehouse>/logs/run-<UTC time>.log).")
def run(inbox: Path | None, warehouse: Path | None, log_file: Path | None) -> None:
    """Run the main job over INBOX and print one row per document."""
    began = time.monotonic()
    if warehouse:
        os.environ["WAREHOUSE_DIR"] = str(warehouse.resolve())
    from orchestration import settings

    folder = (inbox or settings.SAMPLES_DIR).resolve()
    root = settings.warehouse_dir()
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    log_path = (log_file or root / "logs" / f"run-{stamp}.log").resolve()
    files = sum(1 for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    console.print(f"[bold]budget-etl {version(DISTRIBUTION)}[/bold] · {files} file(s) in {folder} (read in place)",
                  soft_wrap=True)
    console.print(f"Warehouse: {root} · full log: {log_path}", soft_wrap=True)

    from orchestration.terminal import RunStory, full_log_to
    from orchestration.ingestion.loading import WarehouseWriteError

    with full_log_to(log_path) as terminal:
        console.file = terminal  # the story to the terminal; Dagster, dbt and GX output to the log file
        try:
            with console.status("Loading Dagster, dbt and Great Expectations…"):
                import dagster as dg

                from orchestration.defs.transformation.dbt import dbt_models
                from orchestration.batch import open_instance, run_batch
                from orchestration.definitions import build_definitions
                from orchestration.resources import WarehouseResource
                from orchestration.summary import (
                    fetch_disclosure_findings, fetch_summary, fetch_table_inventory, fetch_tables_held_back,
                    finding_lines, held_back_lines, inventory_lines)

                resource = WarehouseResource.from_env()
                defs = build_definitions(resource)
                instance = open_instance()
            console.print(f"[green]✓[/green] pipeline loaded [dim]({time.monotonic() - began:.1f} s)[/dim]")
            story = RunStory(console, dbt_models=len(dbt_models.keys), dbt_tests=len(dbt_models.check_keys))
            try:
                batch = run_batch(defs, instance, folder, on_event=story.on_event)
            finally:
                story.close()
        except WarehouseWriteError as error:  # names the path and the OS error: shown whole
            console.print(f"WarehouseWriteError: {error}", style="red", markup=False, soft_wrap=True)
            console.print(f"Full log: {log_path}", soft_wrap=True)
            raise SystemExit(1) from None
        except Exception as exc:
            traceback.print_exc()  # into the log file
            console.print(f"[red]The run stopped: {type(exc).__name__}: {_one_line(str(exc), 300)}[/red]")
            console.print(f"Full log: {log_path}")
            raise SystemExit(1) from None
        finally:
            console.file = sys.stdout

    rows: list[dict] = []
    inventory: list[dict] = []
    findings: list[dict] = []
    held_back: list[dict] = []
    try:
        with resource.writer_lock():
            rows = fetch_summary(resource.duckdb_path, batch.document_ids)
            inventory = fetch_table_inventory(resource.duckdb_path, batch.document_ids)
            findings = fetch_disclosure_findings(resource.duckdb_path, batch.document_ids)
            held_back = fetch_tables_held_back(resource.duckdb_path, batch.document_ids)
    except Exception as exc:  # marts missing because the run stopped before dbt
        console.print(f"[yellow]No summary available from the marts: {exc}[/yellow]")
    from orchestration.summary import MAX_LISTED, more_line, rows_to_show

    if rows:
        # at most MAX_LISTED documents by name (those that need attention first); the rest counted (issue 29)
        table, dropped = _summary_table(rows_to_show(rows), console.width)
        console.print(table)
        if more := more_line(len(rows), min(len(rows), MAX_LISTED)):
            _print_line(f"[dim]{escape(more)}[/dim]")
        if dropped:
            _print_line(f"[dim]Left out for the terminal width: {', '.join(dropped)} "
                        f"(all columns: marts.rpt_document_summary)[/dim]")
    for label, lines, where in (
        ("tables  ", inventory_lines(inventory), "marts.dim_document_table"),  # each file's tables (kinds, pages)
        ("finding ", finding_lines(findings), "marts.rpt_disclosure_checks"),  # differences printed in the source (WARN)
        ("review  ", held_back_lines(held_back), "marts.rpt_disclosure_tables_held_back"),  # tables a fact did not publish
    ):
        for line in lines[:MAX_LISTED]:
            _print_line(f"{label}{escape(line)}")
        if more := more_line(len(lines), min(len(lines), MAX_LISTED), "lines", where):
            _print_line(f"{label}[dim]{escape(more)}[/dim]")
    _print_notes(rows, batch, resource, dg)
    blocking = batch.blocking_failures()
    for e in blocking:
        failures = "; ".join(_metadata_value(e, "blocking_failures") or [])
        _print_line(f"[red]BLOCKING[/red] check {e.asset_key.to_user_string()}:{e.check_name}: {escape(failures)}")
    loaded = sum(1 for r in rows if r["status"] == "loaded")
    console.print(f"Full log: {log_path}", soft_wrap=True)
    if not batch.results:
        _last_line(f"No documents in {folder}: nothing loaded.", ok=False)
    if not batch.success or blocking:
        _last_line(failure_verdict(bool(blocking), batch.failed_steps(), batch.published(), resource.serving_path),
                   ok=False)
    if not loaded:
        _last_line(f"No document of this run loaded ({len(rows)} file(s): "
                   f"{', '.join(sorted({r['status'] for r in rows})) or 'none'}); serving.duckdb unchanged in content.",
                   ok=False)
    _last_line(f"{loaded} of {len(batch.document_ids)} document(s) loaded in {time.monotonic() - began:.0f} s; "
               f"marts published to {resource.serving_path}.", ok=True)


def failure_verdict(blocking: bool, failed_steps: list[str], published: bool, serving_path) -> str:
    """The last line of a failed run: what failed, and whether serving.duckdb was replaced.

    ``published`` is the publish step's own result (``BatchResult.published``): a run that fails
    after publishing (the report, the summary) says the marts were published.
    """
    what = "a blocking check failed" if blocking else (
        f"failed step(s): {', '.join(failed_steps)}; see the log" if failed_steps else "see the log")
    if published:
        return f"Run failed ({what}) after publishing: the marts were published to {serving_path}."
    return f"Run failed ({what}); serving.duckdb was not replaced."


def _print_notes(rows: list[dict], batch, resource, dg) -> None:
    """Quarantine reasons (shortened, with the reason file), empty years, duplicates and check warnings."""
    width = console.width
    from orchestration.summary import document_notes

    notes = document_notes(rows, resource.root / "quarantine")
    # The same note about several files (e.g. no fiscal year) is one line naming them all.
    grouped: dict[tuple, list] = {}
    for note in notes:
        grouped.setdefault((note.label, note.text, note.more, note.style), []).append(note.file_name)
    for (label, text, more, style), file_names in grouped.items():
        # The label and the file name are never cut (the terminal wraps a very long name); the text is
        # shortened to the rest of the line, at least 40 columns.
        who = f": {file_names[0]}: " if len(file_names) == 1 else f" ({len(file_names)} files): "
        prefix = Text(label, style=style) + Text(who)
        body = Text(" ".join(text.split()))
        room = max(width - prefix.cell_len, 40)
        shortened = body.cell_len > room
        body.truncate(room, overflow="ellipsis")
        console.print(prefix + body, soft_wrap=True, highlight=False)
        if len(file_names) > 1:
            console.print(f"    {escape(', '.join(file_names))}", soft_wrap=True, highlight=False)
        if more and (shortened or label == "quarantined"):
            console.print(f"    [dim]→ {more}[/dim]", soft_wrap=True)
    for entry in batch.skipped:  # not documents, or unreadable: never read, listed with the reason
        _print_line(f"[yellow]not read[/yellow]: {escape(' '.join(entry.reason.split()))}")
    for document_id, names in batch.duplicates.items():
        console.print(f"[yellow]same bytes as another file[/yellow] {', '.join(names)} (document {document_id[:12]})")
    for e in batch.check_evaluations():
        if not e.passed and e.severity != dg.AssetCheckSeverity.ERROR:
            warned = _metadata_value(e, "warnings") or {}
            count = len(warned)
            what = "document(s)" if isinstance(warned, dict) else "expectation(s)"
            _print_line(f"[yellow]warning[/yellow] check {e.asset_key.to_user_string()}:{e.check_name}: "
                        f"{count} {what} with warnings (details: the full log, the Dagster UI)")


def _print_line(markup: str) -> None:
    """Print ``markup`` on one terminal line, ending with an ellipsis when it is too long."""
    console.print(markup, no_wrap=True, overflow="ellipsis", highlight=False)


def _last_line(text: str, ok: bool) -> None:
    """Print the run's verdict as the last line and exit (0 when ``ok``)."""
    console.print(f"[{'green' if ok else 'red'}]{text}[/]", soft_wrap=True)
    sys.exit(0 if ok else 1)


@main.command()
@click.option("--warehouse", type=click.Path(file_okay=False, path_type=Path), envvar="WAREHOUSE_DIR", default=None,
              help="Folder of the warehouse to validate (default: warehouse/; env WAREHOUSE_DIR).")
def validate(warehouse: Path | None) -> None:
    """Run every GX suite on the warehouse outside Dagster (document suites over the
    loaded documents, marts suites when built), rebuild the Data Docs and print a summary.

    Exit status 1 when a critical expectation fails.
    """
    from orchestration import settings
    from orchestration.quality.runner import DATA_DOCS_DIR, validate_warehouse

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
    from orchestration.ingestion.loading import read_only_connection

    outcomes = validate_warehouse(db_path)
    with read_only_connection(db_path) as con:
        quarantined = con.execute(
            "SELECT file_name, error FROM raw.documents WHERE status = 'quarantined' ORDER BY file_name").fetchall()
    return outcomes, quarantined


if __name__ == "__main__":
    main()
