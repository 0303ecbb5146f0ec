"""The report's chart of self-evaluated targets: "targets met by department" (issue 27 §1).

Reads ``marts.rpt_outcomes_by_department`` (the shape of ``fct_indicator_outcome`` per department and year:
indicators met / not met / not comparable, by the one rule of ``orchestration/parsing/outcomes.py``) from
``serving.duckdb`` and returns a :class:`.charts.Section`. When no 绩效自评表 is loaded (the table is missing or
empty) the section says so and draws nothing.
"""

from __future__ import annotations

import altair as alt
import duckdb
import pandas as pd

#: The chart shape read (a dbt model in schema marts).
OUTCOMES_TABLE = "rpt_outcomes_by_department"
NO_SELF_EVALUATIONS = "no 绩效自评表 loaded (self-evaluated indicators with target and outcome): nothing to draw"
#: Status → (label, colour), in stacking order.
STATUSES = (("met_count", "已完成 met", "#2e7d4f"), ("not_met_count", "未完成 not met", "#c0392b"),
            ("not_comparable_count", "不可比 not comparable", "#b0b0b0"))


def targets_met_by_department(con: duckdb.DuckDBPyConnection):
    """Per department and year, the self-evaluated indicators met, not met and not comparable (stacked bars);
    the reading names the overall share met among the comparable indicators and the department with most not met."""
    from .charts import Section, chart_section, fetch, table_has_rows

    key, title = "targets_met_by_department", "绩效目标完成情况（按部门） Targets met by department"
    if not table_has_rows(con, OUTCOMES_TABLE):
        return Section(key, title, NO_SELF_EVALUATIONS, None, pd.DataFrame(), NO_SELF_EVALUATIONS)
    table = fetch(con, "SELECT department, fiscal_year, indicator_count, met_count, not_met_count, "
                       "not_comparable_count, met_share_pct, score_sum, weight_sum "
                       "FROM marts.rpt_outcomes_by_department ORDER BY department, fiscal_year")
    long = table.melt(id_vars=["department", "fiscal_year"], value_vars=[s[0] for s in STATUSES],
                      var_name="status", value_name="indicators")
    labels = {column: label for column, label, _ in STATUSES}
    long["status_label"] = long["status"].map(labels)
    long["department_year"] = long["department"] + " " + long["fiscal_year"].astype("Int64").astype(str)
    met, not_met = int(table["met_count"].sum()), int(table["not_met_count"].sum())
    worst = table.sort_values(["not_met_count", "department"], ascending=[False, True]).iloc[0]
    reading = (f"{met} of {met + not_met} comparable self-evaluated indicators met their target "
               f"({met / (met + not_met):.0%}) across {table['department'].nunique()} department(s); "
               if met + not_met else "No self-evaluated indicator is comparable with its target; ")
    reading += (f"most not met: {worst['department']} {worst['fiscal_year']} ({int(worst['not_met_count'])})."
                if worst["not_met_count"] else "none is reported not met.")
    chart = (
        alt.Chart(long, title="自评指标完成情况（个）")
        .mark_bar()
        .encode(
            y=alt.Y("department_year:N", title="部门 年度", axis=alt.Axis(labelLimit=320)),
            x=alt.X("sum(indicators):Q", title="指标数"),
            color=alt.Color("status_label:N", title="达成情况", sort=[s[1] for s in STATUSES],
                            scale=alt.Scale(domain=[s[1] for s in STATUSES], range=[s[2] for s in STATUSES])),
            order=alt.Order("status:N"),
            tooltip=["department:N", "fiscal_year:N", "status_label:N", "sum(indicators):Q"],
        )
        .properties(width=520)
    )
    return chart_section(key, title, reading, chart, table, source="marts.rpt_outcomes_by_department")
