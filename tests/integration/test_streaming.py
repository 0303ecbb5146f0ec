"""Streaming ingestion end to end: the inbox sensor evaluated against a real Dagster instance.

Each tick is what the daemon does (``devtools.drive``): evaluate
the sensor with its cursor, execute the runs it requests.
Real DuckDB, dbt and GX throughout; assertions read ``serving.duckdb``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.definitions import build_definitions
from devtools.corpus import corrected_version, write_variants
from devtools.drive import SensorDriver
from orchestration.resources import WarehouseResource
from tests.conftest import PROJECT_TARGET_SEEDS, SAMPLES_DIR

#: End-to-end runs of a minute or more each: the slow tier (`make test-slow`).
pytestmark = pytest.mark.slow

SEED_004 = SAMPLES_DIR / "004_1eb0d3f2a58e12d2.txt"


def make_driver(root: Path, settle_seconds: float = 0.5) -> tuple[SensorDriver, WarehouseResource]:
    warehouse = WarehouseResource(
        warehouse_dir=str(root / "warehouse"), inbox_dir=str(root / "inbox"), settle_seconds=settle_seconds
    )
    (root / "inbox").mkdir(parents=True, exist_ok=True)
    (root / "dagster_home").mkdir()
    instance = dg.DagsterInstance.local_temp(str(root / "dagster_home"))
    return SensorDriver(build_definitions(warehouse), instance), warehouse


def age(path: Path, seconds: float = 60) -> None:
    """Pretend the file was last written ``seconds`` ago (settled)."""
    t = time.time() - seconds
    os.utime(path, (t, t))


def settle_and_tick(driver: SensorDriver, *paths: Path) -> list[dg.ExecuteInProcessResult]:
    """One tick over files last written longer ago than the settle window: the first tick that sees them submits them."""
    for p in paths:
        age(p)
    return driver.tick()


def serving(warehouse: WarehouseResource, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(warehouse.serving_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def sha(path_or_bytes) -> str:
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    return hashlib.sha256(data).hexdigest()


def test_dropped_documents_reach_the_serving_marts_one_by_one(tmp_path):
    driver, wh = make_driver(tmp_path)
    inbox = Path(wh.inbox_dir)
    seen: set[str] = set()
    run_ids: list[str] = []
    for seed in PROJECT_TARGET_SEEDS[-2:]:
        dropped = inbox / seed.name
        shutil.copy(seed, dropped)
        results = settle_and_tick(driver, dropped)
        assert len(results) == 1 and results[0].success
        run_ids.append(results[0].run_id)
        seen.add(sha(seed))
        ids = {r[0] for r in serving(wh, "SELECT document_id FROM marts.fct_project_budget")}
        assert ids == seen
        # processed files leave the drop inbox for the archive; nothing is deleted
        assert not dropped.exists()
        assert any(p.name.startswith(seed.stem) for p in wh.archive_dir.iterdir())
    # the registry (not Dagster partitions: issue 29) names each document and the run that staged it
    registry = dict(serving(wh, "SELECT document_id, staged_by_run_id FROM marts.dim_document"))
    assert set(registry) == seen and set(registry.values()) <= set(run_ids)
    assert driver.instance.get_dynamic_partitions("documents") == []
    assert driver.tick() == []  # nothing new: no run
    # serving.duckdb is written with storage version 64 (readable by DuckDB 1.x), whatever DuckDB writes it
    header = wh.serving_path.read_bytes()[:32]
    assert header[8:12] == b"DUCK"
    assert int.from_bytes(header[12:20], "little") == 64


def test_same_bytes_twice_is_one_document(tmp_path):
    driver, wh = make_driver(tmp_path)
    inbox = Path(wh.inbox_dir)
    shutil.copy(SEED_004, inbox / "first.txt")
    assert [r.success for r in settle_and_tick(driver, inbox / "first.txt")] == [True]
    shutil.copy(SEED_004, inbox / "again with spaces.txt")
    (again,) = settle_and_tick(driver, inbox / "again with spaces.txt")
    assert again.success  # a run of its own (a new run_key), though the bytes are known
    assert serving(wh, "SELECT document_id, staged_by_run_id FROM marts.dim_document") == [(sha(SEED_004), again.run_id)]
    assert serving(wh, "SELECT count(*) FROM marts.dim_document")[0][0] == 1
    assert serving(wh, "SELECT count(*) FROM marts.fct_project_budget")[0][0] == 51
    kept = sorted(p.name for p in wh.archive_dir.iterdir())
    assert len(kept) == 2, kept  # both files kept, neither deleted


def test_corrected_version_supersedes_and_history_stays(tmp_path):
    driver, wh = make_driver(tmp_path)
    inbox = Path(wh.inbox_dir)
    original = inbox / "organisation_2024.txt"
    shutil.copy(SEED_004, original)
    settle_and_tick(driver, original)
    corrected = inbox / "organisation_2024_corrected.txt"
    corrected.write_text(corrected_version(SEED_004.read_text("utf-8")), "utf-8")
    new_id = sha(corrected)
    assert [r.success for r in settle_and_tick(driver, corrected)] == [True]

    history = serving(
        wh,
        "SELECT document_id, version_no, is_current, superseded_by_document_id FROM marts.dim_document ORDER BY version_no",
    )
    assert history == [(sha(SEED_004), 1, False, new_id), (new_id, 2, True, None)]
    assert {r[0] for r in serving(wh, "SELECT DISTINCT document_id FROM marts.fct_project_budget")} == {new_id}
    assert serving(wh, "SELECT count(*) FROM marts.fct_project_budget")[0][0] == 51
    assert serving(wh, "SELECT count(*) FROM marts.dim_project WHERE goal_text LIKE '%（更正）%'")[0][0] == 1
    # the superseded version's rows stay queryable in the warehouse's raw tables
    con = duckdb.connect(str(wh.duckdb_path), read_only=True)
    try:
        per_doc = dict(con.execute("SELECT document_id, count(*) FROM raw.budget_lines GROUP BY 1").fetchall())
    finally:
        con.close()
    assert per_doc == {sha(SEED_004): 55, new_id: 55}


def test_half_written_file_is_not_picked_up_until_complete(tmp_path):
    driver, wh = make_driver(tmp_path, settle_seconds=30)
    inbox = Path(wh.inbox_dir)
    data = SEED_004.read_bytes()
    growing = inbox / "growing.txt"
    growing.write_bytes(data[: len(data) // 2])
    assert driver.tick() == []  # first sight: pending
    assert driver.tick() == []  # same size but written less than 30 s ago: still pending
    with open(growing, "ab") as handle:  # the writer goes on
        handle.write(data[len(data) // 2 :])
    assert driver.tick() == []  # size and mtime changed: pending again
    age(growing)
    assert driver.tick() == []  # settled now, but seen changed since last tick
    results = driver.tick()
    assert [r.success for r in results] == [True]
    assert serving(wh, "SELECT document_id FROM marts.dim_document") == [(sha(data),)]
    assert serving(wh, "SELECT count(*) FROM marts.fct_project_budget")[0][0] == 51


def test_bad_drop_is_quarantined_with_reason_and_sensor_keeps_going(tmp_path):
    driver, wh = make_driver(tmp_path)
    inbox = Path(wh.inbox_dir)
    (inbox / "broken.pdf").write_bytes(b"%PDF-1.7\nthis is not a pdf")
    shutil.copy(SEED_004, inbox / "good.txt")
    results = settle_and_tick(driver, inbox / "broken.pdf", inbox / "good.txt")
    assert [r.success for r in results] == [True]  # both new documents in one run
    reasons = list(wh.quarantine_dir.glob("*.reason.json"))
    assert len(reasons) == 1
    assert json.loads(reasons[0].read_text("utf-8"))["file_name"] == "broken.pdf"
    assert list(inbox.iterdir()) == []
    statuses = dict(serving(wh, "SELECT file_name, status FROM marts.dim_document"))
    assert statuses == {"broken.pdf": "quarantined", "good.txt": "loaded"}


READER = r"""
import json, sys, time, duckdb
path, stop_file, out = sys.argv[1], sys.argv[2], sys.argv[3]
reads = errors = inconsistent = 0
messages = []
while True:
    stopping = __import__("os").path.exists(stop_file)
    try:
        con = duckdb.connect(path, read_only=True)
        try:
            rows = con.execute('''
                SELECT s.document_id, s.projects, count(f.project_key)
                FROM marts.rpt_document_summary s
                LEFT JOIN marts.fct_project_budget f USING (document_id)
                WHERE s.status = 'loaded'
                GROUP BY ALL''').fetchall()
        finally:
            con.close()
        reads += 1
        bad = [r for r in rows if r[1] != r[2]]
        if bad:
            inconsistent += 1
            messages.append(repr(bad[:2]))
    except Exception as exc:
        errors += 1
        messages.append(repr(exc))
    if stopping:
        break
    time.sleep(0.01)
