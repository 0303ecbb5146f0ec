"""A rich progress bar for long staging runs in the terminal.

``stage_documents`` reports every staged document to the listeners of
:mod:`orchestration.parallel` (in the process that runs the step); when the
step runs in this process (``budget-etl run``, ``make bench``), this bar shows
documents done / total, pages, pages per second and the time left. Runs
launched by the Dagster daemon log the same figures as run-log lines instead.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from orchestration.parallel import Progress as StagingProgress
from orchestration.parallel import add_listener, format_duration, remove_listener


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
