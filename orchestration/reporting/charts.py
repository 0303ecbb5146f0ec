"""The report's charts: one function per chart, reading ``serving.duckdb``.

Each function takes a read-only DuckDB connection to the serving database and
returns a :class:`Section`: a title, a one-line reading computed from the data,
a Vega-Lite spec built with Altair (``None`` when there is nothing to draw, with
a note saying why) and the numbers behind the chart as a table.

The data come shaped from dbt (``marts.rpt_*``); the code here only selects
and formats. The two function-class charts read ``marts.rpt_function_spending``
(whole budget disclosures, issue 13: one publication per department, year and
stage, each amount counted once; the rule is in the model) and appear only when
that table exists and has rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import altair as alt
import duckdb
import pandas as pd

from .outcomes import targets_met_by_department  # issue 27 §1: targets met by department (绩效自评表)

#: CJK-capable font stack for chart labels: WenQuanYi Zen Hei is what the
#: project installs (``make fonts``); the others are the usual CJK fonts of
#: Windows and macOS machines the file may be opened on.
CJK_FONT = '"WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'

#: Funding sources in the order the tables print them, with one colour each.
FUNDING_SOURCES = ("财政拨款", "财政专户拨款", "其他资金")
FUNDING_COLOURS = ("#236aa4", "#f4b548", "#8f3d56")

#: Projects shown in the largest-projects chart.
TOP_PROJECTS = 15

#: Whole-disclosure chart shape (issue 13; never fct_function_expenditure, whose
#: all_funds and per-fund rows and 部门/单位 disclosures would be counted twice)
#: and the columns the charts use.
FUNCTION_TABLE = "rpt_function_spending"
NO_WHOLE_DISCLOSURES = "no whole disclosures loaded (部门预算/部门决算 function-class tables): nothing to draw"

#: Table columns holding a year: printed as digits (2025, not 2,025).
YEAR_COLUMNS = frozenset({"fiscal_year"})

#: Table columns holding a 0–1 share (shown as a percentage): the shares of the
#: marts and the indicator-quality measures (rpt_indicator_quality.measure_label).
PERCENT_COLUMNS = frozenset(
    {"share_quantitative", "execution_rate", "量化", "有单位", "模糊表述", "分类错误", "模板化复用"}
)


@dataclass(frozen=True)
class Section:
    """One chart of the report: what it shows, its reading, its spec and its numbers."""

    key: str
    title: str
    reading: str
    spec: dict | None
    table: pd.DataFrame = field(repr=False)
    note: str | None = None
    html: str | None = field(default=None, repr=False)  # a section without a chart shows this after its reading


def fetch(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    """Run ``sql`` on the serving database and return a DataFrame."""
    return con.execute(sql, params or []).df()


def table_has_rows(con: duckdb.DuckDBPyConnection, table: str, schema: str = "marts") -> bool:
    """True when ``schema.table`` exists and has at least one row."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [schema, table],
    ).fetchone()[0]
    return bool(exists) and con.execute(f'SELECT count(*) > 0 FROM {schema}."{table}"').fetchone()[0]


def _wan(value: float) -> str:
    return f"{value:,.2f} 万元"


