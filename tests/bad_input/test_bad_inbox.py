"""The whole bad-input corpus through the real pipeline (Dagster, DuckDB, dbt, GX).

One batch run over a folder holding every corpus file, the hostile file names
and one real seed; then the drop inbox (sensor, files moved) with a few of them.
Asserts: each file's status and reason in ``raw.documents.error`` and in
``<kept>.reason.json``, the run succeeds and the marts are built, the exact
round-trip of a project name with SQL quotes and emoji, the reconciliation
differences in the summary, and that no input file is ever deleted or changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from pathlib import Path

import dagster as dg
import pytest

from orchestration.batch import run_batch
from orchestration.definitions import build_definitions
from devtools.drive import SensorDriver
from orchestration.resources import WarehouseResource
from orchestration.settings import duckdb_path
from tests.bad_input.corpus import CORPUS, HOSTILE_NAMES, QUARANTINED, SQL_EMOJI_PROJECT, WARNINGS
from tests.conftest import SAMPLES_DIR, read_rows

#: End-to-end runs of a minute or more each: the slow tier (`make test-slow`).
pytestmark = pytest.mark.slow

GOOD_SEED = SAMPLES_DIR / "004_1eb0d3f2a58e12d2.txt"


def snapshot(folder: Path) -> dict[str, str]:
    """File name → SHA-256 of every file under ``folder`` (recursive)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def bad_batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    inbox, wh = root / "inbox", root / "warehouse"
    inbox.mkdir()
    for name, (build, *_rest) in CORPUS.items():
        (inbox / name).write_bytes(build())
    for name, build in HOSTILE_NAMES.items():
        (inbox / name).write_bytes(build())
    shutil.copy(GOOD_SEED, inbox / GOOD_SEED.name)
    before = snapshot(inbox)
    defs = build_definitions(WarehouseResource(warehouse_dir=str(wh), inbox_dir=str(root / "drop")))
    result = run_batch(defs, dg.DagsterInstance.ephemeral(), inbox, log_level="ERROR")
    return result, inbox, wh, before


def test_run_succeeds_and_the_good_documents_reach_the_marts(bad_batch):
    result, _, wh, _ = bad_batch
    assert result.success
    assert result.blocking_failures() == []
    loaded = {r[0] for r in read_rows(duckdb_path(wh), "SELECT file_name FROM marts.rpt_document_summary "
                                                      "WHERE status = 'loaded'")}
    expected = {n for n, (_, outcome, *_r) in CORPUS.items() if outcome != QUARANTINED}
    expected |= {n for n in HOSTILE_NAMES if n.endswith(".txt")} | {GOOD_SEED.name}
    assert loaded == expected


def test_input_folder_is_untouched(bad_batch):
    _, inbox, _, before = bad_batch
    assert snapshot(inbox) == before


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_file_outcome_and_reason(bad_batch, name):
    result, _, wh, _ = bad_batch
    build, outcome, reason, event_kind = CORPUS[name]
    document_id = hashlib.sha256(build()).hexdigest()
    ((file_name, status, error),) = read_rows(
        duckdb_path(wh), "SELECT file_name, status, error FROM raw.documents WHERE document_id = ?", [document_id])
    if file_name != name:  # the same bytes under two names are one document (zero-bytes.pdf / .txt)
        assert name in result.duplicates[document_id]
        name = file_name
    if outcome == QUARANTINED:
        assert status == "quarantined"
        assert re.search(reason, error), error
        kept = list((wh / "quarantine").glob(f"*.{document_id[:12]}*.reason.json"))
        assert len(kept) == 1, kept
        on_disk = json.loads(kept[0].read_text("utf-8"))
        assert on_disk["reason"] == error and on_disk["file_name"] == name
        assert error.startswith(f"{name}: ")
        copy = kept[0].with_name(kept[0].name[: -len(".reason.json")])
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == document_id, "the kept copy holds the original bytes"
    else:
        assert (status, error) == ("loaded", None)
        kinds = {k for (k,) in read_rows(duckdb_path(wh), "SELECT kind FROM raw.parse_events WHERE document_id = ?",
                                      [document_id])}
        if outcome == WARNINGS:
            assert event_kind in kinds


def test_sql_quotes_and_emoji_round_trip_exactly(bad_batch):
    _, _, wh, _ = bad_batch
    db = duckdb_path(wh)
    assert read_rows(db, "SELECT project_name FROM raw.budget_lines WHERE project_name = ?",
                 [SQL_EMOJI_PROJECT]) == [(SQL_EMOJI_PROJECT,)]
    assert read_rows(db, "SELECT project_name FROM marts.dim_project WHERE project_name = ?",
                 [SQL_EMOJI_PROJECT]) == [(SQL_EMOJI_PROJECT,)]
    assert read_rows(db, "SELECT count(*) FROM raw.documents")[0][0] > 0, "DROP TABLE in a name did nothing"
    serving = wh / "serving.duckdb"
    assert read_rows(serving, "SELECT project_name FROM marts.dim_project WHERE project_name = ?",
                 [SQL_EMOJI_PROJECT]) == [(SQL_EMOJI_PROJECT,)]


