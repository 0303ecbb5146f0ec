"""Issue 18, the whole hostile corpus in one batch with two good documents, through `make run`.

One ``make run INBOX=… WAREHOUSE_DIR=…`` (the real Makefile, CLI, Dagster,
DuckDB, dbt, GX) over a folder holding every hostile case of
``tests/bad_input/hostile.py`` plus two bundled samples. The batch must end
in bounded time with exit status 0; the good documents load and reach the
serving file; every hostile entry has a row (``raw.documents``) or a
"not read" line and reason file, each with its reason; nothing outside the
inbox is read; the inbox is unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from tests.bad_input.hostile import OUTSIDE_MARKER, build_hostile_inbox, unmount_all
from tests.conftest import REPO_ROOT, SAMPLES_DIR, read_rows

GOOD = ["004_1eb0d3f2a58e12d2.txt", "000_26deb59209c0fd2c.pdf"]
#: Bound of the whole batch (two parses of PARSE_TIMEOUT_S=20 s run side by side, dbt, GX, publish) on a loaded 2-core machine.
MAX_SECONDS = 480


def _snapshot(folder: Path) -> dict[str, str]:
    """Entry name → what it is: hash of a regular file, link target, or its kind (nothing is followed)."""
    out = {}
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        mode = entry.stat(follow_symlinks=False).st_mode
        if stat.S_ISLNK(mode):
            out[entry.name] = "link:" + os.readlink(entry.path)
        elif os.path.ismount(entry.path):
            out[entry.name] = "mount"
        elif stat.S_ISREG(mode):
            digest = hashlib.sha256()
            with open(entry.path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            out[entry.name] = digest.hexdigest() + f":{entry.stat(follow_symlinks=False).st_mtime_ns}"
        else:
            out[entry.name] = f"mode:{stat.S_IFMT(mode)}"
    return out


@pytest.mark.slow
def test_hostile_batch_with_two_good_documents(tmp_path):
    inbox, outside, wh = tmp_path / "inbox", tmp_path / "outside", tmp_path / "warehouse"
    expected = build_hostile_inbox(inbox, outside)
    try:
        for name in GOOD:
            shutil.copy(SAMPLES_DIR / name, inbox / name)
        before = _snapshot(inbox)
        env = {**os.environ, "PARSE_TIMEOUT_S": "20"}
        env.pop("DAGSTER_HOME", None)
        started = time.perf_counter()
        done = subprocess.run(["make", "--no-print-directory", "run", f"INBOX={inbox}", f"WAREHOUSE_DIR={wh}"],
                              cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=MAX_SECONDS + 120)
        elapsed = time.perf_counter() - started
        output = done.stdout + done.stderr
        assert done.returncode == 0, output[-4000:]
        assert elapsed < MAX_SECONDS, f"the batch took {elapsed:.0f} s"
        assert _snapshot(inbox) == before, "the inbox was changed"
    finally:
        unmount_all(inbox)

    db = wh / "warehouse.duckdb"
    documents = {name: (status, error, source) for name, status, error, source in
                 read_rows(db, "SELECT file_name, status, error, source_path FROM raw.documents")}
    not_read = {}
    for reason_file in (wh / "quarantine" / "not-read").glob("*.reason.json"):
        entry = json.loads(reason_file.read_text("utf-8"))
        not_read[entry["file_name"]] = entry["reason"]
    flat_output = " ".join(output.split())
    for name, want in expected.items():
        if want.status == "not read":
            assert name in not_read, f"{want.case}: {name} left no trace"
            assert re.search(want.reason, not_read[name]), not_read[name]
            assert f"not read: {name}:" in flat_output, f"{name} is not listed in the run's output"
            assert name not in documents
        else:
            status, error, _source = documents[name]
            if want.status == "loaded":
                assert (status, error) == ("loaded", None), (name, error)
                (kinds,) = read_rows(db, f"SELECT list(kind) FROM raw.parse_events e JOIN raw.documents d "
                                     f"USING (document_id) WHERE d.file_name = '{name}'")[0]
                assert re.search(want.reason, " ".join(kinds or [])), kinds
            else:
                assert status == "quarantined", (name, status)
                assert re.search(want.reason, error), error
                assert error.startswith(f"{name}: ")
                assert f"quarantined: {name}: " in flat_output, f"{name}: the run does not show its reason"
                assert list((wh / "quarantine").glob(f"*.{_id(db, name)[:12]}*.reason.json")), f"{name}: no reason file"
    for name in GOOD:
        assert documents[name][:2] == ("loaded", None)
    served = {n for (n,) in read_rows(wh / "serving.duckdb", "SELECT file_name FROM marts.rpt_document_summary "
                                                         "WHERE status = 'loaded'")}
    assert set(GOOD) <= served

    # nothing outside the inbox was read: no document came from outside, no byte of a link target was kept
    assert all(source.startswith(str(inbox)) for _s, _e, source in documents.values())
    kept = b"".join(p.read_bytes() for p in wh.rglob("*") if p.is_file() and ".dagster" not in p.parts)
    assert b"root:x:0:0" not in kept and OUTSIDE_MARKER.encode() not in kept


def _id(db: Path, name: str) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT document_id FROM raw.documents WHERE file_name = ?", [name]).fetchone()[0]
    finally:
        con.close()
