"""The report's comparison charts (issue 27 §3): year over year, and plan vs outcome where the budget is the
one a 决算 prints itself.

Each function takes a read-only connection to ``serving.duckdb`` and returns a list of
:class:`~orchestration.reporting.charts.Section` — empty when its mart is missing or has no rows, so that
a warehouse without the documents to compare shows no empty chart (``build_sections`` registers each with
one line). The marts hold the rules (dbt ``rpt_yoy_*``, ``rpt_budget_vs_final_*``); the code here selects,
avoids counting an amount twice and writes the reading.

``plan_vs_outcome`` of :mod:`.charts` compares a department's 部门预算 with its 部门决算 (two documents).
:func:`plan_vs_outcome_printed` adds what it cannot see: the budget a 决算 prints beside its 决算数 (the
“三公”经费 table's 预算数 | 决算数, and a function table's 年初预算数 column where one is printed), labelled
by source.
"""

from __future__ import annotations

import altair as alt
import duckdb
import pandas as pd

from orchestration.reporting.charts import Section, chart_section, fetch, table_has_rows

#: Fund types in the order a department's function rows are taken for the YoY chart: the 支出总表 (every
#: fund) when the pair has it, else the 一般公共预算 table; never both (the same money twice).
FUND_PREFERENCE = ("all_funds", "general_public", "government_fund", "state_capital")

#: The names of the 三公 items (fct_three_public_expenses.expense) for labels: the column labels printed
#: (决算数/公务接待费) differ from table to table; an item not listed keeps its printed label.
EXPENSE_NAMES = {
    "total": "“三公”经费合计", "outbound_travel": "因公出国（境）费", "official_vehicles": "公务用车购置及运行费",
    "vehicle_purchase": "公务用车购置费", "vehicle_operation": "公务用车运行费", "official_reception": "公务接待费",
    "meeting": "会议费", "training": "培训费", "grand_total": "三公、会议费、培训费合计",
    "administrative_operating": "机关运行经费", "administrative_expenses": "行政经费",
}

YOY_TABLE = "rpt_yoy_function_expenditure"
YOY_THREE_PUBLIC_TABLE = "rpt_yoy_three_public_expenses"
BVF_FUNCTION_TABLE = "rpt_budget_vs_final_by_function"
BVF_THREE_PUBLIC_TABLE = "rpt_budget_vs_final_three_public"