json.dump({"reads": reads, "errors": errors, "inconsistent": inconsistent, "messages": messages[:5]}, open(out, "w"))
"""


def test_bi_reader_never_blocks_or_sees_half_built_state(tmp_path):
    """A reader process queries serving.duckdb in a loop while 20 documents are ingested."""
    driver, wh = make_driver(tmp_path)
    inbox = Path(wh.inbox_dir)
    shutil.copy(SEED_004, inbox / "first.txt")
    settle_and_tick(driver, inbox / "first.txt")  # serving.duckdb exists from here on

    stop, out = tmp_path / "stop", tmp_path / "reader.json"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(wh.serving_path), str(stop), str(out)])
    try:
        drops = []
        for seed in PROJECT_TARGET_SEEDS:
            drops += write_variants(seed, tmp_path / "variants", 5, start=len(drops))
        failures = []
        for batch_start in range(0, 20, 10):  # 20 documents, dropped 10 at a time
            batch = drops[batch_start : batch_start + 10]
            for p in batch:
                shutil.copy(p, inbox / p.name)
            failures += [r for r in settle_and_tick(driver, *(inbox / p.name for p in batch)) if not r.success]
        assert failures == []
    finally:
        stop.touch()
        reader.wait(timeout=120)
    report = json.loads(out.read_text())
    assert report["errors"] == 0, report
    assert report["inconsistent"] == 0, report
    assert report["reads"] > 10, report
    assert serving(wh, "SELECT count(*) FROM marts.dim_document WHERE status = 'loaded'")[0][0] == 21
