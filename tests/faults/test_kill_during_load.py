"""Kill the loading process at random points; after a re-run the warehouse equals a clean run's.

20 kills (fixed seed) of a process staging a folder (one DuckDB transaction
per document, quarantined files copied with their reason), each SIGKILL sent
to the whole process group after a random delay inside the load. After every
kill: each document present in staging is complete and equal to the clean
run's (no half-written document), and no kept file in quarantine/ is partial.
Every 5th kill the load is re-run to the end and all of staging must equal the
clean staging. At the end the whole job (staging, dbt, GX, serving) runs on
the recovered warehouse — once after being killed itself at a random point —
and every mart table equals the clean run's, row for row (load timestamps
aside: ``ingested_at``/``first_seen_at`` are wall-clock times by design).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from orchestration.batch import run_batch
from orchestration.definitions import build_definitions
from orchestration.resources import WarehouseResource
from orchestration.settings import duckdb_path
from tests.bad_input.corpus import sample_pdf
from tests.conftest import REPO_ROOT, SAMPLES_DIR
from tests.faults.compare import document_ids, table_contents

#: End-to-end runs of a minute or more each: the slow tier (`make test-slow`).
pytestmark = pytest.mark.slow

KILLS = 20
SEED = 20240806
FILES = ["001_e8da7b277dfa638a.txt", "002_a1d5ee949bd46efb.txt", "003_cd7a85ae5b49b932.txt", "004_1eb0d3f2a58e12d2.pdf"]


def _worker(mode: str, warehouse_dir: Path, folder: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "DAGSTER_HOME": str(warehouse_dir.parent / "dhome")}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.faults.workers", mode, str(warehouse_dir), str(folder)],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
    )


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _run_to_end(mode: str, warehouse_dir: Path, folder: Path) -> None:
    proc = _worker(mode, warehouse_dir, folder)
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out


def _assert_quarantine_complete(warehouse_dir: Path) -> None:
    folder = warehouse_dir / "quarantine"
    if not folder.is_dir():
        return
    for kept in folder.iterdir():
        if kept.name.startswith("."):
            continue  # a temporary file of an interrupted atomic write: never a kept copy
        if kept.name.endswith(".reason.json"):
            json.loads(kept.read_text("utf-8"))
        else:
            digest = hashlib.sha256(kept.read_bytes()).hexdigest()
            assert kept.name.split(".")[-2] == digest[:12], f"partial kept copy {kept.name}"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("kill") / "in"
    path.mkdir()
    for name in FILES:
        shutil.copy(SAMPLES_DIR / name, path / name)
    (path / "truncated.pdf").write_bytes(sample_pdf()[:20000])  # quarantined: exercises the kept copy
    return path


@pytest.fixture(scope="module")
def clean(folder, tmp_path_factory) -> Path:
    wh = tmp_path_factory.mktemp("clean") / "wh"
    defs = build_definitions(WarehouseResource(warehouse_dir=str(wh), inbox_dir=str(wh / "inbox")))
    assert run_batch(defs, dg.DagsterInstance.ephemeral(), folder, log_level="ERROR").success
    return wh


def test_killed_loads_leave_whole_documents_and_rerun_equals_clean(folder, clean, tmp_path):
    rng = random.Random(SEED)
    clean_db = duckdb_path(clean)
    clean_staging = table_contents(clean_db, "raw")
    wh = tmp_path / "wh"
    # how long a load takes here, to aim the kills inside it
    started = time.monotonic()
    _run_to_end("stage", tmp_path / "probe", folder)
    load_seconds = time.monotonic() - started
    kills_inside = 0
    for n in range(1, KILLS + 1):
        proc = _worker("stage", wh, folder)
        assert proc.stdout.readline().strip() == "loading"
        time.sleep(rng.uniform(0, load_seconds * 0.8))
        finished = proc.poll() is not None
        _kill_group(proc)
        kills_inside += not finished
        _assert_quarantine_complete(wh)
        if duckdb_path(wh).exists():
            for doc in document_ids(duckdb_path(wh)):
                where, params = "WHERE document_id = ?", [doc]
                assert table_contents(duckdb_path(wh), "raw", where, params) == \
                    table_contents(clean_db, "raw", where, params), f"kill {n}: document {doc[:12]} is partial"
        if n % 5 == 0:
            _run_to_end("stage", wh, folder)
            assert table_contents(duckdb_path(wh), "raw") == clean_staging, f"after kill {n} and a re-run"
    assert kills_inside >= KILLS // 2, f"only {kills_inside} of {KILLS} kills landed inside a load"
    print(f"\n{kills_inside} of {KILLS} kills landed inside a load ({load_seconds:.1f} s per load)")

    # the whole job: killed once at a random point, then run again; marts equal the clean run's
    proc = _worker("batch", wh, folder)
    time.sleep(rng.uniform(5, 30))
    _kill_group(proc)
    defs = build_definitions(WarehouseResource(warehouse_dir=str(wh), inbox_dir=str(wh / "inbox")))
    assert run_batch(defs, dg.DagsterInstance.ephemeral(), folder, log_level="ERROR").success
    assert table_contents(duckdb_path(wh), "raw") == clean_staging
    recovered_marts = table_contents(duckdb_path(wh), "marts")
    clean_marts = table_contents(clean_db, "marts")
    assert recovered_marts.keys() == clean_marts.keys()
    for table in clean_marts:
        assert recovered_marts[table] == clean_marts[table], table
    assert table_contents(wh / "serving.duckdb", "marts") == table_contents(clean / "serving.duckdb", "marts")
