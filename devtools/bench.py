"""``make bench``: parse throughput, backfill speed-up, memory, drop-to-mart latency, cost vs warehouse size.

Everything is measured in one run on this machine and reported as numbers and
ratios (results are printed and written to ``.bench/results.md`` and
``.bench/results.json``); nothing here asserts a timing.

1. **Corpus**: ``BENCH_SCALE`` × 220 synthetic 项目支出绩效目标表 PDFs
   (:func:`devtools.corpus.build_corpus`), cached in
   ``.bench/corpus-v<version>-<count>/``.
2. **Parse throughput**: pages/s of ``parse_document`` next to bare pdfplumber
   (open + chars + lines + rects) on the same sample of the corpus, same
   process, best of two, interleaved.
3. **Backfill**: the whole corpus, inbox folder → staging → GX checks → dbt
   marts → serving.duckdb (``run_batch``: one run of ``main_job``), in a child
   process with ``PARSE_WORKERS=1`` and with all cores; wall time, pages/s,
   speed-up, step times, peak RSS of the process tree (sampled from /proc).
4. **Worker memory**: peak RSS of a process parsing the largest document.
5. **Drop-to-mart latency** (issue 7): a 10-document warehouse, then 20 drops
   into the drop inbox driven by :class:`~devtools.drive.SensorDriver`
   (what the daemon does per tick), each timed from the file appearing to the
   document being visible in ``serving.duckdb``.
6. **Cost vs warehouse size**: the same documents dropped into a warehouse of
   500 documents (text variants of the seeds), stage / dbt / publish step
   times compared with the drops into the 10-document warehouse.

    python -m devtools.bench            # BENCH_SCALE=0.1 for a quick run

7. **Bundles** (issues 13, 26): the real 部门预算 / 部门决算 PDFs of every bundle folder of
   ``../shared/realdocs`` (or ``$REALDOCS_DIR``; :data:`BUNDLE_FOLDERS`): pages/s of ``parse_document``
   next to bare pdfplumber (chars + lines + rects) and to a bare ``extract_tables()`` on every page,
   same pages, same process, per folder and in total.

8. **Daemon** (issue 19): drop → visible in ``serving.duckdb`` under the real ``make dev``
   (``devtools.bench_daemon``), p50/p95 over ``BENCH_DROPS`` drops and the split
   into parts read from the sensor's ticks and the run's event log. Part 5 is the in-process
   figure (ticks driven in the bench's process, settle 0 s, no run launch): the pipeline alone.

``BENCH_PARTS=throughput`` runs 1–4 only, ``BENCH_PARTS=streaming`` 5–6 only, ``BENCH_PARTS=bundles`` 7 only,
``BENCH_PARTS=daemon`` 8 only (``BENCH_DROPS=5`` for a quick run), ``BENCH_PARTS=ocr`` 9 only.

9. **OCR** (issue 28): a few table pages of a real bundle from their text layer and rasterized at 150 and
   200 dpi through OCR (:mod:`devtools.bench_ocr`): pages/s per core and the ratio OCR / text, in one run.

10. **Sizes** (issue 29, ``BENCH_PARTS=sizes``): at 10, 1,000 and 10,000 documents already loaded
   (``BENCH_SIZES``), drop → visible p50/p95 under ``make dev`` with drops a few seconds apart whatever runs
   are doing, backfill documents/s, peak memory, and the ratio largest / smallest (:mod:`devtools.bench_sizes`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from orchestration.settings import REPO_ROOT, SAMPLES_DIR

BENCH_DIR = REPO_ROOT / ".bench"
FULL_CORPUS = 220
FULL_DROPS = 20
FULL_LARGE_WAREHOUSE = 500
SIZE_DROPS = 5


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Process-tree memory
# --------------------------------------------------------------------------


def _process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def _cpu_ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


class TreeMemory(threading.Thread):
    """Samples the summed RSS and the CPU time of a process and its descendants every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 1.0):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_total = 0
        self.peak_single = 0
        self.cpu_seconds = 0.0
        self._cpu_ticks: dict[int, int] = {}
        self._halt = threading.Event()

    @property
    def sampled_cpu_seconds(self) -> float:
        return sum(self._cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")

    def run(self) -> None:
        while not self._halt.is_set():
            tree = _process_tree(self.pid)
            sizes = [_rss_bytes(p) for p in tree]
            for p in tree:
                ticks = _cpu_ticks(p)
                if ticks > self._cpu_ticks.get(p, 0):
                    self._cpu_ticks[p] = ticks
            if sizes:
                self.peak_total = max(self.peak_total, sum(sizes))
                self.peak_single = max(self.peak_single, max(sizes))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def run_child(args: list[str], env: dict | None = None) -> tuple[dict, float, TreeMemory]:
    """Run ``python -m devtools.bench <args>`` and return its JSON, wall time and memory."""
    out = BENCH_DIR / f"child-{os.getpid()}-{time.monotonic_ns()}.json"
    cmd = [sys.executable, "-m", "devtools.bench", *args, "--result", str(out)]
    logs = BENCH_DIR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / f"{args[0]}-{time.strftime('%H%M%S')}.log"
    start = time.perf_counter()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    # The child's stdout (dbt's output, Dagster's console log) goes to a log file; stderr (progress bar) stays.
    with open(log_path, "w") as stdout:
        proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, cwd=REPO_ROOT, stdout=stdout)
        memory = TreeMemory(proc.pid)
        memory.start()
        code = proc.wait()
        memory.stop()
    wall = time.perf_counter() - start
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU of the tree: the /proc samples (pool workers live under the forkserver, which nobody waits for),
    # or what wait() reported for the child and the descendants it waited for, whichever is larger.
    waited = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    memory.cpu_seconds = max(memory.sampled_cpu_seconds, waited)
    if code != 0:
        raise RuntimeError(f"bench child {args[0]} failed with exit status {code}; see {log_path}")
    result = json.loads(out.read_text("utf-8"))
    out.unlink()
    return result, wall, memory


