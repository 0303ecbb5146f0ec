"""The report at any size (issue 29): 12,000 rows in the marts it reads, every chart still drawn.

The issue's failure: with 1,000 documents ``rpt_spending_by_source`` held 12,000 rows, Altair
raised ``MaxRowsError`` (more than 5,000) and the run failed. Here the serving database of the
session's real run over the seeds (``seeded_warehouse``) is multiplied with SQL
(``tests/scale.py``: 250 copies of every row, names suffixed), the report is built from it, and
each chart shows the top N with the rest summed into one "其他" row: the amounts drawn add up to
the mart's total.
"""

from __future__ import annotations

import time

import dagster as dg
import duckdb
import pytest

from orchestration.reporting import charts, write_report
from orchestration.reporting.charts import CHART_MAX_ROWS, OTHERS, TOP_DEPARTMENTS, TOP_FINDINGS, TOP_UNITS
from orchestration.reporting.html import TABLE_MAX_ROWS
from tests.scale import multiply_marts

COPIES = 250
#: The marts the report reads.
REPORT_TABLES = ("rpt_spending_by_source", "rpt_largest_projects", "rpt_indicator_quality", "rpt_document_status",
                 "rpt_reconciliation_findings", "rpt_function_spending")


@pytest.fixture
def big_serving(seeded_warehouse, tmp_path):
    result, warehouse_dir = seeded_warehouse
    assert result.success
    path = tmp_path / "serving.duckdb"
    counts = multiply_marts(warehouse_dir / "serving.duckdb", path, COPIES, REPORT_TABLES)
    assert counts["rpt_spending_by_source"] >= 12_000  # the failing size
    return path


def chart_rows(section) -> list[dict]:
    return next(iter(section.spec["datasets"].values()))


def test_report_of_12000_rows_draws_top_n_and_others(big_serving, tmp_path):
    started = time.perf_counter()
    files = write_report(big_serving, tmp_path / "out", pdf=False)
    seconds = time.perf_counter() - started
    sections = {s.key: s for s in files.sections}
    drawn = {k for k, s in sections.items() if s.spec is not None}
    assert drawn == {"spending_by_department", "spending_by_unit", "largest_projects", "indicator_quality",
                     "document_status", "reconciliation_findings"}  # no whole disclosures in the seeds
    for key in drawn:
        assert len(chart_rows(sections[key])) <= CHART_MAX_ROWS, key

    with duckdb.connect(str(big_serving), read_only=True) as con:
        total, departments, largest = con.execute(
            "SELECT sum(t), count(*), max(t) FROM "
            "(SELECT sum(amount_wan) AS t FROM marts.rpt_spending_by_source GROUP BY department)").fetchone()
        units = con.execute("SELECT count(*) FROM (SELECT DISTINCT department, spending_unit "
                            "FROM marts.rpt_spending_by_source)").fetchone()[0]
        documents, findings = con.execute(
            "SELECT (SELECT count(*) FROM marts.rpt_document_status), "
            "(SELECT count(*) FROM marts.rpt_reconciliation_findings)").fetchone()

    # departments: the top 20 by name, then one 其他 bar per funding source; every 万元 drawn once
    rows = chart_rows(sections["spending_by_department"])
    names = list(dict.fromkeys(r["department"] for r in rows))
    assert len(names) == TOP_DEPARTMENTS + 1 and names[-1] == f"{OTHERS}（{departments - TOP_DEPARTMENTS:,} 个部门）"
    assert round(sum(r["amount_wan"] for r in rows), 2) == round(float(total), 2)
    order = sections["spending_by_department"].spec["encoding"]["y"]["sort"]  # largest first, 其他 last
    assert set(order) == set(names) and order[-1] == names[-1]
    assert round(sum(r["amount_wan"] for r in rows if r["department"] == order[0]), 2) == round(float(largest), 2)
    # units: the top 25 and the rest
    unit_rows = chart_rows(sections["spending_by_unit"])
    assert len({r["spending_unit"] for r in unit_rows}) == TOP_UNITS + 1
    assert f"{OTHERS}（{units - TOP_UNITS:,} 个单位）" in {r["spending_unit"] for r in unit_rows}
    assert round(sum(r["amount_wan"] for r in unit_rows), 2) == round(float(total), 2)
    # ties (250 copies of every budget) still give 15 projects, documents are counted, findings cut to the largest
    assert len(chart_rows(sections["largest_projects"])) == charts.TOP_PROJECTS
    assert sum(r["documents"] for r in chart_rows(sections["document_status"])) == documents == 5 * COPIES
    assert len(chart_rows(sections["reconciliation_findings"])) == min(findings, TOP_FINDINGS)
    quality = {r["department_year"] for r in chart_rows(sections["indicator_quality"])}
    assert len(quality) == charts.TOP_DEPARTMENT_YEARS + 1

    # the numbers tables are cut to their first rows and say where all of them are
    text = files.html.read_text(encoding="utf-8")
    assert f"first {TABLE_MAX_ROWS:,} of {len(sections['spending_by_unit'].table):,} rows, all in marts.rpt_spending_by_source" in text
    size = files.html.stat().st_size
    print(f"report over {COPIES}× the seeds' marts: {seconds:.2f} s, {size / 1e6:.2f} MB")
    assert size < 3_000_000


