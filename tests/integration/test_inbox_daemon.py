"""The inbox sensor under the real daemon of `make dev`: nothing fragile for speed (issue 19).

`make dev` (dg dev: webserver, code server, daemon) runs on a temporary WAREHOUSE_DIR, so the instance
is the one the Makefile configures (``python -m orchestration.settings``: run queue polled every second)
and the sensor ticks at the daemon's pace with the first-sight settle rule. Two things must hold:

- a file written slowly in place (a few KB/s for about a minute, no temporary name) is not read
  before it is complete: the only document ever registered is the whole file;
- a burst of 50 files renamed into the inbox at once ends with every file loaded exactly once
  (one raw row, one run naming it, one archived copy each; the inbox empty; every run succeeded).
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import duckdb
import pytest

from devtools.bench_daemon import (
    code_location_loaded,
    drop_file,
    free_port,
    runs_in_flight,
    sensor_ticks,
    start_make_dev,
    stop_make_dev,
    visible_ids,
    wait_until,
)
from devtools.corpus import department_variant
from orchestration.settings import SAMPLES_DIR

pytestmark = pytest.mark.slow

SEED_004 = SAMPLES_DIR / "004_1eb0d3f2a58e12d2.txt"
PROJECT_SEEDS = [SAMPLES_DIR / n for n in ("000_26deb59209c0fd2c.txt", "001_e8da7b277dfa638a.txt",
                                           "003_cd7a85ae5b49b932.txt", "004_1eb0d3f2a58e12d2.txt")]


@pytest.fixture(scope="module")
def make_dev(tmp_path_factory):
    """`make dev` on a fresh warehouse folder; yields (warehouse dir, instance); stopped at the end."""
    import dagster as dg

    root = tmp_path_factory.mktemp("make_dev")
    warehouse = root / "warehouse"
    (warehouse / "inbox").mkdir(parents=True)
    port = free_port()
    process = start_make_dev(warehouse, port, root / "make_dev.log")
    try:
        wait_until(lambda: code_location_loaded(port), 600, "the code location", process, every=2)
        instance = dg.DagsterInstance.from_config(str(warehouse / ".dagster"))
        # the instance make dev configured: the run queue is polled every second (orchestration/settings.py)
        assert instance.run_coordinator.dequeue_interval_seconds == 1
        yield warehouse, instance, process
        instance.dispose()
    finally:
        stop_make_dev(process)


def registry_runs(warehouse: Path) -> dict[str, str]:
    """document_id → the run that staged it (``raw.documents.run_id``)."""
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        return dict(con.execute("SELECT document_id, run_id FROM raw.documents").fetchall())
    finally:
        con.close()


def staged(warehouse: Path) -> list[tuple]:
    """(document_id, file_name, status) of every raw.documents row, after the runs ended."""
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute("SELECT document_id, file_name, status FROM raw.documents").fetchall()
    finally:
        con.close()


def test_a_file_written_slowly_is_not_read_before_it_is_complete(make_dev):
    warehouse, instance, process = make_dev
    data = SEED_004.read_bytes()  # 84 KB
    target = warehouse / "inbox" / "slow_writer.txt"
    started = time.time()
    chunk = 700  # 1.4 KB/s: the whole file in about a minute …
    with open(target, "wb") as handle:
        for n, i in enumerate(range(0, len(data), chunk)):
            handle.write(data[i : i + chunk])
            handle.flush()
            time.sleep(0.5)
            if n == 60:
                time.sleep(1.0)  # … with a pause (1.5 s between writes) shorter than the 2 s settle window
    finished = time.time()
    assert finished - started > 55
    document_id = hashlib.sha256(data).hexdigest()
    wait_until(lambda: document_id in visible_ids(warehouse / "serving.duckdb"), 600, "the slow file in serving.duckdb",
               process)
    wait_until(lambda: runs_in_flight(instance) == 0, 600, "the run to end", process)
    # no run was requested while the file was being written, and only the whole file became a document (a tick
    # that started before the last write watches the inbox, sees the writes and then waits out the settle window
    # inside the tick, so it is the run, not the tick's start, that must come after the last write)
    requested = [t for t in sensor_ticks(instance, after=started - 5) if t.run_ids]
    assert requested, "the sensor requested the run"
    runs = [instance.get_run_record_by_id(run_id) for t in requested for run_id in t.run_ids]
    assert all(r.create_timestamp.timestamp() >= finished + 1.0 for r in runs), \
        [(r.create_timestamp.timestamp() - finished) for r in runs]
    assert staged(warehouse) == [(document_id, "slow_writer.txt", "loaded")]
    # the registry names the run that staged it (documents are not partitions: issue 29)
    assert registry_runs(warehouse) == {document_id: runs[0].dagster_run.run_id}
    assert instance.get_dynamic_partitions("documents") == []
    assert not any((warehouse / "quarantine").glob("slow_writer*"))


def test_a_burst_of_50_files_ends_with_every_file_loaded_once(make_dev):
    import dagster as dg

    warehouse, instance, process = make_dev
    before = {row[0] for row in staged(warehouse)}
    files = {}
    for n in range(50):
        seed = PROJECT_SEEDS[n % len(PROJECT_SEEDS)]
        files[f"burst_{n:02d}.txt"] = department_variant(seed.read_text("utf-8"), 700 + n).encode("utf-8")
    for name, data in files.items():  # 50 renames into the inbox within a fraction of a second
        drop_file(warehouse / "inbox", name, data)
    ids = {hashlib.sha256(data).hexdigest(): name for name, data in files.items()}
    assert len(ids) == 50
    wait_until(lambda: set(ids) <= visible_ids(warehouse / "serving.duckdb"), 1800, "the 50 files in serving.duckdb",
               process, every=2)
    wait_until(lambda: runs_in_flight(instance) == 0, 600, "the runs to end", process)
    rows = [r for r in staged(warehouse) if r[0] not in before]
    assert sorted(r[0] for r in rows) == sorted(ids), "each file is one raw row, none twice, none missing"
    assert all(status == "loaded" and ids[doc] == name for doc, name, status in rows)
    # each document in exactly one run's config, and the registry names that run
    staged_by = registry_runs(warehouse)
    in_config = [(doc, r.run_id) for r in instance.get_runs(filters=dg.RunsFilter(job_name="streaming_job"))
                 for doc in r.run_config["ops"]["stage_documents"]["config"]["files"] if doc in ids]
    assert sorted(in_config) == sorted((doc, staged_by[doc]) for doc in ids)
    assert list((warehouse / "inbox").iterdir()) == []
    archived = [p for p in (warehouse / "archive").iterdir() if p.name.startswith("burst_")]
    assert len(archived) == 50
    assert {hashlib.sha256(p.read_bytes()).hexdigest() for p in archived} == set(ids)
    runs = instance.get_runs(filters=dg.RunsFilter(job_name="streaming_job"))
    assert runs and all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs)
    # every dbt test ran after the streaming runs (one test run may cover several) and passed; the last
    # test run started after the last streaming run ended, so it tested what serving.duckdb holds
    ended = max(r.end_time for r in instance.get_run_records(filters=dg.RunsFilter(job_name="streaming_job")))

    def tested_after_the_last_run() -> bool:
        records = instance.get_run_records(filters=dg.RunsFilter(job_name="dbt_tests_job"))
        return runs_in_flight(instance) == 0 and any((t.start_time or 0) >= ended for t in records)

    wait_until(tested_after_the_last_run, 600, "the dbt tests after the last run", process)
    tests = instance.get_run_records(filters=dg.RunsFilter(job_name="dbt_tests_job"))
    assert all(t.dagster_run.status == dg.DagsterRunStatus.SUCCESS for t in tests)
    with duckdb.connect(str(warehouse / "serving.duckdb"), read_only=True) as con:
        (twice,) = con.execute("SELECT count(*) FROM (SELECT document_id FROM marts.rpt_document_summary "
                               "GROUP BY 1 HAVING count(*) > 1)").fetchone()
    assert twice == 0
