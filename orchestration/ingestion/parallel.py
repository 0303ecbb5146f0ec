"""Parse documents in parallel processes while one writer stages the results.

Parsing is pure and CPU-bound (pdfplumber: ~10 pages/s per core on the sample
PDFs); writing to DuckDB must stay in one process. :func:`parse_files` runs
:func:`orchestration.ingestion.reading.read_and_parse` in a process pool while the workers
keep parsing ahead. With ``PARSE_POOL=auto`` and one worker, or one document, it
parses in this process (no pool start-up cost for a single dropped file).

**Scans go to their own queue** (issue 28; OCR is two orders slower than a text
layer): a PDF that looks like a scan by its bytes (images, no font:
:func:`.parsing.formats.pdf_ocr.ocr_allowance_s`) goes straight to the **OCR pool**
(``OCR_WORKERS`` processes, default 1); any other document is parsed by the text
pool, and one that turns out to have pages needing OCR (no text layer, a garbled
or poor invisible one: :func:`.parsing.formats.pdf_ocr.judge_text_layer`) stops
there before any recognition (:class:`~.parsing.formats.pdf_ocr.OcrDeferred`) and
is queued to the OCR pool, its time budget raised by ``OCR_SECONDS_PER_PAGE`` per
such page. **The order the writer sees**: the text documents in the order they
were given, each as soon as it and those given before it are parsed, never
waiting for a scan; the OCR'd documents in the order they were given among
themselves, each written when it is done, between two text documents. So two
versions of one family (``first_seen_at`` order) keep their given order when both
are text or both are scans; a scan and a text copy of one family in the same
batch are written in the order they finish (the text copy almost always first),
and a scan written after a text document of its family given later gets a
``written_after_a_later_copy`` parse event naming it (nothing reordered silently).
A batch without a scan is written exactly in the given order, as before.

Workers: ``PARSE_WORKERS`` (environment) or the run config of
``stage_documents``; default: the number of cores this process may use.
Pool processes come from a ``forkserver`` that has ``orchestration.parsing``
pre-imported: forking the Dagster process itself (threads, an open DuckDB
connection) is unsafe, and ``spawn`` would re-import pdfplumber per worker.

**Every parse has a budget** (:class:`ParseLimits`): wall time
(``PARSE_TIMEOUT_S`` plus ``PARSE_TIMEOUT_S_PER_MB`` per MiB of the file) and
memory (``PARSE_MEMORY_MB``, the address space of a worker, set with
``RLIMIT_AS``). The pool is Pebble's ``ProcessPool``: a worker over its time is
ended and replaced; one over its memory gets ``MemoryError``; a worker killed
from outside (the kernel's OOM killer) is replaced too. In each case the
document becomes a quarantined :class:`~orchestration.ingestion.ingest.ParsedFile` whose
reason names the limit, and the other documents proceed. So that the budget
holds for a single document as well, parsing runs in a worker by default
(``PARSE_POOL=always``); ``PARSE_POOL=auto`` parses in this process when there
is one worker or one document, *without* a budget (debugging, benchmarks).

:class:`Progress` keeps documents done / total, pages, pages per second and an
ETA (by bytes, known before parsing) for the terminal and the Dagster UI.

No Dagster imports here.
"""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import gc
import multiprocessing
import os
import resource
import time
from concurrent.futures import FIRST_COMPLETED
from concurrent.futures import TimeoutError as FutureTimeoutError
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Iterator

from pebble import ProcessExpired, ProcessFuture, ProcessPool

from orchestration.ingestion.inbox import display_name
from orchestration.ingestion.reading import ParsedFile, read_and_parse, unread_file
from orchestration.settings import ParseSettings, read

#: Environment variable giving the number of parse processes (1 = one worker; in the writer process only with PARSE_POOL=auto).
WORKERS_ENV = "PARSE_WORKERS"
#: Documents each worker may have parsed (or be parsing) ahead of the writer.
AHEAD_PER_WORKER = 4
#: Environment variable: ``always`` (default) parses in a pool even with one worker
#: (every parse bounded in time and memory, the writer's memory stays flat, writes
#: overlap the parse); ``auto``: in this process, unbounded, for one worker or document.
POOL_ENV = "PARSE_POOL"

