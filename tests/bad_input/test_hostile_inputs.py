"""Issue 18, hostile inputs: each case built here in a temporary folder and run through the real code.

Parse pool (real worker processes, real pdfminer), registration, reading and
quarantine (real files), staging (real DuckDB). The whole-batch run with
every case at once is ``test_hostile_batch.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.ingestion.filing import Destinations
from orchestration.ingestion.inbox import scan_folder
from orchestration.ingestion.ingest import ingest_file, stage_parsed
from orchestration.ingestion.reading import ParsedFile, read_and_parse, register
from orchestration.ingestion.parallel import ParseJob, ParseLimits, parse_files
from orchestration.parsing.records import BudgetLine, ParsedDocument
from orchestration.ingestion.loading import connect
from tests.bad_input.corpus import good_tsv, random_bytes
from tests.bad_input.hostile import (
    NOT_UTF8_NAME,
    amounts_tsv,
    corrupted_flate_pdf,
    indicator_number_tsv,
    reference_loop_pdf,
)
from tests.conftest import SAMPLES_DIR, read_rows


def _job(path: Path) -> ParseJob:
    return ParseJob(hashlib.sha256(path.read_bytes()).hexdigest(), path)


def _destinations(wh: Path) -> Destinations:
    return Destinations(wh / "archive", wh / "quarantine", move_processed=False)


# 1 -------------------------------------------------------------------------


def test_1_reference_loop_and_corrupt_flate_are_ended_at_the_time_limit_and_the_others_parse(tmp_path):
    loop, flate = tmp_path / "loop.pdf", tmp_path / "flate.pdf"
    loop.write_bytes(reference_loop_pdf())
    flate.write_bytes(corrupted_flate_pdf(200))
    good = tmp_path / "good.txt"
    good.write_bytes((SAMPLES_DIR / "004_1eb0d3f2a58e12d2.txt").read_bytes())
    limits = ParseLimits(seconds=4, seconds_per_mb=0, memory_mb=2048)
    started = time.perf_counter()
    results = {job.path.name: result for job, result in parse_files([_job(loop), _job(flate), _job(good)], 2, limits)}
    elapsed = time.perf_counter() - started
    assert elapsed < 30, f"the batch took {elapsed:.0f} s: a parse was not ended at its limit"
    for name in ("loop.pdf", "flate.pdf"):
        item = results[name]
        assert isinstance(item, ParsedFile) and item.parsed is None, item
        assert "time limit of 4 s" in item.error and item.error.startswith(f"{name}: "), item.error
        assert "PARSE_TIMEOUT_S" in item.error
        assert item.data == (tmp_path / name).read_bytes(), "the bytes are kept for the quarantine copy"
    assert results["good.txt"].status == "loaded"
    assert results["good.txt"].peak_memory_bytes and results["good.txt"].parse_seconds is not None


def test_1_a_parse_over_its_memory_limit_is_stopped_with_the_limit_named(tmp_path):
    flate = tmp_path / "flate.pdf"
    flate.write_bytes(corrupted_flate_pdf(200))
    good = tmp_path / "good.txt"
    good.write_text(good_tsv(), "utf-8")
    limits = ParseLimits(seconds=120, seconds_per_mb=0, memory_mb=300)
    results = {job.path.name: r for job, r in parse_files([_job(flate), _job(good)], 2, limits)}
    assert results["flate.pdf"].parsed is None
    assert "memory limit of 300 MB" in results["flate.pdf"].error, results["flate.pdf"].error
    assert "PARSE_MEMORY_MB" in results["flate.pdf"].error
    assert results["good.txt"].status == "loaded"


def test_1_a_single_document_is_bounded_too(tmp_path):
    """One document (the sensor's usual run) also parses in a bounded worker, not in the writer process."""
    loop = tmp_path / "loop.pdf"
    loop.write_bytes(reference_loop_pdf())
    started = time.perf_counter()
    ((_, item),) = list(parse_files([_job(loop)], 1, ParseLimits(seconds=3, seconds_per_mb=0)))
    assert time.perf_counter() - started < 20
    assert "time limit of 3 s" in item.error


# 2 -------------------------------------------------------------------------


def test_2_a_file_name_that_is_not_utf8_is_stored_readably_and_keeps_its_reason(tmp_path):
    inbox, wh = tmp_path / "in", tmp_path / "wh"
    inbox.mkdir()
    bad = inbox / NOT_UTF8_NAME
    bad.write_bytes(random_bytes(500, seed=2))
    good_name = os.fsdecode(b"good\xe9.txt")
    (inbox / good_name).write_text(good_tsv(), "utf-8")
    with connect(wh / "w.duckdb") as con:
        outcomes = [ingest_file(con, path, _destinations(wh)) for path in scan_folder(inbox).files]
    assert [(o.registration.file_name, o.status) for o in outcomes] == [
        (r"bad\xff\xfe.txt", "quarantined"), (r"good\xe9.txt", "loaded")]
    assert outcomes[0].error.startswith(r"bad\xff\xfe.txt: ")
    (reason_file,) = (wh / "quarantine").glob("*.reason.json")
    assert json.loads(reason_file.read_text("utf-8"))["file_name"] == r"bad\xff\xfe.txt"
    assert reason_file.with_name(reason_file.name.removesuffix(".reason.json")).read_bytes() == bad.read_bytes()
    assert read_rows(wh / "w.duckdb", "SELECT file_name FROM raw.documents ORDER BY 1") == [
        (r"bad\xff\xfe.txt",), (r"good\xe9.txt",)]


# 3 -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "text", "reason"), [
    ("amount-1e16.txt", amounts_tsv("10000000000000000.00"), r"amount_total is 10,000,000,000,000,000\.00, too large"),
    ("amount-max.txt", amounts_tsv("99999999999999999.99"), r"too large to be a budget amount"),
    ("indicator-2e31.txt", indicator_number_tsv("2147483648"), r"seq_as_written is 2147483648, beyond the largest"),
    ("indicator-99999999999.txt", indicator_number_tsv(), r"seq_as_written is 99999999999"),
])
def test_3_numbers_beyond_the_column_types_quarantine_only_their_document(tmp_path, name, text, reason):
    inbox, wh = tmp_path / "in", tmp_path / "wh"
    inbox.mkdir()
    (inbox / name).write_text(text, "utf-8")
    (inbox / "z-good.txt").write_text(good_tsv(), "utf-8")
    with connect(wh / "w.duckdb") as con:
        outcomes = {p.name: ingest_file(con, p, _destinations(wh)) for p in scan_folder(inbox).files}
    assert outcomes[name].status == "quarantined"
    assert re.search(reason, outcomes[name].error), outcomes[name].error
    assert outcomes["z-good.txt"].status == "loaded"
    assert read_rows(wh / "w.duckdb", "SELECT count(*) FROM raw.budget_lines") == [(4,)]


