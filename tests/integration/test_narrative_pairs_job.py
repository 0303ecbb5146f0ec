"""A prose-only 部门预算 (情况说明) and the tables file of its department and year, through the main job (issue 26).

``北京_城市副中心工程建设管理办公室_2026_部门预算情况说明.pdf`` has no table: it was quarantined ("no ruled table
found on any of the 7 pages"). It is now registered as a ``budget_narrative`` with the headline figures its
sentences state, and ``marts.rpt_narrative_vs_tables`` sets each beside the same figure of the 部门预算报表:
the totals and the “三公” total agree; the 说明 states 公务接待费 1.45 万元 where 预算09表 prints 1.443252 万元
(stored 1.44): a difference between the two publications, listed with both pages.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tests.bundles import REALDOCS
from tests.pipeline import query

pytestmark = pytest.mark.slow

NOTE = "北京_城市副中心工程建设管理办公室_2026_部门预算情况说明.pdf"
TABLES = "北京_城市副中心工程建设管理办公室_2026_部门预算报表.pdf"


@pytest.fixture(scope="module")
def warehouse(guangzhou_beijing_run):
    """The two documents, in the session's run that the 广州 2026 and review-queue modules read too
    (``tests/shared_runs.py``: the two 广州 PDFs and an empty file are there as well)."""
    files = [REALDOCS / "beijing" / NOTE, REALDOCS / "beijing" / TABLES]
    if not all(path.is_file() for path in files):
        pytest.skip(f"the two real documents are not in {REALDOCS / 'beijing'}")
    return guangzhou_beijing_run


def test_the_note_is_registered_not_quarantined(warehouse):
    result, wh = warehouse
    assert result.success and result.blocking_failures() == []
    rows = {r[0]: r[1:] for r in query(wh, "SELECT file_name, status, doc_type, layout, department, fiscal_year, error "
                                           "FROM raw.documents")}
    assert rows[NOTE] == ("registered", "budget_narrative", "pdf_narrative", "北京城市副中心工程建设管理办公室", 2026, None)
    assert rows[TABLES][:2] == ("loaded", "budget_disclosure")
    # neither is quarantined (the shared run's empty.pdf is, tests/shared_runs.py)
    assert not [p for p in (wh / "quarantine").glob("*.reason.json") if p.name.startswith((NOTE[:-4], TABLES[:-4]))]
    assert query(wh, "SELECT stage, scope FROM raw.disclosures JOIN raw.documents USING (document_id) WHERE file_name = ?",
                 [NOTE]) == [("budget", "department")]


def test_the_figures_are_in_the_warehouse(warehouse):
    _, wh = warehouse
    figures = query(wh, """SELECT measure, fund_type, amount_as_printed, unit, amount_yuan, source_page
                           FROM stg.stg_narrative_figures JOIN raw.documents USING (document_id)
                           WHERE file_name = ? ORDER BY figure_no""", [NOTE])
    # p3 ``2026 年度收入预算 30939.12 万元``; p6 ``2026 年财政拨款“三公”经费预算 44.80 万元``
    assert figures[0] == ("income_total", None, D("30939.12"), "万元", D("309391200.00"), 3)
    assert ("three_public_total", "fiscal_appropriation", D("44.80"), "万元", D("448000.00"), 6) in figures
    assert ("administrative_operating", "fiscal_appropriation", D("186.51"), "万元", D("1865100.00"), 6) in figures


def test_the_pair_report_compares_the_note_with_the_tables(warehouse):
    _, wh = warehouse
    rows = query(wh, """SELECT measure, narrative_amount_yuan, narrative_page, tables_file_name, tables_amount_yuan,
                               tables_page, comparison
                        FROM marts.rpt_narrative_vs_tables ORDER BY figure_no""")
    by_measure = {r[0]: r[1:] for r in rows}
    # 收入总计 30,939.116470 万元 on 预算01表 收支总表 (p1), stated 30,939.12 万元 in the 说明: equal at the
    # precision the prose prints (the table's six decimals are kept exactly since raw amounts are DECIMAL(24,6))
    assert by_measure["income_total"] == (D("309391200.00"), 3, TABLES, D("309391164.70"), 1, "equal")
    assert by_measure["expenditure_total"] == (D("309391200.00"), 5, TABLES, D("309391164.70"), 1, "equal")
    # 预算09表 财政拨款“三公”经费支出表 (p9): 44.796055 | 43.352803 | 1.443252 万元; the 说明 states 44.80, 43.35, 1.45
    assert by_measure["three_public_total"] == (D("448000.00"), 6, TABLES, D("447960.55"), 9, "equal")
    assert by_measure["outbound_travel"] == (D("433500.00"), 6, TABLES, D("433528.03"), 9, "equal")
    reception = by_measure["official_reception"]  # 1.443252 rounds to 1.44, not 1.45: a real difference
    assert (reception[0], reception[1], reception[3], reception[4], reception[5]) == (
        D("14500.00"), 6, D("14432.52"), 9, "differs")
    assert {r[-1] for r in rows} <= {"equal", "differs", "not_in_tables"}
