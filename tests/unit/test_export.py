"""The Excel/CSV export (orchestration/reporting/export.py) on a small serving database built here."""

from __future__ import annotations

import csv

import duckdb
import openpyxl
import pytest

from orchestration.reporting.export import SHEETS, WORKBOOK_NAME, write_export


@pytest.fixture
def serving(tmp_path):
    path = tmp_path / "serving.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        # the 万里街道 2024 → 2025 三公 rows as the mart holds them (p31 / p29: 47.91 → 37.91 万元)
        con.execute("""CREATE TABLE marts.rpt_yoy_three_public_expenses AS SELECT * FROM (VALUES
            ('万里街道', NULL, 'department', 'budget', 'total', '合计', 'not_split', 2024, 2025,
             479100.00::DECIMAL(20,2), 379100.00::DECIMAL(20,2), -100000.00::DECIMAL(20,2), -0.2087,
             47.91::DECIMAL(18,6), 37.91::DECIMAL(18,6), -10.0::DECIMAL(18,6), 'both', 'a', 'b',
             'w2024.pdf', 'w2025.pdf', 31, 29, 'evidence/w2025_p29.png'),
            ('万里街道', NULL, 'department', 'budget', 'meeting', '会议费', 'not_split', 2024, 2025,
             NULL, 12000.00, NULL, NULL, NULL, 1.2, NULL, 'current_only', 'a', 'b',
             'w2024.pdf', 'w2025.pdf', NULL, 29, NULL))
            AS t(department_name, prior_department_name, scope, stage, expense, expense_label, fund, prior_year,
                 current_year, prior_yuan, current_yuan, change_yuan, change_rate, prior_wan, current_wan, change_wan,
                 presence, prior_document_id, current_document_id, prior_file_name, current_file_name,
                 prior_page, current_page, evidence_path)""")
        con.execute("""CREATE TABLE marts.rpt_targets_vs_department_budget AS SELECT
            '广州市政务服务和数据管理局' AS department, 2026 AS fiscal_year, 'x.pdf' AS targets_file_name,
            86246.64::DECIMAL(18,2) AS targets_total_wan, 12 AS targets_total_page""")
    return path


def test_workbook_sheets_headers_numbers_filter_and_csv(serving, tmp_path):
    out = tmp_path / "export"
    result = write_export(serving, out)
    assert result.rows == {"yoy_three_public": 2, "targets_vs_budget": 1}
    # every sheet whose mart is absent is skipped, with its reason
    assert set(result.skipped) == {s.key for s in SHEETS} - set(result.rows)
    assert "rpt_targets_vs_outcomes" in result.skipped["targets_vs_outcomes"]

    book = openpyxl.load_workbook(out / WORKBOOK_NAME)
    assert book.sheetnames == ["同比（三公经费）", "绩效目标与预算"]
    ws = book["同比（三公经费）"]
    headers = [c.value for c in ws[1]]
    assert headers[:6] == ["部门", "范围", "阶段", "项目代码", "项目", "资金"]
    assert headers[8:12] == ["上年金额（万元）", "本年金额（万元）", "增减（万元）", "增减率（%）"]
    assert headers[-1] == "证据图片（链接）"  # the mart's evidence_path, when it has one
    # rows ordered by item: 会议费 (meeting) before 合计 (total)
    assert [c.value for c in ws[2]][8:10] == [None, 1.2]  # a row printed in one year only
    total = [c.value for c in ws[3]]
    assert total[6:12] == [2024, 2025, 47.91, 37.91, -10.0, -0.2087]  # numbers, not text
    assert ws.cell(3, 12).number_format == "0.00%"
    assert ws.cell(3, 9).number_format == "#,##0.00####"
    assert ws.cell(3, len(headers)).hyperlink.target == "evidence/w2025_p29.png"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(headers))}3"
    # a sheet exported whole: generic Chinese headers, the unknown column keeps its name
    assert [c.value for c in book["绩效目标与预算"][1]] == ["部门", "年度", "绩效目标表文件", "绩效目标表合计（万元）",
                                                         "合计行页码"]

    raw = result.csvs["yoy_three_public"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens the Chinese headers
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == headers
    assert rows[2][8:12] == ["47.910000", "37.910000", "-10.000000", "-0.2087"]
    assert rows[1][8] == ""
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*"))  # nothing half-written left behind


def test_missing_serving_database_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_export(tmp_path / "nope.duckdb", tmp_path / "out")


def test_a_mart_that_lost_a_declared_column_raises(tmp_path):
    path = tmp_path / "serving.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.rpt_yoy_function_expenditure AS SELECT 'x' AS department_name")
    with pytest.raises(KeyError, match="rpt_yoy_function_expenditure"):
        write_export(path, tmp_path / "out")
    assert not (tmp_path / "out" / WORKBOOK_NAME).exists()
