"""What ``budget-etl run`` shows in the terminal: the run as a short story.

- :func:`staging_progress`: a rich progress bar for long staging runs
  (``stage_documents`` reports every staged document to the listeners of
  :mod:`orchestration.ingestion.parallel`; runs launched by the Dagster daemon log the
  same figures as run-log lines instead);
- :class:`RunStory`: a listener for the Dagster events of a run
  (``run_batch(on_event=...)``) that prints one line per finished phase and a
  dbt progress bar (models and tests done of the total) instead of dbt's
  hundreds of log lines;
- :func:`full_log_to`: sends everything written to standard error (Dagster's
  run log, dbt's output, warnings, parse workers) to a log file for the
  duration of the run, so the terminal keeps only the story.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from orchestration.ingestion.parallel import Progress as StagingProgress
from orchestration.ingestion.parallel import add_listener, format_duration, remove_listener

#: Step keys of ``main_job`` → what the terminal calls that phase (other steps: their key).
PHASES = {
    "stage_documents": "staging (parse, GX gate, DuckDB)",
    "raw_tables": "raw tables",
    "dbt_models": "dbt build (models and tests)",
    "serving_database": "publish serving.duckdb",
    "document_summary": "document summary",
}


@contextmanager
def staging_progress(console: Console | None = None, label: str = "staging") -> Iterator[None]:
    """Show a progress bar while the block runs (nothing is drawn until a document is staged)."""
    bar = Progress(
        TextColumn(f"[bold]{label}[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("documents · {task.fields[pages]} pages · {task.fields[rate]} pages/s · {task.fields[eta]} left"),
        console=console,
        transient=False,
    )
    task = None

    def listener(progress: StagingProgress) -> None:
        nonlocal task
        if progress.total_documents < 2:
            return
        if task is None:
            task = bar.add_task(label, total=progress.total_documents, pages=0, rate="-", eta="?")
        eta = progress.eta_seconds
        bar.update(task, completed=progress.documents, pages=progress.pages,
                   rate=f"{progress.pages_per_second:.1f}", eta="?" if eta is None else format_duration(eta))

    add_listener(listener)
    try:
        with bar:
            yield
    finally:
        remove_listener(listener)


@contextmanager
def full_log_to(path: Path) -> Iterator[TextIO]:
    """Send standard output and standard error to ``path`` while the block runs; yield the terminal.

    File descriptors 1 and 2 are redirected, so dbt's output (re-emitted by
    dagster-dbt on stdout), Dagster's run log (stderr), warnings and child
    processes all go to the log file. The yielded stream writes to the
    original standard output: give it to the rich console that tells the
    story. Both descriptors are restored afterwards, also on errors.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    terminal = os.fdopen(os.dup(saved[1]), "w", encoding="utf-8", buffering=1)
    with open(path, "a", encoding="utf-8") as log:
        for fd in (1, 2):
            os.dup2(log.fileno(), fd)
        try:
            yield terminal
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            for fd, copy in saved.items():
                os.dup2(copy, fd)
                os.close(copy)
            terminal.close()


class RunStory:
    """Prints the phases of a Dagster run as they finish, with progress bars for staging and dbt.

    Pass :meth:`on_event` to ``run_batch(on_event=...)``; ``dbt_models`` and
    ``dbt_tests`` are the totals of the dbt step (assets and asset checks of
    the ``dbt_models`` multi-asset). Call :meth:`close` when the run is over.
    """

    def __init__(self, console: Console, dbt_models: int, dbt_tests: int):
        self.console = console
        self.dbt_totals = (dbt_models, dbt_tests)
        self.started: dict[str, float] = {}
        self.dbt_done = [0, 0]
        self.staged: StagingProgress | None = None
        self.failed_steps: list[str] = []
        self._bar: Progress | None = None
        self._task = None

    # -- progress bars (one at a time, removed when the phase ends) ---------
    def _start_bar(self, label: str, total: int, fields: str) -> None:
        self._stop_bar()
        self._bar = Progress(TextColumn(f"[bold]{label}[/bold]"), BarColumn(), MofNCompleteColumn(),
                             TextColumn(fields), TimeElapsedColumn(), console=self.console, transient=True)
        self._task = self._bar.add_task(label, total=total, detail="")
        self._bar.start()

    def _stop_bar(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def _on_staged(self, progress: StagingProgress) -> None:
        self.staged = progress
        if self._bar is not None:
            eta = progress.eta_seconds
            self._bar.update(self._task, total=progress.total_documents, completed=progress.documents,
                             detail=f"{progress.pages} pages · {progress.pages_per_second:.1f} pages/s · "
                                    f"{'?' if eta is None else format_duration(eta)} left")

    # -- events -------------------------------------------------------------
    def on_event(self, entry) -> None:
        """Handle one Dagster event log entry of the run."""
        event = entry.dagster_event
        if event is None:
            return
        kind = event.event_type_value
        step = entry.step_key
        if kind == "STEP_START" and step:
            self.started[step] = entry.timestamp
            if step == "stage_documents":
                self._start_bar("staging", None, "documents · {task.fields[detail]}")
                add_listener(self._on_staged)
            elif step == "dbt_models":
                self._start_bar("dbt build", sum(self.dbt_totals), "models and tests")
        elif step == "dbt_models" and kind in ("ASSET_MATERIALIZATION", "ASSET_CHECK_EVALUATION"):
            self.dbt_done[0 if kind == "ASSET_MATERIALIZATION" else 1] += 1
            if self._bar is not None:
                self._bar.update(self._task, completed=sum(self.dbt_done))
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and step:
            if step == "stage_documents":
                remove_listener(self._on_staged)
            self._stop_bar()
            self._finished(step, ok=kind == "STEP_SUCCESS", seconds=entry.timestamp - self.started.get(step, entry.timestamp))

    def _finished(self, step: str, ok: bool, seconds: float) -> None:
        if step in PHASES:
            label = PHASES[step]
        elif "_gx_" in step:  # the step of a GX suite check: <asset>_gx_<suite>
            label = "GX suite gx_" + step.split("_gx_", 1)[1]
        else:
            label = step
        detail = ""
        if step == "dbt_models":
            detail = f": {self.dbt_done[0]} of {self.dbt_totals[0]} models, {self.dbt_done[1]} of {self.dbt_totals[1]} tests"
        elif step == "stage_documents" and self.staged is not None:
            pages = f", {self.staged.pages} PDF pages" if self.staged.pages else ""
            detail = f": {self.staged.documents} documents{pages}"
        if ok:
            self.console.print(f"[green]✓[/green] {label}{detail} [dim]({seconds:.1f} s)[/dim]")
        else:
            self.failed_steps.append(step)
            self.console.print(f"[red]✗ {label} failed[/red]{detail} [dim]({seconds:.1f} s)[/dim]")

    def close(self) -> None:
        """Remove a progress bar left by a run that stopped inside a phase."""
        remove_listener(self._on_staged)
        self._stop_bar()
