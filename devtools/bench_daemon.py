"""``make bench`` part ``daemon``: drop → visible in ``serving.duckdb`` under the real ``make dev``.

What a user waits for (issue 19): ``make dev`` (``dg dev``: webserver, code
server and daemon on the instance that ``python -m orchestration.settings``
creates in ``$WAREHOUSE_DIR/.dagster``) is started on a fresh warehouse
folder, exactly as the Makefile starts it. The ten samples are dropped at once
(the warehouse the drops land in), then ``BENCH_DROPS`` text documents (department variants
of the project seeds, distinct bytes) are dropped one at a time the way a
person or a sync tool does: written to a hidden temporary name in the inbox,
then renamed into place. Each drop is timed from the rename to the document's
row appearing in ``marts.rpt_document_summary`` of ``serving.duckdb``
(polled read-only every :data:`POLL_S` seconds); the next drop waits until the
run has ended, and the ``dbt_tests_job`` run that follows it (:func:`wait_follow_up_tests`: it holds
the warehouse's lock while it runs), so drops do not share runs, and then a random 0–5 s (so the
sensor's tick phase is sampled, not fixed).

The time of each drop is split into parts read from the sensor's ticks and the
run's event log (:func:`split_drop`): waiting for the first tick after the drop,
the settle rule (first tick that saw the file → tick that requested the run),
the tick's own work until the run is queued, queueing and launching
(``RUN_ENQUEUED`` → ``RUN_STARTING``), starting the run process and importing
the code location (``RUN_STARTING`` → ``RUN_START``), staging (parse, gate,
raw tables), the staging and mart checks, dbt, publish, and the rest (the
gaps between steps and the poll).

    python -m devtools.bench_daemon            # BENCH_DROPS=5 for a quick run
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from orchestration.settings import REPO_ROOT, SAMPLES_DIR

#: Where a dropped document counts as visible (the serving file's summary mart).
VISIBLE_TABLE = "marts.rpt_document_summary"
#: Seconds between two looks at ``serving.duckdb``.
POLL_S = 0.2
#: The project-target seeds whose department variants are dropped.
DROP_SEEDS = ("000_26deb59209c0fd2c.txt", "001_e8da7b277dfa638a.txt", "003_cd7a85ae5b49b932.txt",
              "004_1eb0d3f2a58e12d2.txt")
#: The parts of a drop's latency, in the order they happen (see :func:`split_drop`).
PARTS = ("wait_tick", "settle", "tick_to_queued", "queue_launch", "import_start", "staging", "staging_checks",
         "dbt", "mart_checks", "publish", "other")


def log(message: str) -> None:
    print(f"[bench-daemon {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_make_dev(warehouse: Path, port: int, log_path: Path, extra_env: dict | None = None) -> subprocess.Popen:
    """``make dev`` on ``warehouse`` as a user starts it (own process group); its output goes to ``log_path``.

    ``DAGSTER_HOME`` and ``INBOX_DIR`` are removed from the environment: the
    Makefile derives both from ``WAREHOUSE_DIR``.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "INBOX_DIR")} | (extra_env or {})
    out = open(log_path, "w")
    return subprocess.Popen(
        ["make", "--no-print-directory", "-C", str(REPO_ROOT), "dev", f"DAGSTER_PORT={port}", f"WAREHOUSE_DIR={warehouse}"],
        stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)


def stop_make_dev(process: subprocess.Popen, grace_s: float = 60) -> None:
    """Stop ``make dev`` and everything it started: webserver, daemon, code servers, run workers.

    The tree is listed (psutil) before any signal, so a child that left the process group (a
    code server or run worker in its own session) is stopped too; SIGTERM to the group and to
    every listed process, SIGKILL to whatever is still alive after ``grace_s`` seconds. Nothing
    of a test's or the bench's ``make dev`` keeps running to load the next test.
    """
    import psutil  # a dependency of the project (orchestration/run_launcher.py)

    try:
        tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        tree = []
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    for member in tree:
        try:
            member.terminate()
        except psutil.NoSuchProcess:
            pass
    _gone, alive = psutil.wait_procs(tree, timeout=grace_s)
    for member in alive:
        try:
            member.kill()
        except psutil.NoSuchProcess:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    psutil.wait_procs(alive, timeout=10)
    process.wait()