def test_a_chart_over_the_cap_shows_its_table_instead(big_serving, tmp_path, monkeypatch):
    """The generic guard: a chart whose data exceed CHART_MAX_ROWS is not drawn; its numbers are, with a note."""
    monkeypatch.setattr(charts, "TOP_UNITS", 100_000)  # no aggregation left: every unit would be drawn
    with duckdb.connect(str(big_serving), read_only=True) as con:
        section = charts.spending_by_unit(con)
    assert section.spec is None and "chart not drawn" in section.note and f"{CHART_MAX_ROWS:,}" in section.note
    assert len(section.table) > CHART_MAX_ROWS and section.source == "marts.rpt_spending_by_source"


def test_a_failing_section_is_a_note_and_the_report_is_still_written(big_serving, tmp_path, monkeypatch):
    def broken(con):
        raise RuntimeError("mart changed shape")

    broken.__name__ = "broken_chart"
    monkeypatch.setattr(charts, "SECTIONS", (charts.document_status, broken))
    files = write_report(big_serving, tmp_path / "out", pdf=False)
    # the two patched sections first; the issue-27 sections (self-evaluation, comparisons, review list) follow
    assert [s.key for s in files.sections][:2] == ["document_status", "broken_chart"]
    assert files.sections[1].spec is None and "RuntimeError: mart changed shape" in files.sections[1].note
    assert "mart changed shape" in files.html.read_text(encoding="utf-8")


def test_a_failing_report_does_not_fail_the_run(tmp_path):
    """The report asset records its error; the run (whose marts are already published) succeeds."""
    from orchestration.defs.reporting.warehouse_report import warehouse_report
    from orchestration.resources import WarehouseResource

    warehouse_dir = tmp_path / "wh"
    warehouse_dir.mkdir()
    (warehouse_dir / "serving.duckdb").write_bytes(b"not a duckdb file")
    resource = WarehouseResource(warehouse_dir=str(warehouse_dir), inbox_dir=str(tmp_path / "inbox"))
    result = dg.materialize([warehouse_report], resources={"warehouse": resource}, raise_on_error=False)
    assert result.success
    metadata = result.asset_materializations_for_node("warehouse_report")[0].metadata
    assert metadata["charts"].value == 0
    assert metadata["report_error"].value.startswith("IOException") and "serving.duckdb" in metadata["report_error"].value


def test_the_summary_says_what_the_publish_step_did(seeded_warehouse):
    """``budget-etl run``'s verdict on serving.duckdb comes from the publish step's own materialization."""
    from orchestration.cli import failure_verdict

    result, warehouse_dir = seeded_warehouse
    assert result.published() and result.failed_steps() == []
    serving = warehouse_dir / "serving.duckdb"
    after = failure_verdict(False, ["warehouse_report"], True, serving)
    assert after == (f"Run failed (failed step(s): warehouse_report; see the log) after publishing: "
                     f"the marts were published to {serving}.")
    assert failure_verdict(True, ["serving_database"], False, serving) == (
        "Run failed (a blocking check failed); serving.duckdb was not replaced.")
