"""``make bench`` part ``sizes`` (issue 29): the cost of a document at 10, 1,000 and 10,000 documents already loaded.

For each warehouse size (``BENCH_SIZES``, default ``10,1000,10000``) one line of a table:

- **drop → visible** in ``serving.duckdb`` under the real ``make dev`` (:mod:`devtools.bench_daemon` starts it
  as a user does), p50 / p95 / max over ``BENCH_DROPS`` drops: the first drop right after the code location
  has loaded, then one drop every ``BENCH_DROP_GAP_S`` seconds (default 5) **whatever background runs are
  doing** (no waiting for a run or a ``dbt_tests_job`` to end: the protocol of issue 29, not the calm one of
  part ``daemon``). Each drop is split into parts (:func:`devtools.bench_daemon.split_drop`) from the
  sensor's ticks and its run's event log;
- **peak RSS** of the ``make dev`` process tree (webserver, daemon, code servers, run workers) over the drops;
- **backfill throughput**: a batch of ``BENCH_BACKFILL`` (default 40) new synthetic text documents
  (department variants of the seeds, :func:`devtools.corpus.department_variant`) through ``run_batch`` (what
  ``make run`` runs) into a copy of that warehouse, in a child process: documents/s end to end, the step
  split, and the peak RSS of the child's process tree.

How a large warehouse is built, fast and honestly (:func:`build_warehouse`, cached in
``.bench/sizes-v<version>/wh-<size>/``): the ten samples (five seeds as text, five as PDF) are loaded by a
real ``run_batch``; every ``raw`` table holding a ``document_id`` is then multiplied in SQL
(:func:`multiply_raw`: copy ``k`` of a document gets the id ``sha256(id·k)``, its department and file name
suffixed, so it is a new department's document, not a version); then one ``dbt run --full-refresh`` builds
every model from the raw rows and ``publish_serving`` writes ``serving.duckdb``. Parsing 10,000 documents
would take over an hour; the marts, the raw rows and the serving file are those a parse would have made.

    BENCH_PARTS=sizes BENCH_SIZES=10,1000 BENCH_DROPS=5 make bench
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from orchestration.settings import REPO_ROOT, SAMPLES_DIR

#: Bump when the built warehouses change (the cache key under ``.bench/``).
SIZES_VERSION = 2  # 2: dim_project incremental, whole-warehouse reports tagged, raw.documents.run_id
DEFAULT_SIZES = (10, 1000, 10000)
#: Seconds between two drops (the issue's "a few seconds apart").
DEFAULT_GAP_S = 5.0
DEFAULT_BACKFILL = 40
#: Give up on a drop that is not visible after this many seconds (the row says so).
VISIBLE_TIMEOUT_S = 900


def log(message: str) -> None:
    print(f"[bench-sizes {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def sizes_from_env(value: str | None) -> tuple[int, ...]:
    """``BENCH_SIZES`` (comma-separated document counts) → sizes, ascending; the default when empty.

    ``ValueError`` for a size below 10 (the base warehouse holds the ten samples).
    """
    sizes = tuple(sorted({int(v) for v in (value or "").split(",") if v.strip()})) or DEFAULT_SIZES
    if sizes[0] < 10:
        raise ValueError(f"BENCH_SIZES: the smallest warehouse holds the 10 samples, got {sizes[0]}")
    return sizes


# --------------------------------------------------------------------------
# Building a warehouse of N documents
# --------------------------------------------------------------------------


def raw_tables_with_documents(con) -> list[str]:
    """Tables of schema ``raw`` that have a ``document_id`` column (one row set per document)."""
    return [t for (t,) in con.execute(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'raw' AND column_name = 'document_id' "
        "ORDER BY table_name").fetchall()]


def copy_id(document_id: str, copy_no: int) -> str:
    """The document id of copy ``copy_no`` of ``document_id``: the SHA-256 hex of ``id·k`` (what
    :func:`multiply_raw` computes in SQL)."""
    return hashlib.sha256(f"{document_id}\u00b7{copy_no}".encode("utf-8")).hexdigest()


def multiply_raw(db: Path, copies: int) -> dict[str, int]:
    """Make every document of ``db``'s ``raw`` schema appear ``copies`` times (copy 0 is the original).

    Copy ``k`` of a row gets ``document_id = sha256(document_id || '·' || k)`` (64 hex characters, like a
    real id; :func:`copy_id`), and where the table has them its ``department`` suffixed ``（副本k）`` (a new
    department, so the copies are not versions of one another), its ``file_name`` prefixed ``k_`` and the
    id inside its ``evidence_path`` replaced (``evidence/<document_id>/…``: :func:`copy_evidence` links the
    files). Every other value (amounts, indicators, page numbers, parse events) is kept. Returns
    ``{table: rows}`` after.
    """
    import duckdb

    counts = {}
    with duckdb.connect(str(db)) as con:
        for table in raw_tables_with_documents(con):
            columns = {c for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'raw' AND table_name = ?",
                [table]).fetchall()}
            replace = ["sha256(t.document_id || chr(183) || r.copy_no::VARCHAR) AS document_id"]
            if "department" in columns:
                replace.append("t.department || '（副本' || r.copy_no::VARCHAR || '）' AS department")
            if "file_name" in columns:
                replace.append("r.copy_no::VARCHAR || '_' || t.file_name AS file_name")
            if "evidence_path" in columns:
                replace.append("replace(t.evidence_path, t.document_id, "
                               "sha256(t.document_id || chr(183) || r.copy_no::VARCHAR)) AS evidence_path")
            con.execute(f'INSERT INTO raw."{table}" SELECT t.* REPLACE ({", ".join(replace)}) '
                        f'FROM raw."{table}" AS t, range(1, {int(copies)}) AS r(copy_no)')
            counts[table] = con.execute(f'SELECT count(*) FROM raw."{table}"').fetchone()[0]
    return counts


def copy_evidence(warehouse: Path, copies: int) -> int:
    """Hard-link every document's evidence files (``evidence/<document_id>/``) to each copy's folder, as a
    warehouse that parsed the copies would hold them (the evidence asset renders only what is missing).
    Returns the number of files linked."""
    linked = 0
    evidence = warehouse / "evidence"
    for folder in [p for p in evidence.iterdir() if p.is_dir()] if evidence.is_dir() else []:
        files = [f for f in folder.rglob("*") if f.is_file()]
        for k in range(1, copies):
            target = evidence / copy_id(folder.name, k)
            for f in files:
                dest = target / f.relative_to(folder)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.link(f, dest)
                linked += 1
    return linked


def dbt_full_build(db: Path, work: Path) -> float:
    """``dbt run --full-refresh`` of every model on ``db`` (target and logs under ``work``); seconds taken."""
    dbt = Path(sys.executable).parent / "dbt"
    start = time.perf_counter()
    subprocess.run([str(dbt), "run", "--full-refresh", "--quiet", "--project-dir", ".", "--profiles-dir", ".",
                    "--target-path", str(work / "dbt_target"), "--log-path", str(work / "dbt_logs")],
                   cwd=REPO_ROOT / "dbt_project", env={**os.environ, "DUCKDB_PATH": str(db)}, check=True)
    return time.perf_counter() - start


def build_warehouse(size: int, bench_dir: Path) -> tuple[Path, dict]:
    """The warehouse folder of ``size`` documents (built once, then cached) and how it was built."""
    root = bench_dir / f"sizes-v{SIZES_VERSION}"
    target = root / f"wh-{size}"
    info_path = target / "built.json"
    if info_path.is_file():
        return target, json.loads(info_path.read_text("utf-8"))
    base = root / "wh-10"
    if not (base / "built.json").is_file():
        log("base warehouse: run_batch over the 10 samples")
        shutil.rmtree(base, ignore_errors=True)
        from devtools.bench import run_child

        child, wall, memory = run_child(["backfill", str(SAMPLES_DIR), str(root / "base-run")])
        shutil.move(str(root / "base-run" / "warehouse"), str(base))
        shutil.rmtree(root / "base-run", ignore_errors=True)
        shutil.rmtree(base / "inbox", ignore_errors=True)
        built = {"documents": _count_documents(base), "how": "run_batch over the 10 samples", "seconds": round(wall, 1)}
        (base / "built.json").write_text(json.dumps(built), "utf-8")
        if size == 10:
            return base, built
    if size == 10:
        return base, json.loads((base / "built.json").read_text("utf-8"))
    copies = -(-size // _count_documents(base))
    log(f"warehouse of {size} documents: {copies} copies of the base's raw rows, then dbt run --full-refresh")
    shutil.rmtree(target, ignore_errors=True)
    work = root / f"work-{size}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    staging = work / "warehouse"
    shutil.copytree(base, staging, ignore=shutil.ignore_patterns(".dagster", "built.json", "serving.duckdb*"))
    start = time.perf_counter()
    counts = multiply_raw(staging / "warehouse.duckdb", copies)
    evidence_files = copy_evidence(staging, copies)
    multiply_s = time.perf_counter() - start
    dbt_s = dbt_full_build(staging / "warehouse.duckdb", work)
    from orchestration.serving import publish_serving

    start = time.perf_counter()
    publish_serving(staging / "warehouse.duckdb", staging / "serving.duckdb")
    publish_s = time.perf_counter() - start
    built = {"documents": _count_documents(staging), "how": f"{copies} SQL copies of the base's raw rows",
             "multiply_s": round(multiply_s, 1), "dbt_full_refresh_s": round(dbt_s, 1), "publish_s": round(publish_s, 1),
             "raw_rows": counts, "evidence_files_linked": evidence_files, "serving_mb": round((staging / "serving.duckdb").stat().st_size / 2**20, 1),
             "warehouse_mb": round((staging / "warehouse.duckdb").stat().st_size / 2**20, 1)}
    (staging / "built.json").write_text(json.dumps(built), "utf-8")
    shutil.move(str(staging), str(target))
    shutil.rmtree(work, ignore_errors=True)
    log(f"  {built['documents']} documents: multiply {built['multiply_s']} s, dbt {built['dbt_full_refresh_s']} s, "
        f"publish {built['publish_s']} s")
    return target, built


def _count_documents(warehouse: Path) -> int:
    from orchestration.ingestion.loading import read_only_connection

    with read_only_connection(warehouse / "warehouse.duckdb") as con:
        return con.execute("SELECT count(*) FROM raw.documents").fetchone()[0]


def copy_warehouse(source: Path, dest: Path) -> Path:
    """A fresh copy of a built warehouse folder at ``dest`` (no Dagster instance, an empty inbox)."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(".dagster", "built.json", "inbox"))
    (dest / "inbox").mkdir()
    return dest


