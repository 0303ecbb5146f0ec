"""Issue 18, faults and concurrency: validation and runs share the writer lock, a full disk under Dagster's
storage is a clear error, stale serving copies are removed, files that change under a run are reported,
and a reader in a long-lived process can always see the newest serving file.

Real processes (``budget-etl``), a real tmpfs (root only, skipped elsewhere), real DuckDB and Dagster.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration import batch as batch_module
from orchestration.batch import run_batch
from orchestration.definitions import build_definitions
from orchestration.ingestion.filing import Destinations
from orchestration.ingestion.ingest import ingest_file
from orchestration.resources import WarehouseResource
from orchestration.settings import duckdb_path
from orchestration.ingestion.loading import connect
from orchestration.serving import open_serving, publish_serving
from tests.conftest import REPO_ROOT, SAMPLES_DIR, read_rows

BIN = Path(sys.executable).parent
GOOD = SAMPLES_DIR / "004_1eb0d3f2a58e12d2.txt"


# 8 -------------------------------------------------------------------------


@pytest.mark.slow
def test_8_validate_waits_for_the_writer_lock_and_then_succeeds(tmp_path):
    wh = tmp_path / "wh"
    with connect(duckdb_path(wh)) as con:
        ingest_file(con, GOOD, Destinations(wh / "archive", wh / "quarantine"))
    lock = WarehouseResource(warehouse_dir=str(wh), inbox_dir=str(wh / "inbox")).writer_lock()
    env = {**os.environ, "WAREHOUSE_DIR": str(wh)}
    with lock:  # a run is writing
        proc = subprocess.Popen([str(BIN / "budget-etl"), "validate", "--warehouse", str(wh)], cwd=REPO_ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(15)
        assert proc.poll() is None, "validate did not wait for the writer lock: " + (proc.stdout.read() or "")[-2000:]
        # while validate waits, nobody else holds the database: a writer can open it
        duckdb.connect(str(duckdb_path(wh))).close()
    output, _ = proc.communicate(timeout=600)
    assert "Traceback" not in output, output[-3000:]
    assert proc.returncode in (0, 1) and "suites" in output, output[-3000:]


# 9 -------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}): needs root")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.slow
def test_9_disk_full_under_dagster_storage_is_a_warehouse_write_error(tiny_disk):
    env = {**os.environ, "WAREHOUSE_DIR": str(tiny_disk), "DAGSTER_HOME": str(tiny_disk / ".dagster")}
    done = subprocess.run([str(BIN / "budget-etl"), "run", "--inbox", str(SAMPLES_DIR)], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    assert "WarehouseWriteError: cannot write" in output, output[-3000:]
    assert "Free disk space" in output.replace("\n", "") or "free disk space" in output.replace("\n", "")


# 11 ------------------------------------------------------------------------


def _marts_warehouse(path: Path, value: int) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.execute("CREATE OR REPLACE TABLE marts.t AS SELECT ? AS v", [value])
    con.close()


def test_11_a_publish_removes_serving_copies_left_by_killed_publishes(tmp_path):
    wh, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving.duckdb"
    _marts_warehouse(wh, 1)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"serving.duckdb.tmp-{dead.pid}"
    stale.write_bytes(b"\0" * 4_400_000)
    stale_wal = tmp_path / f"serving.duckdb.tmp-{dead.pid}.wal"
    stale_wal.write_bytes(b"\0" * 10)
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        in_progress = tmp_path / f"serving.duckdb.tmp-{alive.pid}"
        in_progress.write_bytes(b"\0")
        publish_serving(wh, serving)
        assert not stale.exists() and not stale_wal.exists(), "a killed publish's copy was left behind"
        assert in_progress.exists(), "the copy of a publish still running is not touched"
    finally:
        alive.kill()
        alive.wait()
    assert read_rows(serving, "SELECT v FROM marts.t") == [(1,)]


# 15 ------------------------------------------------------------------------


def test_15_open_serving_sees_the_newest_publish_while_an_old_connection_is_held(tmp_path):
    wh, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving.duckdb"
    _marts_warehouse(wh, 1)
    publish_serving(wh, serving)
    held = duckdb.connect(str(serving), read_only=True)
    try:
        assert held.execute("SELECT v FROM marts.t").fetchall() == [(1,)]
        _marts_warehouse(wh, 2)
        publish_serving(wh, serving)
        # DuckDB's per-path instance cache: a plain new connection in this process still sees the old file
        again = duckdb.connect(str(serving), read_only=True)
        assert again.execute("SELECT v FROM marts.t").fetchall() == [(1,)]
        again.close()
        fresh = open_serving(serving)
        assert fresh.execute("SELECT v FROM marts.t").fetchall() == [(2,)]
        fresh.close()
    finally:
        held.close()
    readme = (REPO_ROOT / "README.md").read_text("utf-8")
    assert "open_serving" in readme and "same process" in readme, "the README states the exact rule"


# 13 ------------------------------------------------------------------------


@pytest.mark.slow
def test_13_files_deleted_or_changed_after_listing_are_quarantined_and_reported(tmp_path, monkeypatch):
    inbox, wh = tmp_path / "in", tmp_path / "wh"
    inbox.mkdir()
    shutil.copy(GOOD, inbox / GOOD.name)
    from tests.bad_input.corpus import good_tsv

    (inbox / "deleted.txt").write_text(good_tsv(department="甲局"), "utf-8")
    (inbox / "changed.txt").write_text(good_tsv(department="乙局"), "utf-8")
    real_digest = batch_module.document_digest

    def digest_then_interfere(path):
        result = real_digest(path)
        if path.name == "deleted.txt":
            path.unlink()
        elif path.name == "changed.txt":
            path.write_text(good_tsv(department="丙局"), "utf-8")
        return result

    monkeypatch.setattr(batch_module, "document_digest", digest_then_interfere)
    defs = build_definitions(WarehouseResource(warehouse_dir=str(wh), inbox_dir=str(wh / "drop")))
    result = run_batch(defs, dg.DagsterInstance.ephemeral(), inbox, log_level="ERROR")
    assert result.success
    rows = dict((n, (s, e)) for n, s, e in read_rows(duckdb_path(wh), "SELECT file_name, status, error FROM raw.documents"))
    assert rows[GOOD.name] == ("loaded", None)
    assert rows["deleted.txt"][0] == "quarantined"
    assert "deleted or moved after it was listed" in rows["deleted.txt"][1]
    assert rows["changed.txt"][0] == "quarantined"
    assert "changed after it was listed" in rows["changed.txt"][1] and "sensor" not in rows["changed.txt"][1]
    summary = dict(read_rows(duckdb_path(wh), "SELECT file_name, status FROM marts.rpt_document_summary"))
    assert summary["deleted.txt"] == "quarantined" and summary["changed.txt"] == "quarantined"
