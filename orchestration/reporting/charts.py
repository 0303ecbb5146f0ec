"""The report's charts: one function per chart, reading ``serving.duckdb``.

Each function takes a read-only DuckDB connection to the serving database and
returns a :class:`Section`: a title, a one-line reading computed from the data,
a Vega-Lite spec built with Altair (``None`` when there is nothing to draw, with
a note saying why) and the numbers behind the chart as a table.

The data come shaped from dbt (``marts.rpt_*``); the code here only selects,
aggregates and formats. Every chart works at any size (issue 29): it ships at
most a bounded number of rows to the browser — the top N departments, units or
findings, the rest summed into one "其他" (others) row — and :func:`chart_section`
is the generic guard: a chart whose data still exceed :data:`CHART_MAX_ROWS` is
not drawn (its numbers table is shown instead, with a note), so Altair's
``MaxRowsError`` (5,000 rows) never happens, and :func:`build_sections` turns a
section that fails into a note instead of failing the whole report.

The two function-class charts read ``marts.rpt_function_spending`` (whole
budget disclosures, issue 13: one publication per department, year and stage,
each amount counted once; the rule is in the model) and appear only when that
table exists and has rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import altair as alt
import duckdb
import pandas as pd

from .outcomes import targets_met_by_department  # issue 27 §1: targets met by department (绩效自评表)

log = logging.getLogger(__name__)

#: CJK-capable font stack for chart labels: WenQuanYi Zen Hei is what the
#: project installs (``make fonts``); the others are the usual CJK fonts of
#: Windows and macOS machines the file may be opened on.
CJK_FONT = '"WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'

#: Funding sources in the order the tables print them, with one colour each.
FUNDING_SOURCES = ("财政拨款", "财政专户拨款", "其他资金")
FUNDING_COLOURS = ("#236aa4", "#f4b548", "#8f3d56")

#: Projects shown in the largest-projects chart.
TOP_PROJECTS = 15

#: Departments, spending units, department-years and findings drawn by name; the rest are summed into one
#: :data:`OTHERS` row (the numbers tables list every row, up to ``html.TABLE_MAX_ROWS``).
TOP_DEPARTMENTS = 20
TOP_UNITS = 25
TOP_DEPARTMENT_YEARS = 20
TOP_FINDINGS = 30

#: Label of the row that sums everything below the top N (``其他（N 个部门）``).
OTHERS = "其他"

#: Most data rows one chart may carry inline in the HTML. Altair refuses more than 5,000 (``MaxRowsError``);
#: the charts aggregate to far fewer, and a chart over this cap is not drawn: its table is shown instead.
CHART_MAX_ROWS = 1_000

#: Quarantined files named in the document-status reading (the table lists the quarantined documents first).
NAMED_FILES = 10

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
    #: The mart holding every row of the table (named under a table cut to its first rows).
    source: str | None = None
    html: str | None = field(default=None, repr=False)  # a section without a chart shows this after its reading


class ChartTooLarge(ValueError):
    """A chart's data have more rows than :data:`CHART_MAX_ROWS` (``rows``: how many)."""

    def __init__(self, rows: int):
        super().__init__(f"{rows:,} rows > {CHART_MAX_ROWS:,}")
        self.rows = rows


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


def chart_rows(chart: alt.TopLevelMixin) -> int:
    """How many data rows ``chart`` carries inline (its own data and any layer's)."""
    frames = [chart.data] + [getattr(layer, "data", None) for layer in getattr(chart, "layer", None) or []]
    return sum(len(f) for f in frames if isinstance(f, pd.DataFrame))