# --------------------------------------------------------------------------
# Backfill into a warehouse of N documents (child process)
# --------------------------------------------------------------------------


def backfill_documents(folder: Path, count: int, start: int) -> list[Path]:
    """Write ``count`` department variants of the four project-target seeds (numbers from ``start``) into ``folder``."""
    from devtools.bench_daemon import drop_documents

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in drop_documents(count, start=start):
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    return paths


def child_backfill_into(folder: Path, warehouse_dir: Path, root: Path) -> dict:
    """One ``run_batch`` over ``folder`` into the existing warehouse ``warehouse_dir`` (a fresh instance in ``root``)."""
    import resource

    from devtools.bench import _instance, _step_seconds
    from orchestration.batch import run_batch
    from orchestration.definitions import build_definitions
    from orchestration.resources import WarehouseResource

    warehouse = WarehouseResource(warehouse_dir=str(warehouse_dir), inbox_dir=str(warehouse_dir / "inbox"))
    instance = _instance(root / "dagster")
    defs = build_definitions(warehouse)
    start = time.perf_counter()
    batch = run_batch(defs, instance, folder, log_level="ERROR")
    wall = time.perf_counter() - start
    from orchestration.ingestion.loading import read_only_connection

    with read_only_connection(warehouse.serving_path) as con:
        visible = con.execute("SELECT count(*) FROM marts.rpt_document_summary WHERE document_id IN (SELECT unnest(?))",
                              [list(batch.document_ids)]).fetchone()[0]
    return {"success": batch.success and not batch.blocking_failures(), "documents": len(batch.document_ids),
            "visible_in_serving": visible, "wall_s": round(wall, 2),
            "steps_s": _step_seconds(instance, batch.results[0].run_id) if batch.results else {},
            "self_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def backfill(size: int, source: Path, work: Path, count: int) -> dict:
    """Documents/s of a batch of ``count`` new documents into a copy of the ``size``-document warehouse."""
    from devtools.bench import run_child

    warehouse = copy_warehouse(source, work / "warehouse")
    folder = work / "batch"
    shutil.rmtree(folder, ignore_errors=True)
    backfill_documents(folder, count, start=20000)
    log(f"backfill: {count} new documents into the {size}-document warehouse")
    child, wall, memory = run_child(["backfill-into", str(folder), str(warehouse), str(work)])
    stage_s = (child.get("steps_s") or {}).get("stage")
    child.update({"process_wall_s": round(wall, 2), "documents_per_s": round(child["documents"] / child["wall_s"], 2),
                  # the staging step alone (parse pool + the single writer + the GX gate): the writer's throughput
                  "staging_documents_per_s": round(child["documents"] / stage_s, 2) if stage_s else None,
                  "peak_rss_tree_mb": round(memory.peak_total / 2**20, 1), "cpu_s": round(memory.cpu_seconds, 1),
                  "load_1min_after": round(os.getloadavg()[0], 2)})
    log(f"  {child['documents']} documents in {child['wall_s']} s = {child['documents_per_s']} documents/s, "
        f"steps {child['steps_s']}, peak RSS {child['peak_rss_tree_mb']} MB")
    shutil.rmtree(warehouse, ignore_errors=True)
    return child


# --------------------------------------------------------------------------
# Drops under `make dev`, a few seconds apart, whatever runs are doing
# --------------------------------------------------------------------------


def run_of_document(instance, document_id: str, after: float) -> str | None:
    """The id of the run requested by the inbox sensor (created after ``after`` - 15 s, epoch s) that staged
    ``document_id``: the document is a key of its ``stage_documents`` config (one run may stage several files)."""
    import dagster as dg

    records = instance.get_run_records(filters=dg.RunsFilter(tags={"dagster/sensor_name": "inbox_sensor"}))
    for record in sorted(records, key=lambda r: r.create_timestamp):
        if record.create_timestamp.timestamp() < after - 15:
            continue
        files = (record.dagster_run.run_config or {}).get("ops", {}).get("stage_documents", {}).get("config", {}).get(
            "files", {})
        if document_id in files:
            return record.dagster_run.run_id
    return None


def split_rows(instance, rows: list[dict], process=None) -> None:
    """Add to each drop row its run (``run_id``, ``run_status``) and the split of its latency into the parts of
    :func:`devtools.bench_daemon.split_drop` (``parts_s``; ``parts_error`` when an event is missing)."""
    from devtools import bench_daemon as bd

    for row in rows:
        row["latency_s"] = round(row["visible"] - row["dropped"], 3)
        run_id = run_of_document(instance, row["document_id"], row["dropped"])
        row["run_id"] = run_id
        if run_id is None:
            continue
        bd.wait_until(lambda: instance.get_run_record_by_id(run_id).end_time is not None, 600,
                      f"the run of {row['file']} to end", process, every=0.5)
        row["run_status"] = instance.get_run_by_id(run_id).status.value
        ticks = bd.ticks_of_drop(bd.sensor_ticks(instance, after=row["dropped"] - bd.TICK_START_SLACK_S), row["dropped"])
        try:
            row["parts_s"] = bd.split_drop(instance, row["dropped"], row["visible"], run_id, ticks, row.get("written"))
        except (KeyError, StopIteration, IndexError) as error:
            row["parts_error"] = repr(error)


def drops_under_make_dev(size: int, source: Path, work: Path, drops: int, gap_s: float, seed: int = 29) -> dict:
    """``make dev`` on a copy of the ``size``-document warehouse; ``drops`` drops ``gap_s`` (+0–2 s) apart."""
    import dagster as dg

    from devtools import bench_daemon as bd
    from devtools.bench import TreeMemory
    from orchestration.ingestion.reading import document_id

    warehouse = copy_warehouse(source, work / "warehouse")
    inbox, serving = warehouse / "inbox", warehouse / "serving.duckdb"
    port = bd.free_port()
    load_start = [round(x, 2) for x in os.getloadavg()]
    started = time.perf_counter()
    process = bd.start_make_dev(warehouse, port, work / "make_dev.log")
    memory = TreeMemory(process.pid)
    memory.start()
    rng = random.Random(seed)
    rows: list[dict] = []
    try:
        bd.wait_until(lambda: bd.code_location_loaded(port), 600, "the code location", process, every=1)
        startup_s = time.perf_counter() - started
        documents = bd.drop_documents(drops, start=10000 + size % 1000)
        pending: dict[str, dict] = {}
        next_drop = time.monotonic()
        log(f"make dev up in {startup_s:.1f} s on {size} documents; {drops} drops {gap_s:g}–{gap_s + 2:g} s apart")
        deadline = None
        while documents or pending:
            now = time.monotonic()
            if documents and now >= next_drop:
                name, data = documents.pop(0)
                dropped = bd.drop_file(inbox, name, data)
                try:
                    written = (inbox / name).stat().st_mtime
                except FileNotFoundError:
                    written = None
                pending[document_id(data)] = {"file": name, "dropped": dropped, "written": written}
                next_drop = now + gap_s + rng.uniform(0, 2)
                if not documents:
                    deadline = now + VISIBLE_TIMEOUT_S
            if process.poll() is not None:
                raise RuntimeError(f"make dev exited (status {process.returncode})")
            seen = bd.visible_ids(serving) & set(pending)
            for doc_id in seen:
                entry = pending.pop(doc_id)
                rows.append({"document_id": doc_id, "file": entry["file"], "dropped": entry["dropped"],
                             "written": entry["written"], "visible": time.time(),
                             "load_1min": round(os.getloadavg()[0], 2)})
                log(f"  {entry['file']}: visible after {rows[-1]['visible'] - entry['dropped']:.1f} s")
            if deadline is not None and now > deadline:
                log(f"  not visible after {VISIBLE_TIMEOUT_S} s: {[e['file'] for e in pending.values()]}")
                break
            time.sleep(bd.POLL_S)
        peak_during_drops = memory.peak_total
        instance = dg.DagsterInstance.from_config(str(warehouse / ".dagster"))
        try:
            split_rows(instance, rows, process)
            follow_up = follow_up_statuses(instance)
        finally:
            instance.dispose()
    finally:
        bd.stop_make_dev(process)
        memory.stop()
    return summarise_drops(rows, drops, gap_s) | {
        "peak_rss_make_dev_mb": round(peak_during_drops / 2**20, 1),
        "make_dev_startup_s": round(startup_s, 1), "load_average_at_start": load_start,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()], "dbt_tests_runs": follow_up}