def _spec(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite spec of ``chart`` with the report's font and an SVG-friendly config."""
    return chart.configure(font=CJK_FONT).configure_view(stroke=None).to_dict()


def _funding_colour() -> alt.Color:
    return alt.Color(
        "funding_source_label:N",
        title="资金来源",
        sort=list(FUNDING_SOURCES),
        scale=alt.Scale(domain=list(FUNDING_SOURCES), range=list(FUNDING_COLOURS)),
    )


def _by_source_table(frame: pd.DataFrame, index: list[str]) -> pd.DataFrame:
    table = frame.pivot_table(
        index=index, columns="funding_source_label", values="amount_wan", aggfunc="sum", fill_value=0.0
    ).reindex(columns=list(FUNDING_SOURCES), fill_value=0.0)
    table["总计"] = table.sum(axis=1)
    return table.sort_values("总计", ascending=False).reset_index()


def spending_by_department(con: duckdb.DuckDBPyConnection) -> Section:
    """Project spending per department, stacked by funding source (rpt_spending_by_source)."""
    frame = fetch(con, "SELECT department, funding_source_label, amount_wan FROM marts.rpt_spending_by_source")
    table = _by_source_table(frame, ["department"])
    if table.empty:
        return Section("spending_by_department", "部门支出（按资金来源）", "no project budgets loaded", None, table,
                       "no project budgets loaded")
    top = table.iloc[0]
    total = table["总计"].sum()
    fiscal_share = table["财政拨款"].sum() / total if total else 0
    reading = (
        f"{top['department']} spends the most: {_wan(top['总计'])} of {_wan(total)} "
        f"({top['总计'] / total:.0%}); 财政拨款 pays {fiscal_share:.0%} of all project spending."
    ) if total else ("the loaded project budgets state no amounts by funding source "
                     "(forms of the national templates often print a total only)")
    chart = (
        alt.Chart(frame, title="部门项目支出（万元）")
        .mark_bar()
        .encode(
            y=alt.Y("department:N", title="部门", sort="-x", axis=alt.Axis(labelLimit=320)),
            x=alt.X("sum(amount_wan):Q", title="万元"),
            color=_funding_colour(),
            order=alt.Order("funding_source_label:N"),
            tooltip=["department:N", "funding_source_label:N", alt.Tooltip("sum(amount_wan):Q", format=",.2f")],
        )
        .properties(width=560)
    )
    return Section("spending_by_department", "部门支出（按资金来源） Spending by department and funding source",
                   reading, _spec(chart), table)


def spending_by_unit(con: duckdb.DuckDBPyConnection) -> Section:
    """Project spending per spending unit (资金使用单位), stacked by funding source."""
    frame = fetch(con, "SELECT department, spending_unit, funding_source_label, amount_wan FROM marts.rpt_spending_by_source")
    table = _by_source_table(frame, ["department", "spending_unit"])
    if table.empty:
        return Section("spending_by_unit", "资金使用单位支出", "no project budgets loaded", None, table,
                       "no project budgets loaded")
    top = table.iloc[0]
    without_fiscal = table[table["财政拨款"] == 0]
    reading = (
        f"{len(table)} spending units; the largest, {top['spending_unit']}, spends {_wan(top['总计'])}"
        + (f"; {len(without_fiscal)} units get no 财政拨款." if len(without_fiscal) else ".")
    )
    chart = (
        alt.Chart(frame, title="资金使用单位项目支出（万元）")
        .mark_bar()
        .encode(
            y=alt.Y("spending_unit:N", title="资金使用单位", sort="-x", axis=alt.Axis(labelLimit=320)),
            x=alt.X("sum(amount_wan):Q", title="万元"),
            color=_funding_colour(),
            order=alt.Order("funding_source_label:N"),
            tooltip=["department:N", "spending_unit:N", "funding_source_label:N",
                     alt.Tooltip("sum(amount_wan):Q", format=",.2f")],
        )
        .properties(width=560)
    )
    return Section("spending_by_unit", "资金使用单位支出（按资金来源） Spending by spending unit and funding source",
                   reading, _spec(chart), table)


def largest_projects(con: duckdb.DuckDBPyConnection) -> Section:
    """The largest projects with their goal and share of quantified indicators (rpt_largest_projects)."""
    frame = fetch(
        con,
        "SELECT amount_rank, project_name, department, spending_unit, amount_total_wan, indicator_count, "
        "share_quantitative, goal_text FROM marts.rpt_largest_projects "
        "WHERE amount_rank <= ? ORDER BY amount_rank, project_name",
        [TOP_PROJECTS],
    )
    if frame.empty:
        return Section("largest_projects", "最大项目", "no projects loaded", None, frame, "no projects loaded")
    frame["project_label"] = frame["amount_rank"].astype(str) + ". " + frame["project_name"]
    top = frame.iloc[0]
    low = frame[frame["share_quantitative"].fillna(0) < 0.5]
    reading = (
        f"The largest project, {top['project_name']} ({top['spending_unit']}), has {_wan(top['amount_total_wan'])}; "
        f"{len(low)} of the top {len(frame)} quantify fewer than half of their indicators."
    )
    chart = (
        alt.Chart(frame, title=f"预算最大的 {len(frame)} 个项目（万元，颜色：量化指标占比）")
        .mark_bar()
        .encode(
            y=alt.Y("project_label:N", title="项目", sort=alt.EncodingSortField("amount_rank", order="ascending"),
                    axis=alt.Axis(labelLimit=360)),
            x=alt.X("amount_total_wan:Q", title="总计（万元）"),
            color=alt.Color("share_quantitative:Q", title="量化指标占比", scale=alt.Scale(domain=[0, 1], scheme="blues"),
                            legend=alt.Legend(format=".0%")),
            tooltip=["project_name:N", "spending_unit:N", alt.Tooltip("amount_total_wan:Q", format=",.2f"),
                     alt.Tooltip("share_quantitative:Q", format=".0%"), "goal_text:N"],
        )
        .properties(width=520)
    )
    table = frame[["amount_rank", "project_name", "spending_unit", "amount_total_wan", "indicator_count",
                   "share_quantitative", "goal_text"]]
    return Section("largest_projects", "最大项目（绩效目标与量化指标占比） Largest projects", reading, _spec(chart), table)


def indicator_quality(con: duckdb.DuckDBPyConnection) -> Section:
    """Indicator quality per department: quantified, with unit, vague, taxonomy violations, templated."""
    frame = fetch(
        con,
        "SELECT department, fiscal_year, measure, measure_label, measure_order, indicator_count, "
        "indicator_with_property, share FROM marts.rpt_indicator_quality ORDER BY department, fiscal_year, measure_order",
    )
    if frame.empty:
        return Section("indicator_quality", "指标质量", "no indicators loaded", None, frame, "no indicators loaded")
    frame["department_year"] = frame["department"] + frame["fiscal_year"].map(
        lambda y: "" if pd.isna(y) else f"（{int(y)}）")
    labels = list(dict.fromkeys(frame.sort_values("measure_order")["measure_label"]))
    quantified = frame[frame["measure"] == "share_quantitative"].sort_values("share")
    worst = quantified.iloc[0]
    templated = frame[frame["measure"] == "share_templated"]
    reading = (
        f"{worst['department_year']} quantifies the fewest indicators ({worst['share']:.0%}); "
        f"templated (reused) indicators make up {templated['indicator_with_property'].sum() / max(templated['indicator_count'].sum(), 1):.0%} of all."
    )
    chart = (
        alt.Chart(frame, title="各部门绩效指标质量（占比）")
        .mark_bar()
        .encode(
            y=alt.Y("department_year:N", title="部门（年度）", axis=alt.Axis(labelLimit=320)),
            yOffset=alt.YOffset("measure_label:N", sort=labels),
            x=alt.X("share:Q", title="占比", axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("measure_label:N", title="指标", sort=labels),
            tooltip=["department_year:N", "measure_label:N", alt.Tooltip("share:Q", format=".1%"),
                     "indicator_with_property:Q", "indicator_count:Q"],
        )
        .properties(width=520)
    )
    table = frame.pivot_table(index=["department_year", "indicator_count"], columns="measure_label",
                              values="share", aggfunc="first").reindex(columns=labels).reset_index()
    return Section("indicator_quality", "指标质量（按部门） Indicator quality per department", reading, _spec(chart), table)


def document_status(con: duckdb.DuckDBPyConnection) -> Section:
    """Documents loaded, registered and quarantined, with the reasons (rpt_document_status)."""
    frame = fetch(con, "SELECT file_name, doc_type, department, status, is_current, reason "
                       "FROM marts.rpt_document_status ORDER BY status, file_name")
    if frame.empty:
        return Section("document_status", "文件状态", "no documents registered", None, frame, "no documents registered")
    counts = frame.groupby("status").size()
    quarantined = frame[frame["status"] == "quarantined"]
    reading = (
        f"{len(frame)} documents: " + ", ".join(f"{n} {s}" for s, n in counts.items())
        + ("; every document loaded." if quarantined.empty else f"; quarantined: {', '.join(quarantined['file_name'])}.")
    )
    chart = (
        alt.Chart(frame, title="文件状态（份）")
        .mark_bar()
        .encode(
            y=alt.Y("status:N", title="状态"),
            x=alt.X("count():Q", title="文件数"),
            color=alt.Color("doc_type:N", title="文件类型"),
            tooltip=["status:N", "doc_type:N", "count():Q"],
        )
        .properties(width=520)
    )
    return Section("document_status", "数据质量：文件载入与隔离 Documents loaded and quarantined", reading,
                   _spec(chart), frame)


def reconciliation_findings(con: duckdb.DuckDBPyConnection) -> Section:
    """Subtotals that differ from the sum of their lines, with their page (rpt_reconciliation_findings)."""
    frame = fetch(
        con,
        "SELECT file_name, is_current, parent_label, amount_column, parent_amount, children_sum, difference, "
        "source_page, source_line FROM marts.rpt_reconciliation_findings "
        "ORDER BY file_name, parent_line_no, amount_column",
    )
    if frame.empty:
        return Section("reconciliation_findings", "勾稽差异", "every subtotal equals the sum of its lines",
                       None, frame, "no reconciliation findings: every subtotal equals the sum of its lines")
    frame["where"] = frame.apply(
        lambda r: f"p. {int(r['source_page'])}" if pd.notna(r["source_page"]) else f"line {int(r['source_line'])}"
        if pd.notna(r["source_line"]) else "", axis=1)
    frame["finding"] = frame["file_name"] + " · " + frame["parent_label"] + " · " + frame["amount_column"]
    largest = frame.loc[frame["difference"].abs().idxmax()]
    reading = (
        f"{len(frame)} subtotals differ from the sum of their lines in {frame['file_name'].nunique()} files; "
        f"the largest is {largest['difference']:+,.2f} 万元 ({largest['parent_label']}, {largest['file_name']} {largest['where']})."
    )
    chart = (
        alt.Chart(frame, title="勾稽差异（上级金额 − 下级合计，万元）")
        .mark_bar()
        .encode(
            y=alt.Y("finding:N", title=None, axis=alt.Axis(labelLimit=420)),
            x=alt.X("difference:Q", title="差额（万元）"),
            color=alt.condition("datum.difference > 0", alt.value("#8f3d56"), alt.value("#236aa4")),
            tooltip=["file_name:N", "parent_label:N", "amount_column:N", "parent_amount:Q", "children_sum:Q",
                     "difference:Q", "where:N"],
        )
        .properties(width=420)
    )
    table = frame[["file_name", "where", "parent_label", "amount_column", "parent_amount", "children_sum", "difference"]]
    return Section("reconciliation_findings", "数据质量：勾稽差异（附页码） Reconciliation findings with their page",
                   reading, _spec(chart), table)


def _function_rows(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    if not table_has_rows(con, FUNCTION_TABLE):
        return None
    frame = fetch(con, "SELECT department_name, fiscal_year, stage, stage_label, scope, document_id, amount_rule, "
                       "function_code, function_level, function_label, total_wan, is_latest_year, has_both_stages "
                       "FROM marts.rpt_function_spending WHERE function_level IN ('class', 'section') "
                       "ORDER BY department_name, fiscal_year, stage, function_code")
    frame["total_wan"] = frame["total_wan"].astype(float)
    return frame


def spending_by_function(con: duckdb.DuckDBPyConnection) -> Section:
    """Spending per function class (类) and section (款), each department's latest year, counted once."""
    key, title = "spending_by_function", "功能分类支出（类/款） Spending by function class"
    frame = _function_rows(con)
    if frame is None or frame.empty:
        return Section(key, title, NO_WHOLE_DISCLOSURES, None, pd.DataFrame(), NO_WHOLE_DISCLOSURES)
    # budgets when any are loaded, else final accounts; one year per department (its latest)
    stage = "budget" if (frame["stage"] == "budget").any() else "final_accounts"
    shown = frame[(frame["stage"] == stage) & frame["is_latest_year"].fillna(False).astype(bool)]
    classes = shown[shown["function_level"] == "class"]
    table = shown[["department_name", "fiscal_year", "scope", "amount_rule", "function_level", "function_label",
                   "total_wan"]].sort_values(["department_name", "function_label"])
    by_class = classes.groupby("function_label")["total_wan"].sum().sort_values(ascending=False)
    stage_name = "预算" if stage == "budget" else "决算"
    reading = (
        f"{by_class.index[0]} is the largest function class ({_wan(by_class.iloc[0])}, "
        f"{by_class.iloc[0] / by_class.sum():.0%} of {stage.replace('_', ' ')} spending of "
        f"{classes['department_name'].nunique()} departments, each counted once: its latest year, "
        f"the 部门 disclosure before the 单位 one, the 支出总表 before the fund tables)."
    )
    chart = (
        alt.Chart(classes, title=f"功能分类（类）支出，万元（{stage_name}，各部门最近年度）")
        .mark_bar()
        .encode(
            y=alt.Y("function_label:N", title="功能分类（类）", sort="-x", axis=alt.Axis(labelLimit=320)),
            x=alt.X("sum(total_wan):Q", title="万元"),
            color=alt.Color("department_name:N", title="部门", legend=alt.Legend(orient="bottom", columns=1,
                                                                                labelLimit=400)),
            tooltip=["department_name:N", "fiscal_year:N", "function_label:N", "amount_rule:N",
                     alt.Tooltip("sum(total_wan):Q", format=",.2f")],
        )
        .properties(width=520)
    )
    return Section(key, title, reading, _spec(chart), table)


def plan_vs_outcome(con: duckdb.DuckDBPyConnection) -> Section:
    """Budget against final accounts per function class, where both are loaded for a department and year."""
    key, title = "plan_vs_outcome", "预算与决算（按功能分类） Plan versus outcome per function class"
    frame = _function_rows(con)
    if frame is None or frame.empty:
        return Section(key, title, NO_WHOLE_DISCLOSURES, None, pd.DataFrame(), NO_WHOLE_DISCLOSURES)
    classes = frame[frame["function_level"] == "class"]
    paired = classes[classes["has_both_stages"].fillna(False).astype(bool)]
    note = "no department and year has both its budget and its final accounts loaded"
    if paired.empty:
        return Section(key, title, note, None, pd.DataFrame(), note)
    # one row per department, year, stage and code in the model: a pivot, never a sum
    table = paired.pivot(index=["department_name", "fiscal_year", "function_label"], columns="stage",
                         values="total_wan").reset_index()
    # a class printed on one side only counts 0 on the other
    table[["budget", "final_accounts"]] = table[["budget", "final_accounts"]].fillna(0.0)
    table["difference"] = table["final_accounts"] - table["budget"]
    table["execution_rate"] = table["final_accounts"] / table["budget"].where(table["budget"] != 0)
    widest = table.loc[table["difference"].abs().idxmax()]
    reading = (
        f"Final accounts are {table['final_accounts'].sum() / table['budget'].sum():.0%} of the budget overall; "
        f"the widest gap is {widest['function_label']} ({widest['difference']:+,.2f} 万元, {widest['department_name']})."
    )
    chart = (
        alt.Chart(paired, title="预算与决算（类），万元")
        .mark_bar()
        .encode(
            y=alt.Y("function_label:N", title="功能分类（类）", axis=alt.Axis(labelLimit=320)),
            yOffset=alt.YOffset("stage_label:N", sort=["预算", "决算"]),
            x=alt.X("sum(total_wan):Q", title="万元"),
            color=alt.Color("stage_label:N", title="阶段", sort=["预算", "决算"],
                            scale=alt.Scale(domain=["预算", "决算"], range=["#a5cdee", "#236aa4"])),
            tooltip=["department_name:N", "fiscal_year:N", "function_label:N", "stage_label:N",
                     alt.Tooltip("sum(total_wan):Q", format=",.2f")],
        )
        .properties(width=520)
    )
    return Section(key, title, reading, _spec(chart), table)


#: Every chart of the report, in reading order.
SECTIONS = (
    spending_by_department,
    spending_by_unit,
    spending_by_function,
    largest_projects,
    indicator_quality,
    document_status,
    reconciliation_findings,
    plan_vs_outcome,
)


def build_sections(con: duckdb.DuckDBPyConnection) -> list[Section]:
    """Every section of the report, from an open (read-only) serving connection."""
    from orchestration.reporting import comparisons  # issue 27: a section only where its mart has rows
    from orchestration.reporting.review_queue import review_queue

    sections = [section(con) for section in (*SECTIONS, targets_met_by_department)]
    sections += comparisons.year_over_year(con)
    sections += comparisons.year_over_year_three_public(con)
    sections += comparisons.plan_vs_outcome_printed(con)
    sections.append(review_queue(con))  # the review list with evidence (issue 27 §3)
    return sections