#: Environment variables of the parse budget, and their defaults (see :class:`ParseLimits`).
TIMEOUT_ENV, TIMEOUT_PER_MB_ENV, MEMORY_ENV = "PARSE_TIMEOUT_S", "PARSE_TIMEOUT_S_PER_MB", "PARSE_MEMORY_MB"
#: (one place: :class:`orchestration.settings.ParseSettings`).
DEFAULT_TIMEOUT_S, DEFAULT_TIMEOUT_S_PER_MB, DEFAULT_MEMORY_MB = (
    ParseSettings.model_fields[name].default for name in ("timeout_s", "timeout_s_per_mb", "memory_mb"))


@dataclasses.dataclass(frozen=True)
class ParseLimits:
    """The budget of one document's parse.

    ``seconds + seconds_per_mb × size in MiB`` of wall time (a 500-page table
    parses in about 35 s on a loaded 2-core machine, ``tests/bad_input/test_large_pdf.py``;
    a 642-byte PDF whose objects refer to each other would otherwise never end), and
    ``memory_mb`` of address space per worker process (the largest sample
    document peaks at 78 MB resident; a Flate stream inflating to gigabytes
    would otherwise take the machine).
    """

    seconds: float = DEFAULT_TIMEOUT_S
    seconds_per_mb: float = DEFAULT_TIMEOUT_S_PER_MB
    memory_mb: int = DEFAULT_MEMORY_MB

    @classmethod
    def from_env(cls) -> ParseLimits:
        """Limits from ``$PARSE_TIMEOUT_S``, ``$PARSE_TIMEOUT_S_PER_MB`` and ``$PARSE_MEMORY_MB`` (defaults otherwise)."""
        env = read(ParseSettings)
        return cls(env.timeout_s, env.timeout_s_per_mb, env.memory_mb)

    def seconds_for(self, byte_size: int, path: Path | None = None) -> float:
        """Wall-time budget of a file of ``byte_size`` bytes; a PDF at ``path`` that looks like a scan gets the
        OCR allowance of its images on top (:func:`.parsing.formats.pdf_ocr.ocr_allowance_s`, issue 28)."""
        from orchestration.parsing.formats.pdf_ocr import ocr_allowance_s

        extra = ocr_allowance_s(path) if path is not None else 0.0
        return self.seconds + self.seconds_per_mb * byte_size / 2**20 + extra

    def time_reason(self, file_name: str, byte_size: int, path: Path | None = None) -> str:
        """Quarantine reason of a parse ended at its time limit."""
        return (f"{file_name}: parsing was stopped at the time limit of {self.seconds_for(byte_size, path):.0f} s for this "
                f"file ({TIMEOUT_ENV}={self.seconds:g} + {TIMEOUT_PER_MB_ENV}={self.seconds_per_mb:g} per MiB): the "
                "worker was ended and nothing was loaded. A PDF that never finishes is usually malformed (objects "
                "that refer to each other, a damaged compressed stream): export or download it again.")

    def memory_reason(self, file_name: str, detail: str = "") -> str:
        """Quarantine reason of a parse that ran out of its memory limit (or whose worker was killed)."""
        return (f"{file_name}: parsing needed more than the memory limit of {self.memory_mb} MB per document "
                f"({MEMORY_ENV}){detail}: the parse was stopped and nothing was loaded. The file probably holds a "
                "compressed stream that inflates to a huge size (a damaged or hostile PDF): export it again.")


def pool_always() -> bool:
    """True unless ``$PARSE_POOL`` is ``auto``; ``ValueError`` for a value other than ``auto``/``always``."""
    return read(ParseSettings).pool == "always"


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
    return read(ParseSettings).workers or available_cores()


def _can_fork_children() -> bool:
    # A daemonic process (some executors' step workers) may not start children.
    return not multiprocessing.current_process().daemon


_CONTEXT = None