def follow_up_statuses(instance) -> dict[str, int]:
    """How many ``dbt_tests_job`` runs (the tests that follow each streaming run) ended in each status."""
    import dagster as dg

    from devtools.bench_daemon import FOLLOW_UP_JOB

    counts: dict[str, int] = {}
    for record in instance.get_run_records(filters=dg.RunsFilter(job_name=FOLLOW_UP_JOB)):
        status = record.dagster_run.status.value
        counts[status] = counts.get(status, 0) + 1
    return counts


def summarise_drops(rows: list[dict], drops: int, gap_s: float) -> dict:
    """p50 / p95 / max / first of the drops' latencies, whether every run succeeded, the median split."""
    from devtools import bench_daemon as bd

    latencies = [r["latency_s"] for r in rows]
    split = [r["parts_s"] for r in rows if "parts_s" in r]
    return {
        "drops": drops, "visible": len(rows), "gap_s": gap_s,
        "p50_s": round(bd.percentile(latencies, 50), 2) if rows else None,
        "p95_s": round(bd.percentile(latencies, 95), 2) if rows else None,
        "max_s": round(max(latencies), 2) if rows else None, "first_s": rows and min(rows, key=lambda r: r["dropped"])["latency_s"],
        "all_succeeded": all(r.get("run_status") == "SUCCESS" for r in rows) and len(rows) == drops,
        "median_parts_s": {k: round(statistics.median(p[k] for p in split), 2) for k in bd.PARTS} if split else {},
        "rows": [{k: v for k, v in r.items() if k not in ("written",)} for r in rows],
    }


