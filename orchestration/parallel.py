"""Parse documents in parallel processes while one writer stages the results.

Parsing is pure and CPU-bound (pdfplumber: ~10 pages/s per core on the sample
PDFs); writing to DuckDB must stay in one process. :func:`parse_files` runs
:func:`orchestration.ingest.read_and_parse` in a process pool and yields the
results **in the order the documents were given** (so writes, and therefore
``first_seen_at`` and version order, are the same as a sequential run) while
the workers keep parsing ahead. With one worker, or one document, it parses
in this process (no pool start-up cost for a single dropped file).

Workers: ``PARSE_WORKERS`` (environment) or the run config of
``stage_documents``; default: the number of cores this process may use.
Pool processes come from a ``forkserver`` that has ``orchestration.parsing``
pre-imported: forking the Dagster process itself (threads, an open DuckDB
connection) is unsafe, and ``spawn`` would re-import pdfplumber per worker.

:class:`Progress` keeps documents done / total, pages, pages per second and an
ETA (by bytes, known before parsing) for the terminal and the Dagster UI.

No Dagster imports here.
"""

from __future__ import annotations

import collections
import dataclasses
import multiprocessing
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Iterator

from orchestration.ingest import ParsedFile, read_and_parse

#: Environment variable giving the number of parse processes (1 = parse in the writer process).
WORKERS_ENV = "PARSE_WORKERS"
#: Documents each worker may have parsed (or be parsing) ahead of the writer.
AHEAD_PER_WORKER = 4
#: Environment variable: ``always`` parses in a pool even with one worker (the
#: writer process never parses: its memory stays flat and writes overlap the
#: parse); default ``auto``: a pool only for more than one worker and document.
POOL_ENV = "PARSE_POOL"


def pool_always() -> bool:
    """True when ``$PARSE_POOL`` is ``always``; ``ValueError`` for a value other than ``auto``/``always``."""
    value = os.environ.get(POOL_ENV, "auto").strip().lower() or "auto"
    if value not in ("auto", "always"):
        raise ValueError(f"{POOL_ENV} must be 'auto' or 'always', got {value!r}")
    return value == "always"


def available_cores() -> int:
    """Cores this process may run on (CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def configured_workers(requested: int | None = None) -> int:
    """Parse processes to use: ``requested`` if > 0, else ``$PARSE_WORKERS``, else the core count."""
    if requested and requested > 0:
        return requested
    env = os.environ.get(WORKERS_ENV, "").strip()
    if env:
        value = int(env)
        if value < 1:
            raise ValueError(f"{WORKERS_ENV} must be >= 1, got {env!r}")
        return value
    return available_cores()


def _can_fork_children() -> bool:
    # A daemonic process (some executors' step workers) may not start children.
    return not multiprocessing.current_process().daemon


_CONTEXT = None


def _pool_context():
    global _CONTEXT
    if _CONTEXT is None:
        _CONTEXT = multiprocessing.get_context("forkserver")
        _CONTEXT.set_forkserver_preload(["orchestration.parsing", "orchestration.ingest"])
    return _CONTEXT


@dataclasses.dataclass(frozen=True)
class ParseJob:
    """One document to parse: its id (partition key) and the file holding its bytes."""

    document_id: str
    path: Path


def parse_files(jobs: list[ParseJob], workers: int) -> Iterator[tuple[ParseJob, ParsedFile | BaseException]]:
    """Yield ``(job, ParsedFile)`` — or ``(job, exception)`` — for every job, in the given order.

    ``workers`` > 1 and more than one job (or ``$PARSE_POOL=always``): a
    process pool of ``min(workers, len(jobs))`` parses ahead of the consumer (at
    most :data:`AHEAD_PER_WORKER` documents per worker); otherwise each
    job is parsed here when the consumer asks for it. Exceptions raised by
    :func:`read_and_parse` (``DocumentChangedError``, I/O errors) are yielded,
    not raised, so the consumer decides per document.
    """
    workers = min(workers, len(jobs))
    if not jobs or (workers <= 1 and not pool_always()) or not _can_fork_children():
        yield from _parse_here(jobs)
        return
    done = 0
    window = workers * AHEAD_PER_WORKER
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
            # At most `window` documents are parsed ahead of the writer, and a result is
            # dropped once yielded: memory stays bounded however long the backfill.
            pending: collections.deque[Future] = collections.deque()
            submitted = 0
            try:
                for job in jobs:
                    while submitted < len(jobs) and len(pending) < window:
                        ahead = jobs[submitted]
                        pending.append(pool.submit(read_and_parse, ahead.path, ahead.document_id))
                        submitted += 1
                    future = pending.popleft()
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        raise
                    except Exception as exc:  # noqa: BLE001 - handed to the consumer
                        result = exc
                    del future
                    done += 1
                    yield job, result
                    del result
            finally:
                for future in pending:
                    future.cancel()
    except BrokenProcessPool:
        # A worker died (out of memory, killed) or could not start: finish here, one by one.
        yield from _parse_here(jobs[done:])


def _parse_here(jobs: list[ParseJob]) -> Iterator[tuple[ParseJob, ParsedFile | BaseException]]:
    for job in jobs:
        try:
            yield job, read_and_parse(job.path, job.document_id)
        except Exception as exc:  # noqa: BLE001 - handed to the consumer
            yield job, exc


@dataclasses.dataclass
class Progress:
    """Documents done / total, pages, rate and time left of a staging run.

    The ETA is extrapolated from bytes (file sizes are known before parsing
    and track page counts closely); the rate is pages per second of wall time.
    """

    total_documents: int
    total_bytes: int
    started: float = dataclasses.field(default_factory=time.perf_counter)
    documents: int = 0
    pages: int = 0
    bytes_done: int = 0

    def add(self, pages: int | None, byte_size: int) -> None:
        self.documents += 1
        self.pages += pages or 0
        self.bytes_done += byte_size

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    @property
    def pages_per_second(self) -> float:
        elapsed = self.elapsed
        return self.pages / elapsed if elapsed > 0 else 0.0

    @property
    def eta_seconds(self) -> float | None:
        if not self.bytes_done:
            return None
        return self.elapsed * (self.total_bytes - self.bytes_done) / self.bytes_done

    def line(self) -> str:
        """``staged 40/200 documents (20%), 412 pages, 9.8 pages/s, 2m10s left``."""
        share = self.documents / self.total_documents if self.total_documents else 1.0
        eta = self.eta_seconds
        left = "?" if eta is None else format_duration(eta)
        return (
            f"staged {self.documents}/{self.total_documents} documents ({share:.0%}), {self.pages} pages, "
            f"{self.pages_per_second:.1f} pages/s, {left} left"
        )


def format_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


#: Callables told about every staged document (the CLI's rich progress bar registers one).
_LISTENERS: list = []


def add_listener(listener) -> None:
    """Call ``listener(progress)`` after each document staged in this process."""
    _LISTENERS.append(listener)


def remove_listener(listener) -> None:
    if listener in _LISTENERS:
        _LISTENERS.remove(listener)


def notify_listeners(progress: Progress) -> None:
    for listener in list(_LISTENERS):
        listener(progress)