def _pool_context():
    global _CONTEXT
    if _CONTEXT is None:
        _CONTEXT = multiprocessing.get_context("forkserver")
        _CONTEXT.set_forkserver_preload(["orchestration.parsing", "orchestration.ingestion.reading"])
    return _CONTEXT


@dataclasses.dataclass(frozen=True)
class ParseJob:
    """One document to parse: its id (SHA-256 of the bytes) and the file holding its bytes."""

    document_id: str
    path: Path


def parse_files(
    jobs: list[ParseJob], workers: int, limits: ParseLimits | None = None
) -> Iterator[tuple[ParseJob, ParsedFile | BaseException]]:
    """Yield ``(job, ParsedFile)`` — or ``(job, exception)`` — for every job: text documents in the given order,
    scans from the OCR pool in between as they finish (module docstring, *Scans go to their own queue*).

    A process pool of ``min(workers, len(jobs))`` workers parses ahead of the
    consumer (at most :data:`AHEAD_PER_WORKER` documents per worker) and an OCR pool
    of :func:`configured_ocr_workers` takes the scans (:func:`parse_text_and_scans`), each
    parse within ``limits`` (default :meth:`ParseLimits.from_env`): a document
    over its budget comes back as a quarantined ``ParsedFile`` naming the
    limit. With ``$PARSE_POOL=auto`` and one worker or one job, each job is
    parsed here, unbounded. Exceptions raised by :func:`read_and_parse`
    (``DocumentChangedError``, I/O errors) are yielded, not raised, so the
    consumer decides per document.
    """
    limits = limits or ParseLimits.from_env()
    workers = max(1, min(workers, len(jobs)))
    if not jobs or (workers <= 1 and not pool_always()) or not _can_fork_children():
        yield from _parse_here(jobs, limits)
        return
    yield from parse_text_and_scans(jobs, workers, limits)


def parse_in_worker(path: Path, document_id: str | None) -> ParsedFile:
    """:func:`read_and_parse` in a pool worker, with the parse's wall time and peak resident memory."""
    _reset_peak_memory()
    started = time.perf_counter()
    try:
        item = read_and_parse(path, document_id)
    except MemoryError:
        gc.collect()
        raise
    return dataclasses.replace(item, parse_seconds=round(time.perf_counter() - started, 3),
                               peak_memory_bytes=_peak_memory())


#: Environment variable giving the number of OCR processes (default :data:`DEFAULT_OCR_WORKERS`).
OCR_WORKERS_ENV = "OCR_WORKERS"
DEFAULT_OCR_WORKERS = 1
#: Scans each OCR worker may have parsed (or be parsing) ahead of the writer (a scan's result holds its bytes).
AHEAD_PER_OCR_WORKER = 2


def configured_ocr_workers() -> int:
    """OCR processes: ``$OCR_WORKERS`` if set (≥ 1), else :data:`DEFAULT_OCR_WORKERS` (OCR is slow and large:
    one worker keeps the text pool's cores free; ``ValueError`` for a value below 1 or not a number)."""
    value = os.environ.get(OCR_WORKERS_ENV, "").strip()
    if not value:
        return DEFAULT_OCR_WORKERS
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{OCR_WORKERS_ENV} must be a whole number of processes, at least 1 (got {value!r})")
    return int(value)


@dataclasses.dataclass(frozen=True)
class NeedsOcr:
    """What a text worker returns for a document with ``pages`` (1-based) to OCR: it is parsed again in the OCR pool."""

    pages: tuple[int, ...]


def parse_text_in_worker(path: Path, document_id: str | None) -> ParsedFile | NeedsOcr:
    """:func:`parse_in_worker` in a text-pool worker: a PDF with pages that need OCR comes back as :class:`NeedsOcr`
    (it stopped before any recognition) instead of being OCR'd here."""
    from orchestration.parsing.formats import pdf_ocr

    pdf_ocr.defer_ocr(True)
    try:
        item = parse_in_worker(path, document_id)
        pages = pdf_ocr.deferred_pages()
    finally:
        pdf_ocr.defer_ocr(False)
    return NeedsOcr(tuple(pages)) if pages else item