# --------------------------------------------------------------------------
# The part
# --------------------------------------------------------------------------


def run(bench_dir: Path, sizes: tuple[int, ...], drops: int, gap_s: float, backfill_count: int) -> dict:
    """Every size: build (or load) its warehouse, the drops under ``make dev``, the backfill; the results."""
    out: dict = {"sizes": [], "drops": drops, "gap_s": gap_s, "backfill_documents": backfill_count}
    for size in sizes:
        source, built = build_warehouse(size, bench_dir)
        work = bench_dir / "sizes-run" / str(size)
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        entry = {"size": size, "documents": built["documents"], "built": built,
                 "load_average_before": [round(x, 2) for x in os.getloadavg()]}
        out["sizes"].append(entry)
        entry["daemon"] = drops_under_make_dev(size, source, work / "daemon", drops, gap_s)
        (bench_dir / "sizes.json").write_text(json.dumps(out, indent=2, ensure_ascii=False), "utf-8")  # so far
        entry["backfill"] = backfill(size, source, work / "backfill", backfill_count)
        entry["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        (bench_dir / "sizes.json").write_text(json.dumps(out, indent=2, ensure_ascii=False), "utf-8")
    out["ratios"] = ratios(out["sizes"])
    return out


def ratios(entries: list[dict]) -> dict:
    """Largest warehouse / smallest: drop → visible p50 and p95, backfill documents/s, peak RSS."""
    if len(entries) < 2:
        return {}
    small, large = entries[0], entries[-1]

    def ratio(a, b):
        return round(a / b, 2) if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else None

    return {"of": [large["size"], small["size"]],
            "p50": ratio(large["daemon"]["p50_s"], small["daemon"]["p50_s"]),
            "p95": ratio(large["daemon"]["p95_s"], small["daemon"]["p95_s"]),
            "backfill_documents_per_s": ratio(large.get("backfill", {}).get("documents_per_s"),
                                              small.get("backfill", {}).get("documents_per_s")),
            "staging_documents_per_s": ratio(large.get("backfill", {}).get("staging_documents_per_s"),
                                             small.get("backfill", {}).get("staging_documents_per_s")),
            "peak_rss_make_dev": ratio(large["daemon"]["peak_rss_make_dev_mb"], small["daemon"]["peak_rss_make_dev_mb"]),
            "peak_rss_backfill": ratio(large.get("backfill", {}).get("peak_rss_tree_mb"),
                                       small.get("backfill", {}).get("peak_rss_tree_mb"))}


def to_markdown(r: dict) -> list[str]:
    """The sizes part of ``.bench/results.md``: one line per warehouse size, the ratio largest/smallest."""
    from devtools.bench_daemon import PARTS

    out = ["## Cost vs warehouse size under `make dev` (issue 29)", "",
           f"Drop → visible in serving.duckdb: `make dev` started on a copy of the warehouse, the first drop as soon "
           f"as the code location is loaded, then one every {r['gap_s']:g}–{r['gap_s'] + 2:g} s whatever runs are "
           f"in flight ({r['drops']} drops). Backfill: {r['backfill_documents']} new text documents through "
           "`run_batch` into a copy of the warehouse. Warehouses above 10 documents are the samples' raw rows "
           "multiplied in SQL, then `dbt run --full-refresh` (devtools/bench_sizes.py).", "",
           "| documents in warehouse | drop→visible p50 s | p95 s | max s | first drop s | all runs ok | backfill docs/s "
           "| of which staging docs/s | backfill wall s | peak RSS make dev MB | peak RSS backfill MB | dbt_tests_job runs "
           "| load 1/5/15 before → after |",
           "|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---|"]
    for e in r["sizes"]:
        d = e["daemon"]
        b = e.get("backfill") or {"documents_per_s": "not run", "wall_s": "", "peak_rss_tree_mb": "", "steps_s": ""}
        out.append(f"| {e['documents']:,} | {d['p50_s']} | {d['p95_s']} | {d['max_s']} | {d['first_s']} | "
                   f"{d['all_succeeded']} ({d['visible']}/{d['drops']} visible) | {b['documents_per_s']} | "
                   f"{b.get('staging_documents_per_s', '')} | {b['wall_s']} | "
                   f"{d['peak_rss_make_dev_mb']:,} | {b['peak_rss_tree_mb']} | "
                   f"{', '.join(f'{k} {v}' for k, v in sorted(d.get('dbt_tests_runs', {}).items()))} | "
                   f"{e['load_average_before']} → {e.get('load_average_after', d.get('load_average_at_end'))} |")
    if r.get("ratios"):
        q = r["ratios"]
        out += ["", f"Ratio {q['of'][0]:,} / {q['of'][1]:,} documents: p50 {q['p50']}, p95 {q['p95']}, "
                f"backfill documents/s {q['backfill_documents_per_s']} (staging alone {q.get('staging_documents_per_s')}), "
                f"peak RSS make dev {q['peak_rss_make_dev']}, "
                f"backfill {q['peak_rss_backfill']}."]
    out += ["", "Median split of a drop (s; `devtools/bench_daemon.py` PARTS) and the backfill's steps (s):", "",
            "| documents | " + " | ".join(PARTS) + " | backfill steps |", "|---:|" + "---:|" * len(PARTS) + "---|"]
    for e in r["sizes"]:
        m = e["daemon"]["median_parts_s"]
        out.append(f"| {e['documents']:,} | " + " | ".join(str(m.get(k, "")) for k in PARTS)
                   + f" | {(e.get('backfill') or {}).get('steps_s', 'not run')} |")
    return out + [""]


def main() -> int:
    """Run the part alone: ``.bench/sizes.md`` / ``.bench/sizes.json`` and stdout."""
    from devtools.bench import BENCH_DIR

    BENCH_DIR.mkdir(exist_ok=True)
    result = run(BENCH_DIR, sizes_from_env(os.environ.get("BENCH_SIZES")), int(os.environ.get("BENCH_DROPS", "5")),
                 float(os.environ.get("BENCH_DROP_GAP_S", str(DEFAULT_GAP_S))),
                 int(os.environ.get("BENCH_BACKFILL", str(DEFAULT_BACKFILL))))
    (BENCH_DIR / "sizes.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), "utf-8")
    text = "\n".join(to_markdown(result))
    (BENCH_DIR / "sizes.md").write_text(text, "utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
