"""The comparison charts of the report (orchestration/reporting/comparisons.py) on a small serving database."""

from __future__ import annotations

import duckdb
import pytest

from orchestration.reporting import comparisons

YOY_COLUMNS = ("department_name VARCHAR, scope VARCHAR, stage VARCHAR, fund_type VARCHAR, function_code VARCHAR, "
               "function_level VARCHAR, function_name VARCHAR, prior_year INT, current_year INT, "
               "prior_wan DECIMAL(18,6), current_wan DECIMAL(18,6), change_wan DECIMAL(18,6), change_rate DOUBLE, "
               "presence VARCHAR, prior_page INT, current_page INT")


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute("CREATE SCHEMA marts")
    connection.execute(f"CREATE TABLE marts.rpt_yoy_function_expenditure ({YOY_COLUMNS})")
    yield connection
    connection.close()


def test_no_section_when_the_mart_is_empty_or_missing(con):
    assert comparisons.year_over_year(con) == []
    assert comparisons.year_over_year_three_public(con) == []  # mart missing
    assert comparisons.plan_vs_outcome_printed(con) == []


def test_year_over_year_takes_one_fund_type_per_pair(con):
    # 万里街道 2024 → 2025, 212 城乡社区支出 (p19 → p17, 元 as 万元) printed in the 支出总表 (all_funds) and the
    # 一般公共预算 table: charted once, from the 支出总表
    rows = [
        ("万里街道", "department", "budget", fund, "212", "class", "城乡社区支出", 2024, 2025,
         11938.5303, 15436.9326, 3498.4023, 0.293, "both", 19, 17)
        for fund in ("all_funds", "general_public")
    ] + [("万里街道", "department", "budget", "all_funds", "208", "class", "社会保障和就业支出", 2024, 2025,
          1960.4064, 1609.1895, -351.2169, -0.1792, "both", 17, 15),
         ("万里街道", "department", "budget", "all_funds", "213", "class", "农林水支出", 2024, 2025,
          None, 10.0, None, None, "current_only", None, 17)]
    con.executemany("INSERT INTO marts.rpt_yoy_function_expenditure VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    (section,) = comparisons.year_over_year(con)
    assert list(section.table["fund_type"].unique()) == ["all_funds"]
    assert len(section.table) == 3
    assert section.reading == (
        "1 department-year pairs compared (same stage and scope); the largest rise is 212 城乡社区支出 at 万里街道 "
        "(+3,498.40 万元, +29.3%); the largest fall 208 社会保障和就业支出 at 万里街道 (-351.22 万元); "
        "1 class rows printed in one year only.")
    assert section.spec["title"] == "同比增减（功能分类·类），万元"


def test_plan_vs_outcome_printed_names_the_items_and_the_source(con):
    # 佛山 市轨道交通局 2019 决算 表7 p21 (万元): 预算数 合计 0.00 | 决算数 合计 0.16, 公务接待费 0.00 | 0.16
    con.execute("""CREATE TABLE marts.rpt_budget_vs_final_three_public AS SELECT * FROM (VALUES
        ('佛山市轨道交通局', 2019, 'total', '决算数/合计', 'printed_in_final_accounts', 0.00, 0.16, 21, 21),
        ('佛山市轨道交通局', 2019, 'official_reception', '决算数/公务接待费', 'printed_in_final_accounts', 0.00, 0.16, 21, 21),
        ('佛山市轨道交通局', 2019, 'outbound_travel', '决算数/因公出国（境）费', 'printed_in_final_accounts', 0.00, 0.00, 21, 21))
        AS t(department_name, fiscal_year, expense, expense_label, budget_source, budget_wan, final_wan,
             budget_page, final_page)""")
    (section,) = comparisons.plan_vs_outcome_printed(con)
    assert sorted(section.table["item"]) == ["“三公”经费合计", "公务接待费", "因公出国（境）费"]
    assert section.reading.startswith("3 items of 1 决算 compared with the budget they print (printed_in_final_accounts); "
                                      "2 spent above budget")