def test_3_the_largest_storable_amount_loads(tmp_path):
    (tmp_path / "max.txt").write_text(amounts_tsv("9999999999999999.99"), "utf-8")
    with connect(tmp_path / "w.duckdb") as con:
        outcome = ingest_file(con, tmp_path / "max.txt", _destinations(tmp_path / "wh"))
    assert outcome.status == "loaded", outcome.error
    assert read_rows(tmp_path / "w.duckdb", "SELECT max(amount_total) FROM raw.budget_lines") == [
        (Decimal("9999999999999999.99"),)]


def test_3_a_value_duckdb_refuses_quarantines_that_document_and_staging_goes_on(tmp_path):
    """The writer's safety net: a record the parser let through but DuckDB refuses does not abort the others."""
    path = tmp_path / "x.txt"
    path.write_text("x", "utf-8")
    parsed = ParsedDocument("project_targets", "tab_separated", None, "甲局", 2024, budget_lines=[
        BudgetLine(1, "department_total", None, None, amount_total=Decimal("1e20"))])
    item = ParsedFile(path, b"x", register(path, b"x"), parsed, None)
    wh = tmp_path / "wh"
    with connect(wh / "w.duckdb") as con:
        outcome = stage_parsed(con, item, _destinations(wh))
        good = tmp_path / "good.txt"
        good.write_text(good_tsv(), "utf-8")
        assert ingest_file(con, good, _destinations(wh)).status == "loaded"
    assert outcome.status == "quarantined"
    assert "the warehouse refused to store it" in outcome.error
    assert list((wh / "quarantine").glob("*.reason.json"))


# 4 -------------------------------------------------------------------------


@pytest.mark.parametrize("length", [75, 79, 80, 83])
def test_4_long_chinese_names_are_quarantined_with_copy_and_reason(tmp_path, length):
    name = ("广州市财政局部门预算项目支出绩效目标表" * 10)[:length] + ".txt"
    assert len(name.encode()) <= 255
    inbox, wh = tmp_path / "in", tmp_path / "wh"
    inbox.mkdir()
    (inbox / name).write_bytes(random_bytes(800, seed=length))
    with connect(wh / "w.duckdb") as con:
        outcome = ingest_file(con, inbox / name, _destinations(wh))
    assert outcome.status == "quarantined"
    kept = sorted(p.name for p in (wh / "quarantine").iterdir())
    assert len(kept) == 2 and kept[1] == kept[0] + ".reason.json", kept
    assert all(len(k.encode()) <= 255 for k in kept)
    assert json.loads((wh / "quarantine" / kept[1]).read_text("utf-8"))["file_name"] == name


# 10 ------------------------------------------------------------------------


def test_10_a_file_over_its_size_limit_is_refused_before_it_is_read(tmp_path):
    import resource

    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:
        handle.truncate(300 * 2**20)  # sparse: no disk used
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    item = read_and_parse(huge)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100, f"the 300 MB file was read into memory (+{grown_mb:.0f} MB)"
    assert item.data is None and item.parsed is None
    assert "too large to read: 300.0 MiB, over the limit of 16 MiB for a text extract" in item.error
    wh = tmp_path / "wh"
    with connect(wh / "w.duckdb") as con:
        outcome = stage_parsed(con, item, _destinations(wh))
    assert outcome.status == "quarantined"
    (reason,) = (wh / "quarantine").glob("*.reason.json")
    assert json.loads(reason.read_text("utf-8"))["copy_kept"] is False
    assert read_rows(wh / "w.duckdb", "SELECT byte_size FROM raw.documents") == [(300 * 2**20,)]


# 14 ------------------------------------------------------------------------


def test_14_three_decimals_are_rounded_with_an_event_that_keeps_the_printed_value(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text(amounts_tsv("150.005"), "utf-8")
    with connect(tmp_path / "w.duckdb") as con:
        outcome = ingest_file(con, path, _destinations(tmp_path / "wh"))
    assert outcome.status == "loaded"
    db = tmp_path / "w.duckdb"
    assert read_rows(db, "SELECT DISTINCT amount_total FROM raw.budget_lines") == [(Decimal("150.01"),)]
    details = [d for (d,) in read_rows(db, "SELECT detail FROM raw.parse_events WHERE kind = 'amount_rounded'")]
    assert len(details) == 6, details  # 总计 and 财政拨款 of the three rows
    assert all("printed as 150.005" in d and "stored as 150.01" in d for d in details)