def code_location_loaded(port: int) -> bool:
    """True when the webserver on ``port`` reports the code location ``budget_targets`` as loaded."""
    query = "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus } } } }"
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            entries = json.loads(response.read())["data"]["workspaceOrError"]["locationEntries"]
    except OSError:
        return False
    return any(e["name"] == "budget_targets" and e["loadStatus"] == "LOADED" for e in entries)


def wait_until(condition, timeout: float, what: str, process: subprocess.Popen | None = None, every: float = 1.0):
    """Call ``condition`` until it returns a true value (returned); ``TimeoutError`` after ``timeout`` seconds,
    ``RuntimeError`` when ``process`` exits meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"make dev exited (status {process.returncode}) while waiting for {what}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def visible_ids(serving: Path) -> set[str]:
    """Document ids in the summary mart of ``serving`` (empty while the file does not exist yet)."""
    import duckdb

    if not serving.exists():
        return set()
    try:
        con = duckdb.connect(str(serving), read_only=True)
    except duckdb.Error:
        return set()  # replaced between exists() and open: look again
    try:
        return {row[0] for row in con.execute(f"SELECT document_id FROM {VISIBLE_TABLE}").fetchall()}
    finally:
        con.close()


def drop_file(inbox: Path, name: str, data: bytes) -> float:
    """Drop ``data`` as ``inbox/name`` the way a sync tool does: a hidden temporary name, then a rename.

    Returns the wall-clock time (``time.time()``, seconds) right after the rename: the drop.
    """
    tmp = inbox / f".{name}.part"
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, inbox / name)
    return time.time()


def runs_in_flight(instance) -> int:
    """Runs of the instance that are queued, starting or running."""
    import dagster as dg

    statuses = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
                dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]
    return len(instance.get_run_ids(filters=dg.RunsFilter(statuses=statuses)))


def sensor_ticks(instance, name: str = "inbox_sensor", after: float | None = None) -> list:
    """The ticks of sensor ``name`` (newest last), optionally only those started after ``after`` (epoch s)."""
    from dagster._core.scheduler.instigation import InstigatorType

    states = [s for s in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR) if s.name == name]
    ticks = []
    for state in states:
        ticks += instance.get_ticks(state.instigator_origin_id, state.selector_id, after=after)
    return sorted(ticks, key=lambda t: t.timestamp)


#: A tick's timestamp is when it started; the file may be renamed into place after that and still be seen by
#: the tick's scan and requested by that very tick (the tick watches the inbox for up to 4 s, then waits out
#: the settle window: ``inbox_sensor``). Drops are tens of seconds apart, so no earlier drop's tick is this close.
TICK_START_SLACK_S = 10.0


def ticks_of_drop(ticks: list, dropped_at: float) -> list:
    """The ticks that count for a drop at ``dropped_at``: those started after it, preceded by the one tick
    started just before it that requested a run (its scan came after the rename)."""
    before = [t for t in ticks if t.timestamp < dropped_at and t.run_ids][-1:]
    return before + [t for t in ticks if t.timestamp >= dropped_at]


#: The job of the dbt tests that follow each streaming run (``orchestration/defs/quality/sensors.py``).
FOLLOW_UP_JOB = "dbt_tests_job"


def wait_follow_up_tests(instance, run_id: str, process, grace_s: float | None = None) -> float | None:
    """Seconds from the end of run ``run_id`` to the end of the ``dbt_tests_job`` run that tested its build.

    That is the first test run that started after ``run_id`` ended (one queued test run covers every
    streaming run that ended before it started; it is requested once the inbox has been quiet for
    ``REFRESH_QUIET_S``). Waits for it to end, so that the next drop does not share the machine with it
    (the calm protocol); ``None`` when no such run was requested within ``grace_s`` seconds (default: the
    quiet period + 20 s; a code location without the follow-up).
    """
    import dagster as dg

    from orchestration.defs.quality.sensors import REFRESH_QUIET_S

    grace_s = REFRESH_QUIET_S + 20.0 if grace_s is None else grace_s

    end = instance.get_run_record_by_id(run_id).end_time
    waited = time.time()

    def follow_up():
        records = instance.get_run_records(filters=dg.RunsFilter(job_name=FOLLOW_UP_JOB))
        started = [r for r in records if (r.start_time or 0) >= end or r.dagster_run.status in (
            dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING)]
        return min(started, key=lambda r: r.create_timestamp) if started else None

    while follow_up() is None:
        if time.time() - waited > grace_s:
            return None
        time.sleep(0.5)
    wait_until(lambda: (r := follow_up()) is not None and r.end_time is not None, 900,
               f"the {FOLLOW_UP_JOB} run after {run_id}", process, every=0.5)
    return round(follow_up().end_time - end, 3)


def split_drop(instance, dropped_at: float, visible_at: float, run_id: str, ticks: list,
               written_at: float | None = None) -> dict[str, float]:
    """The seconds of one drop's latency, by part (:data:`PARTS`); they add up to ``visible_at - dropped_at``.

    ``ticks``: the sensor's ticks of the drop (:func:`ticks_of_drop`), oldest first; one that started
    before the rename counts from the rename. ``wait_tick``: drop → first tick;
    ``settle``: first tick → the tick that requested ``run_id``, plus the wait inside that tick for a
    file written less than the settle window before it (``written_at``, the file's mtime: the sensor
    waits out the window and looks again, ``inbox_sensor``) — none when the tick that requested the run
    was already watching the inbox at the rename (a file renamed into place is complete at once); ``tick_to_queued``: the rest of that
    tick → ``RUN_ENQUEUED`` (or the run's creation under a coordinator that does not queue);
    ``queue_launch``: → ``RUN_STARTING``; ``import_start``: → ``RUN_START`` (the run process
    starts and imports the code location); then the steps, by step-stats wall time: ``staging``
    (stage_documents, raw_tables), ``staging_checks`` and ``mart_checks`` (the gx_* check
    steps before and after dbt), ``dbt``, ``publish`` (serving_database); ``other``: the rest
    (gaps between steps, the poll of serving.duckdb). ``KeyError`` when an event is missing.
    """
    from dagster import DagsterEventType

    from orchestration.resources import WarehouseResource

    first = ticks[0]
    submit = next(t for t in ticks if run_id in (t.run_ids or []))
    events: dict = {}
    for entry in instance.all_logs(run_id):
        if entry.dagster_event is not None:
            events.setdefault(entry.dagster_event.event_type, entry.timestamp)
    record = instance.get_run_record_by_id(run_id)
    queued = events.get(DagsterEventType.RUN_ENQUEUED, record.create_timestamp.timestamp())
    starting = events[DagsterEventType.RUN_STARTING]
    started = events[DagsterEventType.RUN_START]
    window = WarehouseResource.model_fields["settle_seconds"].default
    # a tick that started before the rename counts from the rename (ticks_of_drop); such a tick was watching the
    # inbox and saw the rename, and a file renamed into place does not wait out the settle window (inbox_sensor)
    watched = submit.timestamp < dropped_at
    first_at, submit_at = max(first.timestamp, dropped_at), max(submit.timestamp, dropped_at)
    in_tick = (min(max(written_at + window - submit_at, 0.0), window)
               if written_at is not None and not watched else 0.0)
    parts = {
        "wait_tick": first_at - dropped_at,
        "settle": submit_at - first_at + in_tick,
        "tick_to_queued": queued - submit_at - in_tick,
        "queue_launch": starting - queued,
        "import_start": started - starting,
    }
    steps = {"staging": 0.0, "staging_checks": 0.0, "dbt": 0.0, "mart_checks": 0.0, "publish": 0.0}
    dbt_started = None
    stats = sorted((s for s in instance.get_run_step_stats(run_id) if s.start_time and s.end_time),
                   key=lambda s: s.start_time)
    publish_end = None
    for stat in stats:
        key, seconds = stat.step_key, stat.end_time - stat.start_time
        if key in ("stage_documents", "raw_tables"):
            steps["staging"] += seconds
        elif key.startswith("dbt"):
            steps["dbt"] += seconds
            dbt_started = stat.start_time
        elif key == "serving_database":
            steps["publish"] += seconds
            publish_end = stat.end_time
        elif publish_end is None and ("gx_" in key or "check" in key):
            steps["mart_checks" if dbt_started else "staging_checks"] += seconds
    parts.update(steps)
    total = visible_at - dropped_at
    parts["other"] = total - sum(parts.values())
    return {k: round(v, 3) for k, v in parts.items()}


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (``q`` in 0..100) of a non-empty list."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def drop_documents(count: int, start: int = 500) -> list[tuple[str, bytes]]:
    """``count`` distinct text documents: department variants of the project seeds, (name, bytes)."""
    from devtools.corpus import department_variant

    out = []
    for i in range(count):
        seed = SAMPLES_DIR / DROP_SEEDS[i % len(DROP_SEEDS)]
        n = start + i
        out.append((f"{seed.stem}_d{n:03d}.txt", department_variant(seed.read_text("utf-8"), n).encode("utf-8")))
    return out


def run(drops: int, root: Path, seed: int = 19) -> dict:
    """Start ``make dev`` on ``root/warehouse``, load the samples, time ``drops`` single drops; the results."""
    import shutil

    import dagster as dg

    from orchestration.ingestion.reading import document_id

    shutil.rmtree(root, ignore_errors=True)
    warehouse = root / "warehouse"
    inbox = warehouse / "inbox"
    inbox.mkdir(parents=True)
    port = free_port()
    load_start = [round(x, 2) for x in os.getloadavg()]
    started = time.perf_counter()
    process = start_make_dev(warehouse, port, root / "make_dev.log")
    rng = random.Random(seed)
    rows: list[dict] = []
    try:
        wait_until(lambda: code_location_loaded(port), 600, "the code location", process, every=2)
        startup_s = time.perf_counter() - started
        log(f"make dev up in {startup_s:.1f} s (port {port}); dropping the {len(list(SAMPLES_DIR.iterdir()))} samples at once")
        samples = sorted(p for p in SAMPLES_DIR.iterdir() if p.suffix in (".txt", ".pdf"))
        expected = {document_id(p) for p in samples}
        t0 = time.time()
        for path in samples:
            drop_file(inbox, path.name, path.read_bytes())
        serving = warehouse / "serving.duckdb"
        wait_until(lambda: expected <= visible_ids(serving), 900, "the samples in serving.duckdb", process)
        base_s = time.time() - t0
        instance = dg.DagsterInstance.from_config(str(warehouse / ".dagster"))
        wait_until(lambda: runs_in_flight(instance) == 0, 600, "the samples' run to end", process)
        (last,) = instance.get_run_records(limit=1)
        wait_follow_up_tests(instance, last.dagster_run.run_id, process)
        log(f"samples visible after {base_s:.1f} s; {drops} single drops follow")
        for name, data in drop_documents(drops):
            time.sleep(rng.uniform(0, 5))
            dropped_id = document_id(data)
            dropped = drop_file(inbox, name, data)
            try:
                written = (inbox / name).stat().st_mtime  # kept by the rename; the settle rule reads it
            except FileNotFoundError:  # already taken by a tick
                written = None
            wait_until(lambda: dropped_id in visible_ids(serving), 600, f"{name} in serving.duckdb", process, every=POLL_S)
            visible = time.time()
            wait_until(lambda: runs_in_flight(instance) == 0, 600, f"the run of {name} to end", process, every=0.5)
            ticks = ticks_of_drop(sensor_ticks(instance, after=dropped - TICK_START_SLACK_S), dropped)
            submit = next(t for t in ticks if t.run_ids)
            run_id = submit.run_ids[0]
            row = {"file": name, "latency_s": round(visible - dropped, 3), "run_id": run_id,
                   "run_status": instance.get_run_by_id(run_id).status.value,
                   "load_1min": round(os.getloadavg()[0], 2),
                   "parts_s": split_drop(instance, dropped, visible, run_id, ticks, written),
                   "dbt_tests_after_s": wait_follow_up_tests(instance, run_id, process)}
            rows.append(row)
            log(f"  {name}: {row['latency_s']:.1f} s  " + " ".join(f"{k}={v:.1f}" for k, v in row["parts_s"].items())
                + f"  dbt tests done {row['dbt_tests_after_s']} s after the run")
        instance.dispose()
    finally:
        stop_make_dev(process)
    latencies = [r["latency_s"] for r in rows]
    median_parts = {k: round(statistics.median(r["parts_s"][k] for r in rows), 2) for k in PARTS}
    return {
        "drops": len(rows), "p50_s": round(percentile(latencies, 50), 2), "p95_s": round(percentile(latencies, 95), 2),
        "max_s": round(max(latencies), 2), "min_s": round(min(latencies), 2),
        "all_succeeded": all(r["run_status"] == "SUCCESS" for r in rows),
        "median_parts_s": median_parts, "rows": rows, "make_dev_startup_s": round(startup_s, 1),
        "samples_visible_s": round(base_s, 1), "load_average_at_start": load_start,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }


PART_LABELS = {
    "wait_tick": "waiting for the sensor's tick", "settle": "settle rule (first tick → tick that requests the run)",
    "tick_to_queued": "tick → run queued", "queue_launch": "queue + launch (RUN_ENQUEUED → RUN_STARTING)",
    "import_start": "run process start + code import (RUN_STARTING → RUN_START)",
    "staging": "staging (parse, gate, raw tables)", "staging_checks": "GX checks on staging",
    "dbt": "dbt build", "mart_checks": "GX checks on the marts (blocking)", "publish": "publish serving.duckdb",
    "other": "other (gaps between steps, poll)",
}


def to_markdown(r: dict) -> list[str]:
    """The daemon part of ``.bench/results.md``."""
    out = [
        "## Drop → visible in serving.duckdb under `make dev` (the real daemon; issue 19)",
        "",
        f"`make dev` on a fresh warehouse folder (its instance from `python -m orchestration.settings`); the 10 samples "
        f"dropped first (visible after {r['samples_visible_s']} s), then {r['drops']} text documents dropped one at a "
        "time (temporary name, then rename), each timed from the rename to its row in "
        f"`{VISIBLE_TABLE}` of serving.duckdb. Load average (1/5/15 min) {r['load_average_at_start']} at start, "
        f"{r['load_average_at_end']} at end.",
        "",
        f"**p50 {r['p50_s']:.1f} s, p95 {r['p95_s']:.1f} s** (min {r['min_s']:.1f}, max {r['max_s']:.1f}; "
        f"every run succeeded: {r['all_succeeded']}).",
        "",
        "| part | median s |",
        "|---|---:|",
    ]
    out += [f"| {PART_LABELS[k]} | {r['median_parts_s'][k]:.2f} |" for k in PARTS]
    out += ["", "| file | s | " + " | ".join(PARTS) + " | load 1 min | dbt tests done after the run, s |",
            "|---|---:|" + "---:|" * (len(PARTS) + 2)]
    for row in r["rows"]:
        after = row.get("dbt_tests_after_s")
        out.append(f"| {row['file']} | {row['latency_s']:.1f} | " + " | ".join(f"{row['parts_s'][k]:.1f}" for k in PARTS)
                   + f" | {row['load_1min']} | {'' if after is None else f'{after:.1f}'} |")
    return out + [""]


def main() -> int:
    """Run the daemon part alone: results to ``.bench/daemon.md`` / ``.bench/daemon.json`` and stdout."""
    drops = int(os.environ.get("BENCH_DROPS", "20"))
    bench_dir = REPO_ROOT / ".bench"
    bench_dir.mkdir(exist_ok=True)
    result = run(drops, bench_dir / "daemon")
    (bench_dir / "daemon.json").write_text(json.dumps(result, indent=2), "utf-8")
    text = "\n".join(to_markdown(result))
    (bench_dir / "daemon.md").write_text(text, "utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
