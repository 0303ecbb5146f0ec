"""The benchmark corpus is internally consistent; parallel parsing gives the sequential results, in order.

No timing is asserted anywhere (the machine is shared): ``make bench`` reports numbers.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from devtools.corpus import _seed_documents, synthetic_document
from devtools.render_pdf import render_document
from orchestration.ingestion.reading import read_and_parse
from orchestration.ingestion import parallel
from orchestration.ingestion.parallel import ParseJob, Progress, configured_workers, parse_files
from orchestration.parsing import parse_document
from orchestration.parsing.records import AMOUNT_FIELDS

from ..conftest import SAMPLES_DIR, SEED_FILES


@pytest.fixture(scope="module")
def seeds():
    return _seed_documents(SAMPLES_DIR)


def _children_sums(doc):
    """(parent line, column) → (parent amount, sum of its children) for units and the 合计 row."""
    lines = doc.budget_lines
    pairs = []
    units = [i for i, b in enumerate(lines) if b.line_type == "spending_unit"]
    for k, i in enumerate(units):
        end = units[k + 1] if k + 1 < len(units) else len(lines)
        pairs.append((lines[i], lines[i + 1:end]))
    pairs.append((lines[0], [lines[i] for i in units]))
    for parent, children in pairs:
        for f in AMOUNT_FIELDS:
            present = [getattr(c, f) for c in children if getattr(c, f) is not None]
            yield parent, f, getattr(parent, f), (sum(present, Decimal("0")) if present else None)


@pytest.mark.parametrize("n", [0, 7, 123, 219, 700])
def test_synthetic_documents_reconcile_exactly(seeds, n):
    doc = synthetic_document(n, seeds)
    assert doc.budget_lines[0].line_type == "department_total"
    assert doc.project_count >= 1 and doc.spending_unit_count >= 1
    for parent, column, amount, children in _children_sums(doc):
        assert amount == children, (parent.line_no, column)
    assert doc.department in doc.title and str(doc.fiscal_year) in doc.title


def test_synthetic_documents_have_distinct_keys(seeds):
    keys = {(d.department, d.fiscal_year) for d in (synthetic_document(n, seeds) for n in range(600))}
    assert len(keys) == 600


def test_synthetic_pdf_parses_back_to_the_same_records(seeds):
    doc = synthetic_document(4, seeds)  # a short one (a few pages)
    parsed = parse_document(render_document(doc, "landscape-grid-cid"), "bench.pdf")
    assert (parsed.department, parsed.fiscal_year) == (doc.department, doc.fiscal_year)
    assert [(b.line_type, b.spending_unit, b.project_name, *(getattr(b, f) for f in AMOUNT_FIELDS))
            for b in parsed.budget_lines] == \
           [(b.line_type, b.spending_unit, b.project_name, *(getattr(b, f) for f in AMOUNT_FIELDS))
            for b in doc.budget_lines]
    assert [i.raw_text for i in parsed.indicators] == [i.raw_text for i in doc.indicators]
    assert not [e for e in parsed.events if e.kind == "reconciliation_difference"]


def test_parse_files_in_a_pool_equals_in_process_and_keeps_order():
    jobs = [ParseJob(read_and_parse(p).registration.document_id, p) for p in SEED_FILES]
    sequential = [(job, result) for job, result in parse_files(jobs, workers=1)]
    pooled = [(job, result) for job, result in parse_files(jobs, workers=2)]
    assert [job for job, _ in pooled] == jobs
    for (_, a), (_, b) in zip(sequential, pooled):
        assert a.registration == b.registration
        assert a.parsed == b.parsed


def test_parse_files_with_a_small_window_still_yields_every_job_in_order(monkeypatch):
    """At most workers × AHEAD_PER_WORKER documents are parsed ahead; the window refills as results are taken."""
    monkeypatch.setattr(parallel, "AHEAD_PER_WORKER", 1)  # window of 2 for 2 workers, 5+ jobs
    jobs = [ParseJob(read_and_parse(p).registration.document_id, p) for p in SEED_FILES]
    assert len(jobs) > 2
    pooled = list(parse_files(jobs, workers=2))
    assert [job for job, _ in pooled] == jobs
    assert [r.registration.document_id for _, r in pooled] == [j.document_id for j in jobs]
    assert all(r.parsed is not None for _, r in pooled)


def test_a_changed_file_is_reported_not_raised(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(SEED_FILES[0].read_bytes())
    results = list(parse_files([ParseJob("0" * 64, path), ParseJob("1" * 64, path)], workers=2))
    assert all(isinstance(r, RuntimeError) and "changed after it was listed" in str(r) for _, r in results)


def test_configured_workers(monkeypatch):
    monkeypatch.delenv("PARSE_WORKERS", raising=False)
    assert configured_workers() >= 1
    monkeypatch.setenv("PARSE_WORKERS", "3")
    assert configured_workers() == 3
    assert configured_workers(1) == 1
    monkeypatch.setenv("PARSE_WORKERS", "0")
    with pytest.raises(ValueError):
        configured_workers()


def test_progress_line():
    progress = Progress(total_documents=4, total_bytes=400)
    assert "?" in progress.line()
    progress.add(pages=10, byte_size=100)
    line = progress.line()
    assert line.startswith("staged 1/4 documents (25%), 10 pages,") and line.endswith("left")


def test_bench_parts_are_validated():
    from devtools.bench import BENCH_PARTS, selected_parts

    assert selected_parts("") == BENCH_PARTS
    assert selected_parts(" throughput ") == ("throughput",)
    with pytest.raises(ValueError, match="unknown BENCH_PARTS"):
        selected_parts("throughput,speed")


def test_parse_pool_always_uses_a_pool_for_one_worker_with_the_same_results(monkeypatch):
    jobs = [ParseJob(read_and_parse(p).registration.document_id, p) for p in SEED_FILES[:2]]
    monkeypatch.setenv("PARSE_POOL", "always")
    assert parallel.pool_always()
    pooled = list(parse_files(jobs, workers=1))
    monkeypatch.setenv("PARSE_POOL", "auto")
    here = list(parse_files(jobs, workers=1))
    assert [(j, r.parsed) for j, r in pooled] == [(j, r.parsed) for j, r in here]
    monkeypatch.setenv("PARSE_POOL", "sometimes")
    with pytest.raises(ValueError, match="PARSE_POOL"):
        parallel.pool_always()
