"""The main job over three real disclosures whose “三公”经费 tables were held back before (issue 26).

深圳 市信访局 (三公 split by fund in columns, one row per year), 珠海 市商务局 (items as rows, funds as
columns, 行政经费 beside 三公) and 江苏省人民检察院 2019 (三公、会议费、培训费, 单位 printed in a header
cell): their tables are no longer held back, and fct_three_public_expenses carries what the pages print
(read off with pdfplumber, see tests/unit/test_three_public_tables.py), in 元.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tests.bundles import REALDOCS
from tests.pipeline import query

pytestmark = pytest.mark.slow

SHENZHEN = "深圳_市信访局_2026_部门预算.pdf"
ZHUHAI = "珠海_市商务局_2026_部门预算.pdf"
JIANCHA = "江苏省人民检察院_2019年度部门预算公开.pdf"
FILES = [REALDOCS / "guangdong" / SHENZHEN, REALDOCS / "guangdong" / ZHUHAI, REALDOCS / "jiangsu" / JIANCHA]


@pytest.fixture(scope="module")
def warehouse(disclosures_run):
    """The session's run over these three files and the comparison module's disclosures (``tests/shared_runs.py``)."""
    return disclosures_run


def test_three_public_tables_publish(warehouse):
    result, wh = warehouse
    assert result.success
    assert (wh / "serving.duckdb").is_file()
    names = [p.name for p in FILES]  # the shared run holds other disclosures too (tests/shared_runs.py)
    held = query(wh, """SELECT file_name, contract_issue FROM marts.rpt_disclosure_tables_held_back
                        WHERE fact = 'fct_three_public_expenses' AND file_name IN (SELECT unnest(?))""", [names])
    assert held == []
    per_file = dict(query(wh, """SELECT file_name, count(*) FROM marts.fct_three_public_expenses
                                 WHERE file_name IN (SELECT unnest(?)) GROUP BY ALL""", [names]))
    # 深圳: 3 rows (2025年, 2026年, 增减) × 6 items × 3 funds; 珠海: 7 item rows × 4 columns (合计 + 3 funds);
    # 检察院: one row, 8 cells (公务用车购置费 blank)
    assert per_file == {SHENZHEN: 54, ZHUHAI: 28, JIANCHA: 8}


def test_fund_item_and_measure_in_yuan(warehouse):
    _, wh = warehouse
    rows = query(wh, """SELECT expense, measure, amount_yuan FROM marts.fct_three_public_expenses
                        WHERE file_name = ? AND fund = 'general_public' AND expense IN ('total', 'official_reception')
                        ORDER BY expense, measure""", [SHENZHEN])
    assert rows == [("official_reception", "budget", D("29800.00")), ("official_reception", "change", D("0.00")),
                    ("official_reception", "prior_budget", D("29800.00")), ("total", "budget", D("55800.00")),
                    ("total", "change", D("0.00")), ("total", "prior_budget", D("55800.00"))]
    rows = dict(query(wh, """SELECT expense, amount_wan FROM marts.fct_three_public_expenses
                             WHERE file_name = ? AND fund = 'all_funds'""", [ZHUHAI]))
    assert rows["administrative_expenses"] == D("10884.55") and rows["total"] == D("19.84")
    assert rows["total"] == rows["outbound_travel"] + rows["official_vehicles"] + rows["official_reception"]
    rows = dict(query(wh, "SELECT expense, amount_yuan FROM marts.fct_three_public_expenses WHERE file_name = ?", [JIANCHA]))
    assert (rows["grand_total"], rows["total"], rows["meeting"], rows["training"]) == (
        D("12767000.00"), D("4182600.00"), D("1584400.00"), D("7000000.00"))
    assert rows["grand_total"] == rows["total"] + rows["meeting"] + rows["training"]
    # the unit is printed in the grid's first row (部门名称：… 单位：万元), cut out as the table's caption
    assert query(wh, """SELECT DISTINCT unit FROM raw.document_tables JOIN raw.documents USING (document_id)
                        WHERE file_name = ? AND kind = 'three_public_expenses'""", [JIANCHA]) == [("万元",)]