def test_unreconciled_document_is_quarantined_with_the_differences(bad_batch):
    """The parser records each difference; the GX gate quarantines a document whose subtotals are off by more
    than a cent (rounding in the source, like seed 003's 0.01, only warns)."""
    _, _, wh, _ = bad_batch
    ((document_id, status),) = read_rows(duckdb_path(wh), "SELECT document_id, status FROM raw.documents WHERE file_name = ?",
                                     ["unreconciled.txt"])
    assert status == "quarantined"
    details = [d for (d,) in read_rows(duckdb_path(wh), "SELECT detail FROM raw.parse_events WHERE document_id = ? "
                                                    "AND kind = 'reconciliation_difference' ORDER BY event_no", [document_id])]
    assert any("999.00" in d and "150.00" in d for d in details), details
    assert read_rows(duckdb_path(wh), "SELECT count(*) FROM marts.fct_project_budget WHERE document_id = ?", [document_id]) == [(0,)]


def test_duplicate_project_is_recorded_and_kept_out_of_the_marts(bad_batch):
    _, _, wh, _ = bad_batch
    ((document_id,),) = read_rows(duckdb_path(wh), "SELECT document_id FROM raw.documents WHERE file_name = ?",
                              ["duplicate-project.txt"])
    kinds = {k for (k,) in read_rows(duckdb_path(wh), "SELECT kind FROM raw.parse_events WHERE document_id = ?", [document_id])}
    assert "duplicate_project_in_unit" in kinds
    rows = read_rows(duckdb_path(wh), "SELECT project_name FROM raw.budget_lines WHERE document_id = ? "
                                  "AND line_type = 'project' ORDER BY 1", [document_id])
    assert [r[0] for r in rows] == ["办公设备购置", "培训经费", "培训经费"], "both rows are kept in staging for diagnosis"
    assert read_rows(duckdb_path(wh), "SELECT count(*) FROM marts.fct_project_budget WHERE department = '广州市重复局'") == [(0,)]


def test_hostile_file_names_stay_inside_the_warehouse(bad_batch):
    _, _, wh, _ = bad_batch
    db = duckdb_path(wh)
    names = {r[0]: r[1] for r in read_rows(db, "SELECT file_name, status FROM raw.documents")}
    for name in HOSTILE_NAMES:
        assert name in names, name
    assert names["x..%2F..%2Fescape'; DROP TABLE x;--.pdf"] == "quarantined"
    for kept in (wh / "quarantine").iterdir():
        assert kept.resolve().parent == (wh / "quarantine").resolve()
    assert not list(wh.parent.glob("escape*")) and not list(wh.glob("escape*"))


# --------------------------------------------------------------------------
# Drop inbox: the sensor keeps going, files are moved, nothing is lost
# --------------------------------------------------------------------------

DROPPED = ["photo.pdf", "truncated.pdf", "encrypted-user-password.pdf", "zero-bytes.txt", "duplicate-project.txt"]


def test_sensor_keeps_going_and_loses_nothing(tmp_path):
    warehouse = WarehouseResource(warehouse_dir=str(tmp_path / "wh"), inbox_dir=str(tmp_path / "inbox"),
                                  settle_seconds=0.5)
    inbox = Path(warehouse.inbox_dir)
    inbox.mkdir()
    (tmp_path / "home").mkdir()
    driver = SensorDriver(build_definitions(warehouse), dg.DagsterInstance.local_temp(str(tmp_path / "home")))
    dropped = {}
    for name in DROPPED:
        data = CORPUS[name][0]()
        (inbox / name).write_bytes(data)
        dropped[name] = hashlib.sha256(data).hexdigest()
    data = GOOD_SEED.read_bytes()
    (inbox / GOOD_SEED.name).write_bytes(data)
    dropped[GOOD_SEED.name] = hashlib.sha256(data).hexdigest()
    old = time.time() - 60
    for p in inbox.iterdir():
        os.utime(p, (old, old))
    results = driver.tick()  # not written to for longer than the settle window: read on first sight
    assert results and all(r.success for r in results)
    assert list(inbox.iterdir()) == [], "every dropped file was moved out of the inbox"
    kept = snapshot(Path(warehouse.warehouse_dir))
    kept_hashes = {h for path, h in kept.items() if path.startswith(("archive/", "quarantine/"))
                   and not path.endswith(".reason.json")}
    assert set(dropped.values()) <= kept_hashes, "every dropped file's bytes are kept"
    statuses = dict(read_rows(Path(warehouse.duckdb_path), "SELECT file_name, status FROM raw.documents"))
    assert statuses == {n: ("quarantined" if CORPUS.get(n, (0, "loaded"))[1] == QUARANTINED else "loaded")
                        for n in dropped}
    # the next drop is processed as usual
    again = inbox / "later.txt"
    again.write_bytes(CORPUS["gbk.txt"][0]())
    os.utime(again, (old, old))
    assert all(r.success for r in driver.tick())
    assert dict(read_rows(Path(warehouse.duckdb_path), "SELECT file_name, status FROM raw.documents "
                                                   "WHERE file_name = 'later.txt'")) == {"later.txt": "loaded"}
