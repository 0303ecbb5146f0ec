"""The Python that reads the marts writes portable SQL (issue 17): no DuckDB-only syntax, so the
marts can move to another adapter (docs/scaling.md) without touching their readers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

#: DuckDB-only constructs (another adapter spells them differently or not at all).
DUCKDB_ONLY = re.compile(r"GROUP\s+BY\s+ALL|\bUNPIVOT\b|\bPIVOT\b|\bleft\s*\(|\blist_\w+\s*\(|\bstring_agg\s*\(|::|\bQUALIFY\b",
                         re.IGNORECASE)

#: Modules whose SQL reads only the marts (the run summary, the report's charts, the dashboard).
MART_READERS = ["orchestration/summary.py", *sorted(str(p.relative_to(REPO)) for p in (REPO / "orchestration" / "reporting").glob("*.py"))]


def _sql_strings(source: str) -> list[str]:
    """Every string literal of the module (SQL is built from fragments, so all of them)."""
    literals = re.findall(r'"""(.*?)"""|"((?:[^"\\\n]|\\.)*)"', source, re.S)
    return [a or b for a, b in literals]


@pytest.mark.parametrize("module", MART_READERS)
def test_mart_readers_write_portable_sql(module):
    source = (REPO / module).read_text(encoding="utf-8")
    offending = [s for s in _sql_strings(source) if DUCKDB_ONLY.search(s)]
    assert offending == []


def test_marts_suites_write_portable_sql():
    from orchestration.quality.suites import SUITES

    marts_suites = {name: spec for name, spec in SUITES.items() if spec.scope == "marts"}
    assert marts_suites
    for name, spec in marts_suites.items():
        sql, _ = spec.sql(None)
        assert not DUCKDB_ONLY.search(sql), (name, DUCKDB_ONLY.search(sql).group(0))


def test_marts_suites_scoped_to_a_run_are_portable_but_for_the_document_filter():
    """A document's run scopes the marts suites to its documents (issue 29) with suites._doc_filter, nothing else."""
    from orchestration.quality.suites import SUITES, _in_documents

    for name, spec in SUITES.items():
        if spec.scope != "marts":
            continue
        sql, params = spec.sql(["x"])
        assert sql.count("?") == len(params), name
        for alias in ("sd", "c"):
            sql = sql.replace(_in_documents(alias), "")
        assert not DUCKDB_ONLY.search(sql), (name, DUCKDB_ONLY.search(sql).group(0))


def test_document_suites_are_portable_but_for_the_document_filter():
    """The document suites read the raw schema (DuckDB); their only DuckDB-only SQL is suites._doc_filter."""
    from orchestration.quality.suites import SUITES, _doc_filter

    document_filter, _ = _doc_filter("d", ["x"])
    document_suites = {name: spec for name, spec in SUITES.items() if spec.scope == "document"}
    assert document_suites
    for name, spec in document_suites.items():
        sql, _ = spec.sql(["x"])
        assert document_filter in sql, name
        rest = sql.replace(document_filter, "")
        assert not DUCKDB_ONLY.search(rest), (name, DUCKDB_ONLY.search(rest).group(0))