def ocr_limits(limits: ParseLimits, pages: int) -> ParseLimits:
    """The budget of a document queued to the OCR pool after its text parse found ``pages`` to OCR: ``limits``
    with ``OCR_SECONDS_PER_PAGE`` × ``pages`` more seconds (the same memory limit)."""
    from orchestration.parsing.formats.pdf_ocr import OCR_SECONDS_PER_PAGE

    return dataclasses.replace(limits, seconds=limits.seconds + OCR_SECONDS_PER_PAGE * pages)


def looks_like_scan(path: Path) -> bool:
    """True for a PDF whose bytes hold images and no font (:func:`.parsing.formats.pdf_ocr.ocr_allowance_s`): it goes
    straight to the OCR pool. A byte scan (no parsing): other documents needing OCR are found by their text parse."""
    from orchestration.parsing.formats.pdf_ocr import ocr_allowance_s

    return ocr_allowance_s(path) > 0


def parse_text_and_scans(jobs: list[ParseJob], workers: int, limits: ParseLimits
                         ) -> Iterator[tuple[ParseJob, ParsedFile | BaseException]]:
    """The pools behind :func:`parse_files`: ``workers`` text processes and :func:`configured_ocr_workers` OCR
    processes (started at the first scan), yielding in the order of the module docstring.

    The text queue holds at most ``workers × AHEAD_PER_WORKER`` documents ahead of the writer, the OCR queue
    ``ocr workers × AHEAD_PER_OCR_WORKER``; scans beyond it wait as paths. A result is dropped once yielded.
    """
    text_window = workers * AHEAD_PER_WORKER
    text_pool = ProcessPool(max_workers=workers, initializer=_limit_worker_memory, initargs=(limits.memory_mb,),
                            context=_pool_context())
    ocr_pool: ProcessPool | None = None
    ocr_workers = configured_ocr_workers()
    ocr_window = ocr_workers * AHEAD_PER_OCR_WORKER
    text_queue: collections.deque = collections.deque()  # (index, job, future), in the given order
    ocr_waiting: list = []  # (index, job, limits) not yet scheduled, in the given order
    ocr_queue: list = []  # (index, job, future, limits), sorted by index
    families: dict[tuple, int] = {}  # family → highest given index written
    submitted = 0

    def schedule_scans() -> None:
        nonlocal ocr_pool
        while ocr_waiting and len(ocr_queue) < ocr_window:
            index, job, job_limits = ocr_waiting.pop(0)
            if ocr_pool is None:
                ocr_pool = ProcessPool(max_workers=ocr_workers, initializer=_limit_worker_memory,
                                       initargs=(limits.memory_mb,), context=_pool_context())
            future = ocr_pool.schedule(parse_in_worker, args=(job.path, job.document_id),
                                       timeout=job_limits.seconds_for(_size(job.path), job.path))
            ocr_queue.append((index, job, future, job_limits))
            ocr_queue.sort(key=lambda item: item[0])

    try:
        while submitted < len(jobs) or text_queue or ocr_queue or ocr_waiting:
            while submitted < len(jobs) and len(text_queue) < text_window:
                job = jobs[submitted]
                if looks_like_scan(job.path):
                    ocr_waiting.append((submitted, job, limits))
                else:
                    text_queue.append((submitted, job, text_pool.schedule(
                        parse_text_in_worker, args=(job.path, job.document_id),
                        timeout=limits.seconds_for(_size(job.path), job.path))))
                submitted += 1
            schedule_scans()
            if text_queue and text_queue[0][2].done() or (text_queue and not ocr_queue):
                index, job, future = text_queue.popleft()
                result = _result(job, future, limits)
                if isinstance(result, NeedsOcr):
                    ocr_waiting.append((index, job, ocr_limits(limits, len(result.pages))))
                    ocr_waiting.sort(key=lambda item: item[0])
                    continue
            elif ocr_queue and ocr_queue[0][2].done() or (ocr_queue and not text_queue):
                index, job, future, job_limits = ocr_queue.pop(0)
                result = _result(job, future, job_limits)
            else:
                concurrent.futures.wait([text_queue[0][2], ocr_queue[0][2]], return_when=FIRST_COMPLETED)
                continue
            note_family_order(families, index, result)
            yield job, result
            del result
    finally:
        for *_, future in text_queue:
            future.cancel()
        for _, _, future, _ in ocr_queue:
            future.cancel()
        for pool in (text_pool, ocr_pool):
            if pool is not None:
                pool.stop()
                pool.join()