def _spec(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite spec of ``chart`` with the report's font and an SVG-friendly config.

    Raises :class:`ChartTooLarge` when the chart carries more than :data:`CHART_MAX_ROWS` rows.
    """
    rows = chart_rows(chart)
    if rows > CHART_MAX_ROWS:
        raise ChartTooLarge(rows)
    return chart.configure(font=CJK_FONT).configure_view(stroke=None).to_dict()


def chart_section(key: str, title: str, reading: str, chart: alt.TopLevelMixin, table: pd.DataFrame,
                  source: str | None = None) -> Section:
    """A drawn section, or — when the chart's data exceed :data:`CHART_MAX_ROWS` — its table with a note saying why."""
    try:
        return Section(key, title, reading, _spec(chart), table, source=source)
    except ChartTooLarge as error:
        note = f"{reading} (chart not drawn: {error.rows:,} data rows, more than the {CHART_MAX_ROWS:,} a chart carries; the numbers follow)"
        return Section(key, title, reading, None, table, note, source)


def others_label(count: int, noun: str) -> str:
    """``其他（12 个部门）``: the label of the row summing ``count`` items below the top N."""
    return f"{OTHERS}（{count:,} 个{noun}）"


def keep_top(frame: pd.DataFrame, key: str | list[str], value: str, n: int, noun: str,
             by: list[str] = (), label: str | None = None) -> tuple[pd.DataFrame, list]:
    """The rows of the ``n`` keys with the largest ``sum(value)``, the others summed into one row per ``by``.

    ``key`` names the item (a column, or columns whose first is the label the chart shows);
    the summed row carries :func:`others_label` in ``label`` (default: the first key column) and NaN in
    the other key columns. Returns ``(frame, order)``: ``order`` lists the shown labels, largest first,
    the others row last (a sort for the chart's axis). A frame of at most ``n`` keys comes back as it is.
    """
    keys = [key] if isinstance(key, str) else list(key)
    label = label or keys[0]
    totals = frame.groupby(keys, dropna=False)[value].sum().sort_values(ascending=False, kind="stable")
    top = totals.index[:n]
    top_frame = totals.head(n).reset_index()
    order = list(dict.fromkeys(None if pd.isna(v) else v for v in top_frame[label].tolist()))
    if len(totals) <= n:
        return frame, order
    kept = frame.set_index(keys).index.isin(top)
    rest = frame[~kept]
    name = others_label(len(totals) - n, noun)
    others = rest.groupby(list(by), dropna=False, as_index=False)[value].sum() if by else pd.DataFrame(
        {value: [rest[value].sum()]})
    others[label] = name
    return pd.concat([frame[kept], others], ignore_index=True), [*order, name]


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
    """Project spending per department, stacked by funding source (rpt_spending_by_source).

    Draws the :data:`TOP_DEPARTMENTS` largest departments by name and sums the rest into one
    ``其他（N 个部门）`` bar per funding source; the reading and the table cover every department.
    """
    frame = fetch(con, "SELECT department, funding_source_label, sum(amount_wan) AS amount_wan "
                       "FROM marts.rpt_spending_by_source GROUP BY department, funding_source_label")
    frame["amount_wan"] = frame["amount_wan"].astype(float)
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
    shown, order = keep_top(frame, "department", "amount_wan", TOP_DEPARTMENTS, "部门", by=["funding_source_label"])
    drawn = f"{TOP_DEPARTMENTS} 个最大部门，其余合并" if len(order) > TOP_DEPARTMENTS else ""
    chart = (
        alt.Chart(shown, title=f"部门项目支出（万元{'，' + drawn if drawn else ''}）")
        .mark_bar()
        .encode(
            y=alt.Y("department:N", title="部门", sort=order, axis=alt.Axis(labelLimit=320)),
            x=alt.X("sum(amount_wan):Q", title="万元"),
            color=_funding_colour(),
            order=alt.Order("funding_source_label:N"),
            tooltip=["department:N", "funding_source_label:N", alt.Tooltip("sum(amount_wan):Q", format=",.2f")],
        )
        .properties(width=560)
    )
    return chart_section("spending_by_department", "部门支出（按资金来源） Spending by department and funding source",
                         reading, chart, table, "marts.rpt_spending_by_source")


def spending_by_unit(con: duckdb.DuckDBPyConnection) -> Section:
    """Project spending per spending unit (资金使用单位), stacked by funding source.

    Draws the :data:`TOP_UNITS` largest units (department and unit) by name, the rest summed
    into one ``其他（N 个单位）`` bar per funding source; the reading and the table cover every unit.
    """
    frame = fetch(con, "SELECT department, spending_unit, funding_source_label, sum(amount_wan) AS amount_wan "
                       "FROM marts.rpt_spending_by_source GROUP BY department, spending_unit, funding_source_label")
    frame["amount_wan"] = frame["amount_wan"].astype(float)
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
    shown, order = keep_top(frame, ["spending_unit", "department"], "amount_wan", TOP_UNITS, "单位",
                            by=["funding_source_label"])
    drawn = f"{TOP_UNITS} 个最大单位，其余合并" if len(table) > TOP_UNITS else ""
    chart = (
        alt.Chart(shown, title=f"资金使用单位项目支出（万元{'，' + drawn if drawn else ''}）")
        .mark_bar()
        .encode(
            y=alt.Y("spending_unit:N", title="资金使用单位", sort=order, axis=alt.Axis(labelLimit=320)),
            x=alt.X("sum(amount_wan):Q", title="万元"),
            color=_funding_colour(),
            order=alt.Order("funding_source_label:N"),
            tooltip=["department:N", "spending_unit:N", "funding_source_label:N",
                     alt.Tooltip("sum(amount_wan):Q", format=",.2f")],
        )
        .properties(width=560)
    )
    return chart_section("spending_by_unit", "资金使用单位支出（按资金来源） Spending by spending unit and funding source",
                         reading, chart, table, "marts.rpt_spending_by_source")


def largest_projects(con: duckdb.DuckDBPyConnection) -> Section:
    """The largest projects with their goal and share of quantified indicators (rpt_largest_projects)."""
    frame = fetch(
        con,
        "SELECT amount_rank, project_name, department, spending_unit, amount_total_wan, indicator_count, "
        "share_quantitative, goal_text FROM marts.rpt_largest_projects "
        # ties (equal budgets, e.g. the same template in many departments) share a rank: LIMIT bounds the rows
        "WHERE amount_rank <= ? ORDER BY amount_rank, project_name, department, spending_unit LIMIT ?",
        [TOP_PROJECTS, TOP_PROJECTS],
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
    return chart_section("largest_projects", "最大项目（绩效目标与量化指标占比） Largest projects", reading, chart, table,
                         "marts.rpt_largest_projects")


def indicator_quality(con: duckdb.DuckDBPyConnection) -> Section:
    """Indicator quality per department: quantified, with unit, vague, taxonomy violations, templated.

    Draws the :data:`TOP_DEPARTMENT_YEARS` department-years with the most indicators; the others are
    one ``其他`` group whose shares are recomputed from their counts (Σ with property / Σ indicators).
    The reading and the table cover every department-year.
    """
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
    table = frame.pivot_table(index=["department_year", "indicator_count"], columns="measure_label",
                              values="share", aggfunc="first").reindex(columns=labels).reset_index()
    sizes = frame.drop_duplicates("department_year").set_index("department_year")["indicator_count"]
    top = sizes.sort_values(ascending=False, kind="stable").index[:TOP_DEPARTMENT_YEARS]
    shown = frame[frame["department_year"].isin(top)]
    if len(sizes) > TOP_DEPARTMENT_YEARS:
        others = (frame[~frame["department_year"].isin(top)]
                  .groupby(["measure", "measure_label", "measure_order"], as_index=False)
                  [["indicator_count", "indicator_with_property"]].sum())
        others["share"] = others["indicator_with_property"] / others["indicator_count"].where(others["indicator_count"] != 0)
        others["department_year"] = others_label(len(sizes) - TOP_DEPARTMENT_YEARS, "部门年度")
        shown = pd.concat([shown, others], ignore_index=True)
    chart = (
        alt.Chart(shown[["department_year", "measure_label", "share", "indicator_with_property", "indicator_count"]],
                  title="各部门绩效指标质量（占比）")
        .mark_bar()
        .encode(
            y=alt.Y("department_year:N", title="部门（年度）", axis=alt.Axis(labelLimit=320),
                    sort=list(dict.fromkeys(shown["department_year"]))),
            yOffset=alt.YOffset("measure_label:N", sort=labels),
            x=alt.X("share:Q", title="占比", axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("measure_label:N", title="指标", sort=labels),
            tooltip=["department_year:N", "measure_label:N", alt.Tooltip("share:Q", format=".1%"),
                     "indicator_with_property:Q", "indicator_count:Q"],
        )
        .properties(width=520)
    )
    return chart_section("indicator_quality", "指标质量（按部门） Indicator quality per department", reading, chart,
                         table, "marts.rpt_indicator_quality")


def document_status(con: duckdb.DuckDBPyConnection) -> Section:
    """Documents loaded, registered and quarantined, with the reasons (rpt_document_status).

    The chart counts documents per status and type (a handful of bars at any size); the table lists
    the documents, quarantined first; the reading names at most :data:`NAMED_FILES` quarantined files.
    """
    frame = fetch(con, "SELECT file_name, doc_type, department, status, is_current, reason "
                       "FROM marts.rpt_document_status "
                       "ORDER BY status <> 'quarantined', status, file_name")
    if frame.empty:
        return Section("document_status", "文件状态", "no documents registered", None, frame, "no documents registered")
    counts = frame.groupby("status").size()
    quarantined = frame[frame["status"] == "quarantined"]
    named = ", ".join(quarantined["file_name"].head(NAMED_FILES))
    if len(quarantined) > NAMED_FILES:
        named += f" and {len(quarantined) - NAMED_FILES:,} more (the table below, marts.rpt_document_status)"
    reading = (
        f"{len(frame)} documents: " + ", ".join(f"{n} {s}" for s, n in counts.items())
        + ("; every document loaded." if quarantined.empty else f"; quarantined: {named}.")
    )
    by_status = (frame.assign(doc_type=frame["doc_type"].fillna("(unknown)"))
                 .groupby(["status", "doc_type"], as_index=False).size().rename(columns={"size": "documents"}))
    chart = (
        alt.Chart(by_status, title="文件状态（份）")
        .mark_bar()
        .encode(
            y=alt.Y("status:N", title="状态"),
            x=alt.X("sum(documents):Q", title="文件数"),
            color=alt.Color("doc_type:N", title="文件类型"),
            tooltip=["status:N", "doc_type:N", alt.Tooltip("sum(documents):Q", title="文件数")],
        )
        .properties(width=520)
    )
    return chart_section("document_status", "数据质量：文件载入与隔离 Documents loaded and quarantined", reading,
                         chart, frame, "marts.rpt_document_status")


def reconciliation_findings(con: duckdb.DuckDBPyConnection) -> Section:
    """Subtotals that differ from the sum of their lines, with their page (rpt_reconciliation_findings).

    Draws the :data:`TOP_FINDINGS` largest differences (by absolute value); the reading and the table
    (largest first) cover every finding.
    """
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
    if len(frame) > TOP_FINDINGS:  # the largest first, in the table too (it may be cut to its first rows)
        frame = frame.loc[frame["difference"].abs().astype(float).sort_values(ascending=False, kind="stable").index]
    shown = frame.head(TOP_FINDINGS)
    chart = (
        alt.Chart(shown, title="勾稽差异（上级金额 − 下级合计，万元）" + (
            f"，最大的 {TOP_FINDINGS} 项" if len(frame) > TOP_FINDINGS else ""))
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
    return chart_section("reconciliation_findings", "数据质量：勾稽差异（附页码） Reconciliation findings with their page",
                         reading, chart, table, "marts.rpt_reconciliation_findings")


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
    # the largest departments by name, the rest summed per class: a bounded legend and data at any size
    shown_classes, _ = keep_top(classes, "department_name", "total_wan", TOP_DEPARTMENTS, "部门", by=["function_label"])
    reading = (
        f"{by_class.index[0]} is the largest function class ({_wan(by_class.iloc[0])}, "
        f"{by_class.iloc[0] / by_class.sum():.0%} of {stage.replace('_', ' ')} spending of "
        f"{classes['department_name'].nunique()} departments, each counted once: its latest year, "
        f"the 部门 disclosure before the 单位 one, the 支出总表 before the fund tables)."
    )
    chart = (
        alt.Chart(shown_classes, title=f"功能分类（类）支出，万元（{stage_name}，各部门最近年度）")
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
    return chart_section(key, title, reading, chart, table, "marts.rpt_function_spending")


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
    # one row per class and stage (summed over departments, as the bars are): bounded by the classification
    drawn = (paired.groupby(["function_label", "stage_label"], as_index=False)
             .agg(total_wan=("total_wan", "sum"), departments=("department_name", "nunique")))
    chart = (
        alt.Chart(drawn, title="预算与决算（类），万元")
        .mark_bar()
        .encode(
            y=alt.Y("function_label:N", title="功能分类（类）", axis=alt.Axis(labelLimit=320)),
            yOffset=alt.YOffset("stage_label:N", sort=["预算", "决算"]),
            x=alt.X("sum(total_wan):Q", title="万元"),
            color=alt.Color("stage_label:N", title="阶段", sort=["预算", "决算"],
                            scale=alt.Scale(domain=["预算", "决算"], range=["#a5cdee", "#236aa4"])),
            tooltip=["function_label:N", "stage_label:N", alt.Tooltip("departments:Q", title="部门数"),
                     alt.Tooltip("sum(total_wan):Q", format=",.2f")],
        )
        .properties(width=520)
    )
    return chart_section(key, title, reading, chart, table, "marts.rpt_function_spending")


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
    """Every section of the report, from an open (read-only) serving connection.

    A section that raises becomes a note naming the error (logged with its traceback): one chart
    that cannot be built never costs the report its other charts. The comparison sections (issue 27)
    are present only where their mart has rows; the review list closes the report.
    """
    from orchestration.reporting import comparisons  # issue 27 §2: a section only where its mart has rows
    from orchestration.reporting.review_queue import review_queue  # issue 27 §3: the review list with evidence

    sections = [build_section(section, con) for section in (*SECTIONS, targets_met_by_department)]
    for several in (comparisons.year_over_year, comparisons.year_over_year_three_public,
                    comparisons.plan_vs_outcome_printed):
        sections += build_sections_of(several, con)
    sections.append(build_section(review_queue, con))
    return sections


def build_section(section, con: duckdb.DuckDBPyConnection) -> Section:
    """``section(con)``, or a note-only :class:`Section` saying why it could not be built."""
    try:
        return section(con)
    except Exception as error:  # noqa: BLE001 - reported in the section itself and logged
        return _failed_section(section, error)


def build_sections_of(sections, con: duckdb.DuckDBPyConnection) -> list[Section]:
    """``sections(con)`` (a function giving zero or more sections), or one note-only section saying why not."""
    try:
        return sections(con)
    except Exception as error:  # noqa: BLE001 - reported in the section itself and logged
        return [_failed_section(sections, error)]


def _failed_section(section, error: Exception) -> Section:
    log.exception("report section %s failed", section.__name__)
    note = f"this section could not be built: {type(error).__name__}: {str(error)[:300]}"
    return Section(section.__name__, section.__name__, note, None, pd.DataFrame(), note)