# --------------------------------------------------------------------------
# Children (run in their own process)
# --------------------------------------------------------------------------


def _instance(home: Path):
    import dagster as dg

    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return dg.DagsterInstance.local_temp(str(home))


def _step_seconds(instance, run_id: str) -> dict[str, float]:
    """Wall seconds per step of a run, checks grouped (``stage_documents``, ``dbt``, ``checks``, ``serving``, ``report``)."""
    groups: dict[str, float] = {}
    for stat in instance.get_run_step_stats(run_id):
        if stat.start_time is None or stat.end_time is None:
            continue
        key = stat.step_key
        name = ("stage" if key == "stage_documents" else "dbt" if key.startswith("dbt") else
                "serving" if key == "serving_database" else "report" if key == "document_summary" else "checks")
        groups[name] = groups.get(name, 0.0) + stat.end_time - stat.start_time
    return {k: round(v, 3) for k, v in groups.items()}


def child_backfill(folder: Path, root: Path) -> dict:
    """One batch run of ``main_job`` over ``folder`` into a fresh warehouse under ``root``."""
    from orchestration.batch import run_batch
    from orchestration.definitions import build_definitions
    from orchestration.resources import WarehouseResource
    from orchestration.terminal import staging_progress

    shutil.rmtree(root, ignore_errors=True)
    warehouse = WarehouseResource(warehouse_dir=str(root / "warehouse"), inbox_dir=str(root / "inbox"))
    instance = _instance(root / "dagster")
    defs = build_definitions(warehouse)
    start = time.perf_counter()
    from rich.console import Console

    with staging_progress(console=Console(stderr=True), label=f"backfill ({os.environ.get('PARSE_WORKERS', 'cores')} workers)"):
        batch = run_batch(defs, instance, folder, log_level="ERROR")
    wall = time.perf_counter() - start
    from orchestration.ingestion.loading import read_only_connection

    with read_only_connection(warehouse.serving_path) as con:
        (loaded,) = con.execute("SELECT count(*) FROM marts.rpt_document_summary WHERE status = 'loaded'").fetchone()
        (unreconciled,) = con.execute(
            "SELECT count(*) FROM marts.rpt_document_summary WHERE coalesce(reconciliation_status, 'OK') <> 'OK'"
        ).fetchone()
    steps = _step_seconds(instance, batch.results[0].run_id) if batch.results else {}
    return {
        "success": batch.success and not batch.blocking_failures(),
        "documents": len(batch.document_ids), "loaded_in_serving": loaded, "not_reconciled": unreconciled,
        "failed_checks": [f"{e.asset_key.to_user_string()}:{e.check_name}" for e in batch.check_evaluations() if not e.passed],
        "runs": len(batch.results), "wall_s": round(wall, 2), "steps_s": steps,
        "self_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "children_maxrss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def child_parse_one(path: Path) -> dict:
    """Peak RSS of this process before and after parsing ``path``."""
    from orchestration.parsing import parse_document

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    doc = parse_document(path.read_bytes(), path.name)
    return {"file": path.name, "pages": doc.page_count, "seconds": round(time.perf_counter() - start, 2),
            "maxrss_before_mb": round(before / 1024, 1),
            "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def child_import() -> dict:
    """Seconds to import the code location (what a daemon run worker pays before its first step)."""
    start = time.perf_counter()
    import orchestration.definitions  # noqa: F401

    return {"import_definitions_s": round(time.perf_counter() - start, 2)}


def _visible(serving: Path, document_id: str) -> bool:
    from orchestration.ingestion.loading import read_only_connection

    if not serving.exists():
        return False
    with read_only_connection(serving) as con:
        (n,) = con.execute("SELECT count(*) FROM marts.rpt_document_summary WHERE document_id = ?", [document_id]).fetchone()
        return n > 0


def child_drops(base: Path, drops: list[Path], root: Path, variants_per_seed: int) -> dict:
    """A warehouse of ``base`` documents (+ text variants), then each of ``drops`` dropped and timed."""
    from orchestration.ingestion import reading
    from orchestration.batch import run_batch
    from orchestration.definitions import build_definitions
    from devtools.corpus import write_variants
    from devtools.drive import SensorDriver
    from orchestration.resources import WarehouseResource
    from orchestration.ingestion.loading import read_only_connection

    shutil.rmtree(root, ignore_errors=True)
    initial = root / "initial"
    initial.mkdir(parents=True)
    for path in base.iterdir():
        shutil.copy(path, initial / path.name)
    for seed in sorted(SAMPLES_DIR.glob("*.txt")):
        if variants_per_seed:
            write_variants(seed, initial, variants_per_seed)
    # settle_seconds=0: the pipeline's latency; the daemon adds its tick interval (reported separately).
    warehouse = WarehouseResource(warehouse_dir=str(root / "warehouse"), inbox_dir=str(root / "inbox"), settle_seconds=0)
    Path(warehouse.inbox_dir).mkdir(parents=True)
    instance = _instance(root / "dagster")
    defs = build_definitions(warehouse)
    start = time.perf_counter()
    batch = run_batch(defs, instance, initial, log_level="ERROR")
    setup = {"documents": len(batch.document_ids), "success": batch.success, "wall_s": round(time.perf_counter() - start, 2),
             "steps_s": _step_seconds(instance, batch.results[0].run_id)}
    driver = SensorDriver(defs, instance, log_level="ERROR")
    driver.tick()
    rows = []
    for path in drops:
        data = path.read_bytes()
        document_id = reading.document_id(data)
        tmp = Path(warehouse.inbox_dir) / f".{path.name}.part"
        tmp.write_bytes(data)
        t0 = time.perf_counter()
        os.replace(tmp, Path(warehouse.inbox_dir) / path.name)  # the file appears, complete
        results, ticks = [], 0
        while not results and ticks < 5:
            results = driver.tick()
            ticks += 1
        visible = _visible(warehouse.serving_path, document_id)
        t1 = time.perf_counter()
        rows.append({"file": path.name, "latency_s": round(t1 - t0, 3), "ticks": ticks, "visible": visible,
                     "success": all(r.success for r in results),
                     "steps_s": _step_seconds(instance, results[0].run_id) if results else {}})
    with read_only_connection(warehouse.duckdb_path) as con:
        (documents,) = con.execute("SELECT count(*) FROM raw.documents").fetchone()
    return {"setup": setup, "drops": rows, "documents_after": documents,
            "duckdb_mb": round(warehouse.duckdb_path.stat().st_size / 2**20, 1),
            "serving_mb": round(warehouse.serving_path.stat().st_size / 2**20, 1)}


# --------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (``q`` in 0..100)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def parse_throughput(files: list[Path], repeat: int = 2) -> dict:
    """Bare pdfplumber vs our parse on ``files``, interleaved per file, best of ``repeat``."""
    from devtools.bench_pdf import bench

    rows = bench(files, repeat)
    pages = sum(r["pages"] for r in rows)
    bare, parse = sum(r["bare_s"] for r in rows), sum(r["parse_s"] for r in rows)
    return {"files": len(rows), "pages": pages, "bare_s": round(bare, 2), "parse_s": round(parse, 2),
            "bare_pages_per_s": round(pages / bare, 2), "parse_pages_per_s": round(pages / parse, 2),
            "ratio": round(parse / bare, 3),
            "worst_file_ratio": round(max(r["parse_s"] / r["bare_s"] for r in rows), 3)}


#: Parts of the bench (``BENCH_PARTS``, comma-separated; default: all).
#: ``throughput``: parse vs bare pdfplumber, backfill with 1 worker and all cores, worker memory;
#: ``streaming``: drop-to-mart latency and cost vs warehouse size (issue 7).
#: ``bundles``: the real 部门预算/决算 PDFs, parse vs bare pdfplumber (issue 13).
#: ``daemon``: drop → visible in serving.duckdb under the real ``make dev`` (issue 19,
#: ``devtools/bench_daemon.py``; ``BENCH_DROPS`` drops, default 20).
#: ``ocr``: scanned pages read by OCR, pages/s per core next to the text path (issue 28, ``devtools/bench_ocr.py``).
#: ``sizes``: drop → visible under ``make dev`` (drops a few seconds apart), backfill documents/s and peak memory
#: at 10, 1,000 and 10,000 documents already loaded (issue 29, ``devtools/bench_sizes.py``; ``BENCH_SIZES``).
BENCH_PARTS = ("throughput", "streaming", "bundles", "daemon", "ocr", "sizes")


def selected_parts(value: str | None) -> tuple[str, ...]:
    """The parts named in ``value`` (``BENCH_PARTS``), all when empty; ``ValueError`` names an unknown part."""
    names = tuple(p.strip() for p in (value or "").split(",") if p.strip()) or BENCH_PARTS
    unknown = [n for n in names if n not in BENCH_PARTS]
    if unknown:
        raise ValueError(f"unknown BENCH_PARTS {unknown}; choose from {', '.join(BENCH_PARTS)}")
    return names


def main_bench(scale: float, parts: tuple[str, ...] = BENCH_PARTS) -> dict:
    from devtools.corpus import CORPUS_VERSION, build_corpus
    from orchestration.ingestion.parallel import available_cores

    started = time.perf_counter()
    cores = available_cores()
    results: dict = {"machine": {"load_average_at_start": [round(x, 2) for x in os.getloadavg()], "cores": cores,
                                 "python": platform.python_version(), "platform": platform.platform(),
                                 "scale": scale, "parts": list(parts)}}
    if not set(parts) <= {"bundles", "daemon", "ocr", "sizes"}:  # the synthetic corpus only for the parts that read it
        count = max(4, round(FULL_CORPUS * scale))
        corpus = BENCH_DIR / f"corpus-v{CORPUS_VERSION}-{count}"
        log(f"corpus: {count} synthetic PDFs in {corpus} (cached)")
        t = time.perf_counter()
        manifest = build_corpus(corpus, count, workers=cores,
                                progress=lambda done, total: done % 20 == 0 and log(f"  rendered {done}/{total}"))
        files = manifest["files"]
        pages = sum(f["pages"] for f in files)
        results["corpus"] = {"documents": len(files), "pages": pages, "min_pages": min(f["pages"] for f in files),
                             "max_pages": max(f["pages"] for f in files), "mb": round(sum(f["bytes"] for f in files) / 2**20, 1),
                             "variants": manifest["variants"], "seconds_to_build_or_load": round(time.perf_counter() - t, 1)}
        log(f"corpus: {len(files)} documents, {pages} pages")
        if "throughput" in parts:
            _throughput(results, corpus, files, pages, cores)
        if "streaming" in parts:
            _streaming(results, corpus, files, scale)
    if "daemon" in parts:
        _daemon(results)
    if "bundles" in parts:
        _bundles(results)
    if "ocr" in parts:
        _ocr(results)
    if "sizes" in parts:
        _sizes(results)
    results["bench_seconds"] = round(time.perf_counter() - started, 1)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return results


def _daemon(results: dict) -> None:
    # 8. drop → visible under the real `make dev` (issue 19).
    from devtools import bench_daemon

    drops = int(os.environ.get("BENCH_DROPS", str(FULL_DROPS)))
    log(f"daemon: make dev on a fresh warehouse, {drops} drops")
    results["daemon"] = bench_daemon.run(drops, BENCH_DIR / "daemon")
    d = results["daemon"]
    log(f"  under make dev: p50 {d['p50_s']} s, p95 {d['p95_s']} s")


def _sizes(results: dict) -> None:
    # 10. cost vs warehouse size under `make dev`, drops a few seconds apart (issue 29).
    from devtools import bench_sizes

    sizes = bench_sizes.sizes_from_env(os.environ.get("BENCH_SIZES"))
    drops = int(os.environ.get("BENCH_DROPS", "5"))
    log(f"sizes: {', '.join(map(str, sizes))} documents, {drops} drops each")
    results["sizes"] = bench_sizes.run(BENCH_DIR, sizes, drops,
                                       float(os.environ.get("BENCH_DROP_GAP_S", str(bench_sizes.DEFAULT_GAP_S))),
                                       int(os.environ.get("BENCH_BACKFILL", str(bench_sizes.DEFAULT_BACKFILL))))


def _throughput(results: dict, corpus: Path, files: list[dict], pages: int, cores: int) -> None:
    # 1. parse throughput vs bare pdfplumber, on every k-th document (~1/20 of the corpus).
    step = max(1, len(files) // 20)
    sample = [corpus / f["name"] for f in files[::step]]
    log(f"parse throughput on {len(sample)} documents ({sum(f['pages'] for f in files[::step])} pages), best of 2")
    results["parse"] = parse_throughput(sample, repeat=2)
    log(f"  parse/bare = {results['parse']['ratio']:.3f}")

    # 2. backfill with 1 worker (parsing in the writer process, the default for one worker),
    #    1 worker process in a pool (PARSE_POOL=always), and every core.
    results["backfill"] = {}
    configs = [("1", 1, "auto"), ("1-pool", 1, "always")] + ([(str(cores), cores, "auto")] if cores > 1 else [])
    for label, workers, pool in configs:
        log(f"backfill of {len(files)} documents with {workers} parse worker(s), PARSE_POOL={pool}")
        child, wall, memory = run_child(["backfill", str(corpus), str(BENCH_DIR / f"backfill-{label}")],
                                        env={"PARSE_WORKERS": str(workers), "PARSE_POOL": pool})
        child.update({"staging_pages_per_s": round(pages / child["steps_s"]["stage"], 2), "workers": workers,
                      "label": label, "pool": pool, "load_average_after": round(os.getloadavg()[0], 2), "pages": pages, "pages_per_s": round(pages / child["wall_s"], 2),
                      "process_wall_s": round(wall, 2), "cpu_s": round(memory.cpu_seconds, 1),
                      "cores_used": round(memory.cpu_seconds / wall, 2), "peak_rss_tree_mb": round(memory.peak_total / 2**20, 1),
                      "peak_rss_largest_process_mb": round(memory.peak_single / 2**20, 1)})
        results["backfill"][label] = child
        log(f"  {child['wall_s']} s, {child['pages_per_s']} pages/s, staging {child['steps_s'].get('stage')} s, "
            f"peak RSS {child['peak_rss_tree_mb']} MB")
    one, pooled, many = results["backfill"]["1"], results["backfill"]["1-pool"], results["backfill"][str(cores)]
    results["speedup"] = {"end_to_end": round(one["wall_s"] / many["wall_s"], 2),
                          "staging_step": round(one["steps_s"]["stage"] / many["steps_s"]["stage"], 2),
                          "end_to_end_vs_one_pool_worker": round(pooled["wall_s"] / many["wall_s"], 2),
                          "staging_step_vs_one_pool_worker": round(pooled["steps_s"]["stage"] / many["steps_s"]["stage"], 2)}

    # 3. worker memory on the largest document.
    largest = max(files, key=lambda f: (f["pages"], f["bytes"]))
    results["worker_memory"], _, _ = run_child(["parse-one", str(corpus / largest["name"])])


#: The folders of ``../shared/realdocs`` that hold whole 部门预算 / 部门决算 disclosures (issue 26:
#: "make bench on all shared bundles"); the others hold target tables, self-evaluations and scans.
BUNDLE_FOLDERS = ("budget-bundles", "jiangsu", "beijing", "guangdong", "zhejiang")


def realdocs_dir() -> Path:
    """``$REALDOCS_DIR``, else ``<repo>/../shared/realdocs``."""
    return Path(os.environ.get("REALDOCS_DIR", REPO_ROOT.parent / "shared" / "realdocs"))


def _bundles(results: dict) -> None:
    # 7. the real disclosures: parse vs bare pdfplumber on the same pages, same process, best of 2.
    from devtools.bench_pdf import bench_bundles

    root = realdocs_dir()
    paths = [p for folder in BUNDLE_FOLDERS for p in sorted((root / folder).glob("*.pdf"))]
    if not paths:
        log(f"bundles: no PDFs in {root}/{{{','.join(BUNDLE_FOLDERS)}}} (set REALDOCS_DIR): part skipped")
        results["bundles"] = {"skipped": f"no PDFs in {root}"}
        return
    log(f"bundles: {len(paths)} real 部门预算/决算 PDFs in {root} ({', '.join(BUNDLE_FOLDERS)}), best of 2")
    rows = bench_bundles(paths, repeat=2)
    results["bundles"] = {"folder": str(root), "files": rows, **_bundle_totals(rows),
                          "by_folder": {f: _bundle_totals([r for r in rows if r["folder"] == f]) for f in BUNDLE_FOLDERS}}
    b = results["bundles"]
    log(f"  parse {b['parse_pages_per_s']} pages/s, bare {b['bare_pages_per_s']}, bare extract_tables "
        f"{b['bare_tables_pages_per_s']}: parse/bare = {b['ratio_vs_bare']}, parse/extract_tables = {b['ratio_vs_bare_tables']}")


def _ocr(results: dict) -> None:
    # 9. scanned pages: OCR pages/s per core next to the text path, same pages (issue 28).
    from devtools.bench_ocr import run

    log("ocr: table pages of a real bundle, text layer vs rasterized at 150 and 200 dpi")
    results["ocr"] = o = run(realdocs_dir())
    for dpi, r in o.get("resolutions", {}).items():
        log(f"  {dpi} dpi: {r['pages_per_cpu_s']} pages per CPU-second, OCR/text = {r['ratio_vs_text']}×, "
            f"amounts equal {r['amounts_equal']}/{r['amounts']}")


def _bundle_totals(rows: list[dict]) -> dict:
    """Pages, seconds, pages/s and the two ratios over ``rows`` (files of :func:`~devtools.bench_pdf.bench_bundles`)."""
    pages = sum(r["pages"] for r in rows)
    total = {k: round(sum(r[k] for r in rows), 2) for k in ("bare_s", "bare_tables_s", "parse_s")}
    if not pages:
        return {"documents": 0, "pages": 0, **total}
    return {
        "documents": len(rows), "pages": pages, "refused": sum(1 for r in rows if r["status"] != "parsed"),
        "table_pages": sum(r["table_pages"] for r in rows), "narrative_pages": sum(r["narrative_pages"] for r in rows),
        **total,
        "bare_pages_per_s": round(pages / total["bare_s"], 2),
        "bare_tables_pages_per_s": round(pages / total["bare_tables_s"], 2),
        "parse_pages_per_s": round(pages / total["parse_s"], 2),
        "ratio_vs_bare": round(total["parse_s"] / total["bare_s"], 3),
        "ratio_vs_bare_tables": round(total["parse_s"] / total["bare_tables_s"], 3),
    }


def _bundles_markdown(r: dict) -> list[str]:
    b = r["bundles"]
    if "skipped" in b:
        return ["## Real 部门预算 / 部门决算 PDFs", "", f"Skipped: {b['skipped']}.", ""]
    out = [
        "## Real 部门预算 / 部门决算 PDFs (same pages, same process, best of 2)",
        "",
        f"{b['documents']} documents, {b['pages']} pages: {b['table_pages']} pages with tables, "
        f"{b['narrative_pages']} narrative pages (no table extraction on those); {b['refused']} refused by the parser "
        "(timed up to the refusal).",
        "",
        "| | seconds | pages/s |",
        "|---|---:|---:|",
        f"| bare pdfplumber (open + chars + lines + rects) | {b['bare_s']:.2f} | {b['bare_pages_per_s']:.1f} |",
        f"| bare pdfplumber `extract_tables()` on every page | {b['bare_tables_s']:.2f} | {b['bare_tables_pages_per_s']:.1f} |",
        f"| parse_document (inventory, classification, every standard table read) | {b['parse_s']:.2f} | {b['parse_pages_per_s']:.1f} |",
        "",
        f"**parse / bare = {b['ratio_vs_bare']:.2f}×; parse / bare extract_tables = {b['ratio_vs_bare_tables']:.2f}×** "
        "(target ≤ 1.15×).",
        "",
        "| folder | documents | pages | bare p/s | extract_tables p/s | parse p/s | parse / bare | parse / extract_tables |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, f in b["by_folder"].items():
        if f["pages"]:
            out.append(f"| {name} | {f['documents']} | {f['pages']} | {f['bare_pages_per_s']:.1f} | "
                       f"{f['bare_tables_pages_per_s']:.1f} | {f['parse_pages_per_s']:.1f} | {f['ratio_vs_bare']:.2f}× | "
                       f"{f['ratio_vs_bare_tables']:.2f}× |")
    out += ["", "| file | status | pages | table pages | bare p/s | extract_tables p/s | parse p/s |",
            "|---|---|---:|---:|---:|---:|---:|"]
    for f in b["files"]:
        out.append(f"| {f['folder']}/{f['file']} | {f['status']} | {f['pages']} | {f['table_pages']} | "
                   f"{f['bare_pages_per_s']:.1f} | {f['bare_tables_pages_per_s']:.1f} | {f['parse_pages_per_s']:.1f} |")
    return out + [""]


def _streaming(results: dict, corpus: Path, files: list[dict], scale: float) -> None:
    results["code_location_load"], _, _ = run_child(["import"])

    # 4. drop-to-mart latency (10-document warehouse) and 5. cost vs warehouse size.
    drops = FULL_DROPS if scale >= 1 else max(3, round(FULL_DROPS * scale))
    by_pages = sorted(files, key=lambda f: f["name"])
    drop_files = [corpus / f["name"] for f in by_pages[:drops]]
    base = BENCH_DIR / "base-10"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    for path in sorted(SAMPLES_DIR.iterdir()):
        shutil.copy(path, base / path.name)
    extra = by_pages[drops]  # the 10th document of the small warehouse: one corpus PDF
    shutil.copy(corpus / extra["name"], base / extra["name"])
    log(f"latency: {drops} drops into a warehouse of {len(list(base.iterdir()))} documents")
    small, _, _ = run_child(["drops", str(base), str(BENCH_DIR / "drops-10"), "0", *map(str, drop_files)])
    large_variants = max(2, round((FULL_LARGE_WAREHOUSE if scale >= 1 else FULL_LARGE_WAREHOUSE * scale) / 5) - 2)
    size_drops = drop_files[:SIZE_DROPS]
    log(f"cost vs size: {len(size_drops)} drops into a warehouse of {10 + 5 * large_variants} documents")
    large, _, _ = run_child(["drops", str(base), str(BENCH_DIR / "drops-large"), str(large_variants), *map(str, size_drops)])
    latencies = [d["latency_s"] for d in small["drops"]]
    results["latency"] = {
        "drops": len(latencies), "p50_s": round(percentile(latencies, 50), 2), "p95_s": round(percentile(latencies, 95), 2),
        "max_s": round(max(latencies), 2), "all_visible": all(d["visible"] for d in small["drops"]),
        "pages_median": statistics.median(f["pages"] for f in by_pages[:drops]),
        "sensor_minimum_interval_s": _sensor_interval(), "default_settle_s": _default_settle(),
        "small_warehouse": small,
    }

    def median_steps(rows: list[dict]) -> dict:
        keys = sorted({k for r in rows for k in r["steps_s"]})
        return {k: round(statistics.median(r["steps_s"].get(k, 0.0) for r in rows), 3) for k in keys}

    results["size_cost"] = {
        "small": {"documents_before": small["setup"]["documents"], "median_latency_s":
                  round(statistics.median(d["latency_s"] for d in small["drops"][:len(size_drops)]), 2),
                  "median_steps_s": median_steps(small["drops"][:len(size_drops)])},
        "large": {"documents_before": large["setup"]["documents"], "median_latency_s":
                  round(statistics.median(d["latency_s"] for d in large["drops"]), 2),
                  "median_steps_s": median_steps(large["drops"]), "drops": large["drops"], "duckdb_mb": large["duckdb_mb"],
                  "serving_mb": large["serving_mb"], "setup": large["setup"]},
    }


def _sensor_interval() -> int:
    from orchestration.defs.ingestion.sensors import inbox_sensor

    return inbox_sensor.minimum_interval_seconds


def _default_settle() -> float:
    from orchestration.resources import WarehouseResource

    return WarehouseResource.model_fields["settle_seconds"].default


_STEP_KEYS = ("stage", "checks", "dbt", "serving", "report")


def _steps(d: dict) -> str:
    return " | ".join(f"{d.get(k, 0):.2f}" for k in _STEP_KEYS)


def to_markdown(r: dict) -> str:
    """The results as Markdown: machine and corpus, then one section per part that ran."""
    c = r.get("corpus")
    out = [
        "# Benchmark results",
        "",
        f"Machine: {r['machine']['cores']} cores, Python {r['machine']['python']}, {r['machine']['platform']}; "
        f"BENCH_SCALE={r['machine']['scale']}; parts: {', '.join(r['machine'].get('parts', BENCH_PARTS))}; "
        f"whole bench {r['bench_seconds']:.0f} s. Load average (1/5/15 min) at start "
        f"{r['machine']['load_average_at_start']}, at end {r['machine']['load_average_at_end']} "
        "(a shared machine: other processes compete for the cores).",
        "",
    ]
    if c:
        out += [f"Corpus: {c['documents']} synthetic PDFs, {c['pages']} pages ({c['min_pages']}–{c['max_pages']} per document, "
                f"{c['mb']} MB), variants {', '.join(c['variants'])}.", ""]
    if "backfill" in r:
        out += _throughput_markdown(r)
    if "latency" in r:
        out += _streaming_markdown(r)
    if "daemon" in r:
        from devtools.bench_daemon import to_markdown as daemon_markdown

        out += daemon_markdown(r["daemon"])
    if "bundles" in r:
        out += _bundles_markdown(r)
    if "ocr" in r:
        from devtools.bench_ocr import to_markdown as ocr_markdown

        out += ocr_markdown(r["ocr"])
    if "sizes" in r:
        from devtools.bench_sizes import to_markdown as sizes_markdown

        out += sizes_markdown(r["sizes"])
    return "\n".join(out) + "\n"


def _throughput_markdown(r: dict) -> list[str]:
    p, s = r["parse"], r["speedup"]
    cores = r["machine"]["cores"]
    one, many = r["backfill"]["1"], r["backfill"][str(cores)]
    w = r["worker_memory"]
    runs = tuple(r["backfill"].values())
    out = [
        "## Parse throughput (same pages, same process, best of 2)",
        "",
        "| | pages | seconds | pages/s |",
        "|---|---:|---:|---:|",
        f"| bare pdfplumber (open + chars + lines + rects) | {p['pages']} | {p['bare_s']:.2f} | {p['bare_pages_per_s']:.1f} |",
        f"| parse_document (PDF → records) | {p['pages']} | {p['parse_s']:.2f} | {p['parse_pages_per_s']:.1f} |",
        "",
        f"**parse / bare = {p['ratio']:.3f}×** (goal ≤ 1.15×; worst single file {p['worst_file_ratio']:.2f}×).",
        "",
        "## Backfill of the corpus, end to end (folder → staging → GX checks → dbt → serving.duckdb)",
        "",
        "| parse workers | wall s | pages/s end to end | pages/s staging | stage s | checks s | dbt s | serving s | report s | peak RSS tree MB | largest process MB | load avg after |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for b in runs:
        out.append(f"| {b.get('label', b['workers'])} | {b['wall_s']:.1f} | {b['pages_per_s']:.1f} | {b['staging_pages_per_s']:.1f} | {_steps(b['steps_s'])} | "
                   f"{b['peak_rss_tree_mb']:.0f} | {b['peak_rss_largest_process_mb']:.0f} | {b['load_average_after']} |")
    serial = {b.get("label", str(b["workers"])): b["wall_s"] - b["steps_s"].get("stage", 0.0) for b in runs}
    out += [
        "",
        f"**Speed-up with {cores} workers: {s['end_to_end']:.2f}× end to end, {s['staging_step']:.2f}× on the staging step** "
        f"(goal ≥ 1.8× on 2 cores), against one worker parsing in the writer process (the default for one worker). "
        + (f"Against one worker *process* (`PARSE_POOL=always`: the same pool with one worker, so writes overlap "
           f"the parse in both runs and only the cores differ): {s['end_to_end_vs_one_pool_worker']:.2f}× end to end, "
           f"{s['staging_step_vs_one_pool_worker']:.2f}× on the staging step. " if "end_to_end_vs_one_pool_worker" in s else "")
        + "Runs: " + ", ".join(f"{b['loaded_in_serving']}/{b['documents']}" for b in runs)
        + f" documents loaded in serving.duckdb, {sum(b['not_reconciled'] for b in runs)} not reconciled, "
        f"failed checks: {sorted({c for b in runs for c in b['failed_checks']}) or 'none'}.",
        "",
        "Outside the staging step (dbt, checks, publishing, run start-up) nothing is parallel: "
        + ", ".join(f"{n} {sec:.1f} s" for n, sec in serial.items())
        + f". With that part fixed, a perfect {cores}× staging speed-up would give "
        f"{one['wall_s'] / (serial['1'] + one['steps_s'].get('stage', 0.0) / cores):.2f}× end to end (Amdahl).",
        "",
        "CPU actually obtained (user + system seconds of the run's process tree / wall): "
        + ", ".join(f"{b.get('label', b['workers'])}: {b.get('cpu_s', 0):.0f} CPU-s = {b.get('cores_used', 0):.2f} cores" for b in runs)
        + f". On a shared machine the speed-up is bounded by the cores the run gets, not by the {cores} it may use.",
        "",
        f"Worker memory: parsing the largest document ({w['file']}, {w['pages']} pages, {w['seconds']} s) peaks at "
        f"{w['maxrss_mb']:.0f} MB RSS ({w['maxrss_before_mb']:.0f} MB after imports).",
        "",
    ]
    return out


def _streaming_markdown(r: dict) -> list[str]:
    lat, size = r["latency"], r["size_cost"]
    return [
        "## Drop-to-mart latency in-process (issue 7; not what a user waits for: see the daemon part)",
        "",
        f"{lat['drops']} PDFs (median {lat['pages_median']} pages) dropped one at a time into the drop inbox of a "
        f"{size['small']['documents_before']}-document warehouse; sensor ticks driven in-process (settle 0 s), each "
        "timed from the file appearing to the document being queryable in serving.duckdb.",
        "",
        f"**In-process p50 {lat['p50_s']:.2f} s, p95 {lat['p95_s']:.2f} s** (max {lat['max_s']:.2f} s; all visible: {lat['all_visible']}).",
        "",
        f"Under the daemon add the sensor cadence: a file is submitted on the second tick that sees it unchanged and "
        f"settled, ticks are ≥ {lat['sensor_minimum_interval_s']} s apart (settle {lat['default_settle_s']} s), so up to "
        f"+{2 * lat['sensor_minimum_interval_s']} s, plus the run worker's start-up "
        f"(~{r['code_location_load']['import_definitions_s']:.1f} s to import the code location).",
        "",
        "## One more document: warehouse of 10 vs 500 documents",
        "",
        "| warehouse before the drop | median latency s | stage s | checks s | dbt s | serving s | report s |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {size['small']['documents_before']} documents | {size['small']['median_latency_s']:.2f} | {_steps(size['small']['median_steps_s'])} |",
        f"| {size['large']['documents_before']} documents | {size['large']['median_latency_s']:.2f} | {_steps(size['large']['median_steps_s'])} |",
        "",
        f"(the same {len(size['large']['drops'])} PDFs dropped into both; medians. Large warehouse: warehouse.duckdb {size['large']['duckdb_mb']} MB, "
        f"serving.duckdb {size['large']['serving_mb']} MB.)",
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="make bench")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run")
    b = sub.add_parser("backfill")
    b.add_argument("folder", type=Path)
    b.add_argument("root", type=Path)
    o = sub.add_parser("parse-one")
    o.add_argument("pdf", type=Path)
    sub.add_parser("import")
    i = sub.add_parser("backfill-into")
    i.add_argument("folder", type=Path)
    i.add_argument("warehouse", type=Path)
    i.add_argument("root", type=Path)
    d = sub.add_parser("drops")
    d.add_argument("base", type=Path)
    d.add_argument("root", type=Path)
    d.add_argument("variants_per_seed", type=int)
    d.add_argument("drops", type=Path, nargs="+")
    for p in (b, o, d, i, sub.choices["import"]):
        p.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command in (None, "run"):
        scale = float(os.environ.get("BENCH_SCALE", "1"))
        parts = selected_parts(os.environ.get("BENCH_PARTS"))
        BENCH_DIR.mkdir(exist_ok=True)
        results = main_bench(scale, parts)
        markdown = to_markdown(results)
        (BENCH_DIR / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), "utf-8")
        (BENCH_DIR / "results.md").write_text(markdown, "utf-8")
        print(markdown)
        log(f"written {BENCH_DIR / 'results.md'} and {BENCH_DIR / 'results.json'}")
        return 0
    if args.command == "backfill":
        result = child_backfill(args.folder, args.root)
    elif args.command == "parse-one":
        result = child_parse_one(args.pdf)
    elif args.command == "import":
        result = child_import()
    elif args.command == "backfill-into":
        from devtools.bench_sizes import child_backfill_into

        result = child_backfill_into(args.folder, args.warehouse, args.root)
    else:
        result = child_drops(args.base, args.drops, args.root, args.variants_per_seed)
    args.result.write_text(json.dumps(result, ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