def note_family_order(families: dict[tuple, int], index: int, result) -> None:
    """Remember the highest given position written per document family (doc type, department, fiscal year), and
    give a document written after one of its family that was given later a ``written_after_a_later_copy`` event
    (its ``first_seen_at`` is then the later: module docstring)."""
    parsed = getattr(result, "parsed", None)
    if parsed is None or not parsed.department or not parsed.fiscal_year:
        return
    from orchestration.parsing.records import ParseEvent

    family = (parsed.doc_type, parsed.department, parsed.fiscal_year)
    later = families.get(family)
    if later is not None and later > index:
        parsed.events.append(ParseEvent(
            "written_after_a_later_copy",
            f"read by OCR, so written after document {later + 1} of this batch (same {parsed.doc_type}, "
            f"{parsed.department}, {parsed.fiscal_year}) although given before it: its first_seen_at is the later "
            "of the two"))
    families[family] = max(index, later if later is not None else index)


def _result(job: ParseJob, future: ProcessFuture, limits: ParseLimits) -> ParsedFile | BaseException:
    """The outcome of one scheduled parse; a parse over its budget becomes a quarantined file naming the limit."""
    name = display_name(job.path.name)
    try:
        return future.result()
    except FutureTimeoutError:
        return _over_budget(job, limits.time_reason(name, _size(job.path), job.path),
                            limits.seconds_for(_size(job.path), job.path))
    except MemoryError:
        return _over_budget(job, limits.memory_reason(name), None, limits.memory_mb * 2**20)
    except (ProcessExpired, BrokenProcessPool) as error:  # killed from outside (OOM killer) or crashed
        code = getattr(error, "exitcode", None)
        if code == -9:  # SIGKILL: the kernel's OOM killer (or a person) ended the worker
            return _over_budget(job, limits.memory_reason(name, " (its worker was killed, exit code -9)"), None)
        return _over_budget(job, (
            f"{name}: the parse worker ended abnormally (exit code {code}) while reading this file; nothing was "
            "loaded. Run again; if it happens again, report it with the file attached."), None)
    except Exception as exc:  # noqa: BLE001 - handed to the consumer
        return exc


def _over_budget(job: ParseJob, reason: str, seconds: float | None, memory: int | None = None) -> ParsedFile | BaseException:
    try:
        item = unread_file(job.path, job.document_id, reason, keep_bytes=True)  # within its size limit
    except Exception as exc:  # noqa: BLE001 - changed or gone meanwhile: the consumer decides
        return exc
    return dataclasses.replace(item, parse_seconds=seconds, peak_memory_bytes=memory)


def _parse_here(jobs: list[ParseJob], limits: ParseLimits) -> Iterator[tuple[ParseJob, ParsedFile | BaseException]]:
    for job in jobs:
        try:
            yield job, read_and_parse(job.path, job.document_id)
        except MemoryError:
            yield job, _over_budget(job, limits.memory_reason(display_name(job.path.name)), None)
        except Exception as exc:  # noqa: BLE001 - handed to the consumer
            yield job, exc


def _size(path: Path) -> int:
    try:
        return os.stat(path, follow_symlinks=False).st_size
    except OSError:
        return 0


def _limit_worker_memory(memory_mb: int) -> None:
    """Pool initializer: cap this worker's address space (``RLIMIT_AS``) at ``memory_mb``."""
    limit = memory_mb * 2**20
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _reset_peak_memory() -> None:
    """Start a new peak-resident-memory measurement for this process (Linux: ``clear_refs`` 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass


def _peak_memory() -> int | None:
    """Peak resident memory of this process since :func:`_reset_peak_memory`, in bytes (``VmHWM``)."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


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
