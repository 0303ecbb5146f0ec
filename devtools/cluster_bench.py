"""Documents per second on both deployment profiles over one folder, with 1 and 2 parse workers (issue 29).

``python -m devtools.cluster_bench FOLDER [--workers 1 2] [--out .bench/cluster.json]``

- DuckDB profile: ``main_job`` as ``make run`` runs it (``PARSE_WORKERS`` = 1 or 2), in a fresh warehouse;
  throughput = documents / wall time of its ``stage_documents`` step (parse + write), and the whole run.
- Cluster profile: ``cluster_job`` with 1 or 2 Celery workers (concurrency 1 each), the raw schema emptied first;
  throughput = documents / (run start → end of the last ``parse_and_load`` step), and the whole run (+ dbt-postgres).

Prints a Markdown table (the lines docs/scaling.md copies) and writes the JSON next to it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def duckdb_profile(folder: Path, workers: int) -> dict:
    """One ``main_job`` batch run over ``folder`` with ``workers`` parse processes, in a child process."""
    code = f"""
import json, os, time
os.environ['PARSE_WORKERS'] = '{workers}'
import dagster as dg
from pathlib import Path
from orchestration.batch import run_batch
from orchestration.definitions import build_definitions
from orchestration.resources import WarehouseResource
root = Path({str(tempfile.mkdtemp(prefix='cluster-bench-duck-'))!r})
home = root / 'dagster'; home.mkdir(parents=True)
(home / 'dagster.yaml').write_text('telemetry:\\n  enabled: false\\n')
instance = dg.DagsterInstance.local_temp(str(home))
defs = build_definitions(WarehouseResource(warehouse_dir=str(root / 'warehouse'), inbox_dir=str(root / 'inbox')))
start = time.perf_counter()
result = run_batch(defs, instance, Path({str(folder)!r}))
seconds = time.perf_counter() - start
runs = instance.get_runs()
stage = sum(s.end_time - s.start_time for r in runs for s in instance.get_run_step_stats(r.run_id)
            if s.step_key == 'stage_documents' and s.end_time and s.start_time)
print('RESULT' + json.dumps({{'seconds': seconds, 'stage_seconds': stage}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy())
    line = [l for l in out.stdout.splitlines() if l.startswith("RESULT")]
    if not line:
        raise RuntimeError(f"DuckDB run failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return json.loads(line[-1][len("RESULT"):])


def cluster_profile(folder: Path, workers: int) -> dict:
    """``cluster_job`` over ``folder`` with ``workers`` Celery workers, the raw schema emptied first."""
    import psycopg2

    from orchestration.cluster import runtime, services

    cluster = services.cluster_dir()
    env = runtime.profile_environment(cluster)
    con = psycopg2.connect(env["WAREHOUSE_DATABASE_URL"])
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute("DROP SCHEMA IF EXISTS raw CASCADE")
    con.close()
    runtime.stop_workers(cluster)
    time.sleep(2)
    runtime.start_workers(workers, env, cluster)
    try:
        outcome = runtime.execute(folder, env, documents_per_step=2)
    finally:
        runtime.stop_workers(cluster)
    if not outcome["success"]:
        raise RuntimeError(f"cluster_job failed: run {outcome['run_id']}")
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--profiles", nargs="+", default=["duckdb", "cluster"])
    parser.add_argument("--out", type=Path, default=Path(".bench/cluster.json"))
    args = parser.parse_args()
    from orchestration.ingestion.inbox import scan_folder

    folder = args.folder.resolve()
    documents = len(scan_folder(folder, recursive=True).files)
    rows = []
    for workers in args.workers:
        if "duckdb" in args.profiles:
            load_before = os.getloadavg()[0]
            r = duckdb_profile(folder, workers)
            rows.append({"profile": "duckdb", "workers": workers, "documents": documents,
                         "load_seconds": r["stage_seconds"], "run_seconds": r["seconds"],
                         "documents_per_s": documents / r["stage_seconds"], "load_average": load_before})
            print(rows[-1], flush=True)
        if "cluster" in args.profiles:
            load_before = os.getloadavg()[0]
            r = cluster_profile(folder, workers)
            rows.append({"profile": "cluster", "workers": workers, "documents": documents,
                         "load_seconds": r["load_seconds"], "run_seconds": r["seconds"],
                         "dbt_seconds": r["dbt_seconds"], "documents_per_s": documents / r["load_seconds"],
                         "load_average": load_before})
            print(rows[-1], flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=2), "utf-8")
    print("\n| profile | parse workers | documents | parse + load (s) | documents/s | whole run (s) | load average before |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['profile']} | {r['workers']} | {r['documents']} | {r['load_seconds']:.1f} | "
              f"{r['documents_per_s']:.2f} | {r['run_seconds']:.1f} | {r['load_average']:.1f} |")


if __name__ == "__main__":
    main()