def _yoy_class_rows(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The 类 rows of each department-year pair, one fund type per pair (:data:`FUND_PREFERENCE`)."""
    frame = fetch(con, """
        SELECT department_name, scope, stage, fund_type, function_code, function_name, prior_year, current_year,
               prior_wan, current_wan, change_wan, change_rate, presence, prior_page, current_page
        FROM marts.rpt_yoy_function_expenditure WHERE function_level = 'class'""")
    if frame.empty:
        return frame
    rank = {fund: i for i, fund in enumerate(FUND_PREFERENCE)}
    frame["fund_rank"] = frame["fund_type"].map(rank).fillna(len(rank))
    pair = ["department_name", "scope", "stage", "current_year"]
    best = frame.groupby(pair)["fund_rank"].transform("min")
    frame = frame[frame["fund_rank"] == best].drop(columns="fund_rank")
    for column in ("prior_wan", "current_wan", "change_wan", "change_rate"):
        frame[column] = frame[column].astype(float)
    frame["pair_label"] = (frame["department_name"] + " " + frame["prior_year"].astype(str) + "→"
                           + frame["current_year"].astype(str))
    frame["function_label"] = frame["function_code"] + " " + frame["function_name"].fillna("")
    return frame.reset_index(drop=True)


def year_over_year(con: duckdb.DuckDBPyConnection) -> list[Section]:
    """Change per function class (类) of every department with two consecutive years loaded, 万元."""
    if not table_has_rows(con, YOY_TABLE):
        return []
    frame = _yoy_class_rows(con)
    if frame.empty:
        return []
    both = frame[frame["presence"] == "both"]
    rising = both.loc[both["change_wan"].idxmax()] if not both.empty else None
    falling = both.loc[both["change_wan"].idxmin()] if not both.empty else None
    totals = frame.groupby("pair_label")[["prior_wan", "current_wan"]].sum()
    reading = f"{len(totals)} department-year pairs compared (same stage and scope)"
    if rising is not None and rising["change_wan"] > 0:
        reading += (f"; the largest rise is {rising['function_label']} at {rising['department_name']} "
                    f"({rising['change_wan']:+,.2f} 万元, {rising['change_rate']:+.1%})")
    if falling is not None and falling["change_wan"] < 0:
        reading += (f"; the largest fall {falling['function_label']} at {falling['department_name']} "
                    f"({falling['change_wan']:+,.2f} 万元)")
    new_or_gone = frame[frame["presence"] != "both"]
    if not new_or_gone.empty:
        reading += f"; {len(new_or_gone)} class rows printed in one year only"
    reading += "."
    chart = (
        alt.Chart(frame.fillna({"change_wan": 0.0}), title="同比增减（功能分类·类），万元")
        .mark_bar()
        .encode(
            y=alt.Y("function_label:N", title="功能分类（类）", axis=alt.Axis(labelLimit=320)),
            yOffset=alt.YOffset("pair_label:N"),
            x=alt.X("change_wan:Q", title="增减（万元）"),
            color=alt.Color("pair_label:N", title="部门 上年→本年",
                            legend=alt.Legend(orient="bottom", columns=1, labelLimit=400)),
            tooltip=["pair_label:N", "function_label:N", "fund_type:N",
                     alt.Tooltip("prior_wan:Q", format=",.2f", title="上年（万元）"),
                     alt.Tooltip("current_wan:Q", format=",.2f", title="本年（万元）"),
                     alt.Tooltip("change_rate:Q", format="+.1%", title="增减率"), "presence:N"],
        )
        .properties(width=520)
    )
    table = frame[["department_name", "prior_year", "current_year", "fund_type", "function_label", "prior_wan",
                   "current_wan", "change_wan", "change_rate", "presence", "prior_page", "current_page"]]
    return [chart_section("year_over_year", "同比（按功能分类） Year over year per function class", reading,
                          chart, table, source="marts.rpt_yoy_function_expenditure")]


def year_over_year_three_public(con: duckdb.DuckDBPyConnection) -> list[Section]:
    """The “三公”经费 合计 and its items, prior year against current year, per department pair (万元)."""
    if not table_has_rows(con, YOY_THREE_PUBLIC_TABLE):
        return []
    frame = fetch(con, """
        SELECT department_name, prior_year, current_year, expense, expense_label, fund, prior_wan, current_wan,
               change_wan, change_rate, presence, prior_page, current_page, printed_prior_yuan, printed_prior_matches
        FROM marts.rpt_yoy_three_public_expenses
        WHERE expense IN ('total', 'outbound_travel', 'official_vehicles', 'official_reception')
        ORDER BY department_name, current_year, expense""")
    totals = frame[(frame["expense"] == "total") & (frame["presence"] == "both")].copy()
    if totals.empty:
        return []
    for column in ("prior_wan", "current_wan", "change_wan"):
        totals[column] = totals[column].astype(float)
    totals["pair_label"] = (totals["department_name"] + " " + totals["prior_year"].astype(str) + "→"
                            + totals["current_year"].astype(str))
    down = int((totals["change_wan"] < 0).sum())
    up = int((totals["change_wan"] > 0).sum())
    reading = (f"“三公”经费合计 fell in {down} and rose in {up} of {len(totals)} department-year pairs "
               f"(net {totals['change_wan'].sum():+,.2f} 万元).")
    long = totals.melt(id_vars=["pair_label"], value_vars=["prior_wan", "current_wan"], var_name="year",
                       value_name="amount_wan")
    long["year"] = long["year"].map({"prior_wan": "上年", "current_wan": "本年"})
    chart = (
        alt.Chart(long, title="“三公”经费合计 上年与本年，万元")
        .mark_bar()
        .encode(
            y=alt.Y("pair_label:N", title="部门 上年→本年", axis=alt.Axis(labelLimit=400)),
            yOffset=alt.YOffset("year:N", sort=["上年", "本年"]),
            x=alt.X("amount_wan:Q", title="万元"),
            color=alt.Color("year:N", title="年度", sort=["上年", "本年"],
                            scale=alt.Scale(domain=["上年", "本年"], range=["#a5cdee", "#236aa4"])),
            tooltip=["pair_label:N", "year:N", alt.Tooltip("amount_wan:Q", format=",.2f")],
        )
        .properties(width=520)
    )
    return [chart_section("year_over_year_three_public", "同比（“三公”经费） Year over year of the 三公 expenses",
                          reading, chart, frame, source="marts.rpt_yoy_three_public_expenses")]


def plan_vs_outcome_printed(con: duckdb.DuckDBPyConnection) -> list[Section]:
    """Budget against final accounts where the 决算 prints the budget itself (or the 部门预算 is loaded), by
    source: the “三公”经费 items and the function rows whose budget is printed in the 决算."""
    frames = []
    if table_has_rows(con, BVF_THREE_PUBLIC_TABLE):
        frames.append(fetch(con, """
            SELECT department_name, fiscal_year, expense, expense_label AS item, budget_source,
                   budget_wan, final_wan, budget_page, final_page
            FROM marts.rpt_budget_vs_final_three_public
            WHERE budget_wan IS NOT NULL AND final_wan IS NOT NULL"""))
    if table_has_rows(con, BVF_FUNCTION_TABLE):
        frames.append(fetch(con, """
            SELECT department_name, fiscal_year, function_code || ' ' || function_name AS item, budget_source,
                   budget_total_wan AS budget_wan, final_total_wan AS final_wan, budget_page, final_page
            FROM marts.rpt_budget_vs_final_by_function
            WHERE budget_source = 'printed_in_final_accounts' AND function_level = 'class'
              AND final_total_wan IS NOT NULL"""))
    frame = pd.concat([f for f in frames if not f.empty], ignore_index=True) if any(
        not f.empty for f in frames) else pd.DataFrame()
    if frame.empty:
        return []
    if "expense" in frame:
        named = frame["expense"].map(EXPENSE_NAMES)
        frame["item"] = named.where(named.notna(), frame["item"]).where(frame["expense"].notna(), frame["item"])
        frame = frame.drop(columns="expense")
    frame["budget_wan"] = frame["budget_wan"].astype(float)
    frame["final_wan"] = frame["final_wan"].astype(float)
    frame["difference_wan"] = frame["final_wan"] - frame["budget_wan"]
    over = frame[frame["difference_wan"] > 0]
    reading = (f"{len(frame)} items of {frame['department_name'].nunique()} 决算 compared with the budget they "
               f"print ({', '.join(sorted(frame['budget_source'].unique()))}); {len(over)} spent above budget")
    if not over.empty:
        top = over.loc[over["difference_wan"].idxmax()]
        reading += f", the most {top['item']} at {top['department_name']} ({top['difference_wan']:+,.2f} 万元)"
    reading += "."
    long = frame.melt(id_vars=["department_name", "fiscal_year", "item", "budget_source"],
                      value_vars=["budget_wan", "final_wan"], var_name="measure", value_name="amount_wan")
    long["measure"] = long["measure"].map({"budget_wan": "预算", "final_wan": "决算"})
    long["label"] = long["department_name"] + " " + long["item"]
    chart = (
        alt.Chart(long, title="预算与决算（决算所列预算数），万元")
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title="部门 项目", axis=alt.Axis(labelLimit=400)),
            yOffset=alt.YOffset("measure:N", sort=["预算", "决算"]),
            x=alt.X("amount_wan:Q", title="万元"),
            color=alt.Color("measure:N", title="阶段", sort=["预算", "决算"],
                            scale=alt.Scale(domain=["预算", "决算"], range=["#a5cdee", "#236aa4"])),
            tooltip=["department_name:N", "fiscal_year:N", "item:N", "budget_source:N", "measure:N",
                     alt.Tooltip("amount_wan:Q", format=",.2f")],
        )
        .properties(width=520)
    )
    return [chart_section("plan_vs_outcome_printed", "预算与决算（决算所列预算数） Plan vs outcome as the final accounts print it",
                          reading, chart, frame, source="marts.rpt_budget_vs_final_by_function")]
