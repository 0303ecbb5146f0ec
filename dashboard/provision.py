"""Register serving.duckdb in Superset and (re)build the starter dashboard: run with Superset's own Python.

``dashboard/.venv/bin/python dashboard/provision.py /abs/path/serving.duckdb [--with-functions]``
(the launcher ``python -m orchestration.reporting.dashboard`` does it). Idempotent:
the database connection is updated in place, the datasets are refreshed from
the file, and the charts and the dashboard are rebuilt from the definitions
below on every start (dashboard as code; edits made in the UI to *these*
charts are replaced, new charts and dashboards are kept).

The connection is ``duckdb:///<file>?access_mode=read_only``: Superset never
writes the warehouse and never blocks the pipeline (it republishes by
replacing the file; a new connection sees the new file).
"""

from __future__ import annotations

import json
import sys

DATABASE_NAME = "budget warehouse (serving.duckdb, read-only)"
DASHBOARD_SLUG = "budget-warehouse"
DASHBOARD_TITLE = "预算绩效目标 · Budget warehouse"
FUNCTION_TABLE = "rpt_function_spending"  # same name as orchestration/reporting/charts.py
TOP_PROJECTS = 15


def bar(title, table, x, metric_sql, metric_label, series=None, stacked=True, where=None):
    """A horizontal bar chart (ECharts) of ``metric_sql`` per ``x``, split by ``series`` (rows: ``where``)."""
    params = {
        "viz_type": "echarts_timeseries_bar",
        "x_axis": x,
        "metrics": [{"expressionType": "SQL", "sqlExpression": metric_sql, "label": metric_label}],
        "groupby": [series] if series else [],
        "orientation": "horizontal",
        "stack": "Stack" if stacked and series else None,
        "adhoc_filters": [{"expressionType": "SQL", "clause": "WHERE", "sqlExpression": where}] if where else [],
        "row_limit": 1000,
        "show_legend": True,
        "legendOrientation": "top",
        "x_axis_sort_asc": False,
        "x_axis_sort": metric_label,
        "truncateXAxis": True,
        "y_axis_format": "SMART_NUMBER",
        "rich_tooltip": True,
    }
    return title, table, "echarts_timeseries_bar", params


def table(title, table_name, columns, order_by=None, where=None):
    """A raw table of ``columns`` (rows: ``where``)."""
    params = {
        "viz_type": "table",
        "query_mode": "raw",
        "all_columns": columns,
        "order_by_cols": [json.dumps([order_by, True])] if order_by else [],
        "adhoc_filters": [{"expressionType": "SQL", "clause": "WHERE", "sqlExpression": where}] if where else [],
        "row_limit": 1000,
    }
    return title, table_name, "table", params


#: The first dashboard: the report's charts, over the same rpt_ models.
CHARTS = [
    bar("部门支出（按资金来源） Spending by department and funding source", "rpt_spending_by_source",
        "department", "SUM(amount_wan)", "万元", series="funding_source_label"),
    bar("资金使用单位支出 Spending by spending unit", "rpt_spending_by_source",
        "spending_unit", "SUM(amount_wan)", "万元", series="funding_source_label"),
    bar(f"最大项目 The {TOP_PROJECTS} largest projects (万元)", "rpt_largest_projects",
        "project_name", "SUM(amount_total_wan)", "总计（万元）", where=f"amount_rank <= {TOP_PROJECTS}"),
    table("最大项目：目标与量化指标占比 Largest projects: goal and share quantified", "rpt_largest_projects",
          ["amount_rank", "project_name", "spending_unit", "amount_total_wan", "share_quantitative", "goal_text"],
          order_by="amount_rank", where=f"amount_rank <= {TOP_PROJECTS}"),
    bar("指标质量 Indicator quality per department (share)", "rpt_indicator_quality",
        "department", "AVG(share)", "占比", series="measure_label", stacked=False),
    bar("文件状态 Documents loaded and quarantined", "rpt_document_status",
        "status", "COUNT(*)", "文件数", series="doc_type"),
    table("勾稽差异 Reconciliation findings with their page", "rpt_reconciliation_findings",
          ["file_name", "parent_label", "amount_column", "parent_amount", "children_sum", "difference",
           "source_page", "source_line"]),
    # issue 27 §3: everything that needs a person; evidence_path is the image under WAREHOUSE_DIR (the report shows it)
    table("待复核清单 Review list: reason, page and evidence", "rpt_review_queue",
          ["review_no", "file_name", "reason_code", "reason", "source_page", "source_line", "evidence_path"],
          order_by="review_no"),
]

#: Added when a 绩效自评表 is loaded (rpt_outcomes_by_department has rows): promise against outcome (issue 27 §1).
OUTCOME_CHARTS = [
    bar("目标达成 Targets met per department (自评表)", "rpt_outcomes_by_department",
        "department", "SUM(met_count)", "达成"),
]

#: Added when the serving database has whole disclosures (rpt_function_spending, with rows):
#: one publication per department, year and stage, each amount counted once (rule in the model),
#: as in the report (each department's latest year; plan vs outcome only where both stages are loaded).
FUNCTION_CHARTS = [
    bar("功能分类支出（类） Spending by function class (万元)", FUNCTION_TABLE,
        "function_label", "SUM(total_wan)", "预算（万元）", series="department_name",
        where="function_level = 'class' AND stage = 'budget' AND is_latest_year"),
    bar("预算与决算 Plan versus outcome per function class (万元)", FUNCTION_TABLE,
        "function_label", "SUM(total_wan)", "万元", series="stage_label", stacked=False,
        where="function_level = 'class' AND has_both_stages"),
]

#: Added when two consecutive years of a department are loaded (rpt_yoy_function_expenditure has rows): year over
#: year per function class (same stage, scope and fund), the change in 万元 (issue 27 §2).
YOY_CHARTS = [
    bar("同比 Year over year per function class (change, 万元)", "rpt_yoy_function_expenditure",
        "function_name", "SUM(change_wan)", "增减（万元）", series="department_name", stacked=False,
        where="function_level = 'class' AND fund_type = 'all_funds'"),
    table("同比明细 Year over year: both years with their pages", "rpt_yoy_function_expenditure",
          ["department_name", "function_code", "function_name", "prior_year", "prior_wan", "current_year", "current_wan",
           "change_wan", "change_rate", "presence", "prior_page", "current_page"],
          where="function_level = 'class'"),
]


def position(slices) -> dict:
    """Dashboard layout: one chart per row, full width."""
    layout = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
        "HEADER_ID": {"type": "HEADER", "id": "HEADER_ID", "meta": {"text": DASHBOARD_TITLE}},
    }
    for n, chart in enumerate(slices, start=1):
        row, cell = f"ROW-{n}", f"CHART-{n}"
        layout["GRID_ID"]["children"].append(row)
        layout[row] = {"type": "ROW", "id": row, "children": [cell], "parents": ["ROOT_ID", "GRID_ID"],
                       "meta": {"background": "BACKGROUND_TRANSPARENT"}}
        layout[cell] = {"type": "CHART", "id": cell, "children": [], "parents": ["ROOT_ID", "GRID_ID", row],
                        "meta": {"width": 12, "height": 60 if chart.viz_type != "table" else 50,
                                 "chartId": chart.id, "sliceName": chart.slice_name, "uuid": str(chart.uuid)}}
    return layout


#: The optional chart groups by the launcher's flag (orchestration/reporting/dashboard.py: a group is added when the
#: model it draws has rows, so no chart of the dashboard is empty).
OPTIONAL_CHARTS = {"--with-functions": FUNCTION_CHARTS, "--with-yoy": YOY_CHARTS, "--with-outcomes": OUTCOME_CHARTS}


def provision(serving_path: str, with_functions: bool, flags: tuple[str, ...] = ()) -> str:
    """Create or update the connection, datasets, charts and dashboard; return the dashboard's URL path.

    ``with_functions``: add the function-class charts (the launcher decides, with the
    report's rule: ``rpt_function_spending`` exists and has rows); ``flags``: the other groups of
    :data:`OPTIONAL_CHARTS` to add (``--with-yoy``, ``--with-outcomes``).
    """
    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from superset import db, security_manager
        from superset.connectors.sqla.models import SqlaTable
        from superset.models.core import Database
        from superset.models.dashboard import Dashboard
        from superset.models.slice import Slice

        uri = f"duckdb:///{serving_path}?access_mode=read_only"
        database = db.session.query(Database).filter_by(database_name=DATABASE_NAME).one_or_none()
        if database is None:
            database = Database(database_name=DATABASE_NAME, sqlalchemy_uri=uri, expose_in_sqllab=True)
            db.session.add(database)
        database.set_sqlalchemy_uri(uri)
        db.session.flush()

        wanted = CHARTS + (FUNCTION_CHARTS if with_functions else [])
        for flag in flags:
            if flag != "--with-functions":
                wanted = wanted + OPTIONAL_CHARTS[flag]

        datasets = {}
        for _, table_name, _, _ in wanted:
            if table_name in datasets:
                continue
            dataset = db.session.query(SqlaTable).filter_by(
                database_id=database.id, schema="marts", table_name=table_name).one_or_none()
            if dataset is None:
                dataset = SqlaTable(table_name=table_name, schema="marts", database=database)
                db.session.add(dataset)
                db.session.flush()
            dataset.fetch_metadata()
            datasets[table_name] = dataset

        dashboard = db.session.query(Dashboard).filter_by(slug=DASHBOARD_SLUG).one_or_none()
        old_slices = list(dashboard.slices) if dashboard else []
        if dashboard is None:
            dashboard = Dashboard(slug=DASHBOARD_SLUG)
            db.session.add(dashboard)
        for old in old_slices:
            db.session.delete(old)
        db.session.flush()

        slices = []
        for title, table_name, viz_type, params in wanted:
            dataset = datasets[table_name]
            params = dict(params, datasource=f"{dataset.id}__table")
            chart = Slice(slice_name=title, viz_type=viz_type, datasource_type="table",
                          datasource_id=dataset.id, params=json.dumps(params, ensure_ascii=False))
            db.session.add(chart)
            slices.append(chart)
        db.session.flush()
        dashboard.dashboard_title = DASHBOARD_TITLE
        dashboard.slices = slices
        dashboard.published = True
        dashboard.position_json = json.dumps(position(slices), ensure_ascii=False)
        dashboard.json_metadata = json.dumps({"color_scheme": "supersetColors", "refresh_frequency": 0})
        admin = security_manager.find_user(username="admin")
        if admin is not None:
            dashboard.owners = [admin]
        db.session.commit()
        print(f"Provisioned {len(slices)} charts on {serving_path} (function-class charts: "
              f"{'yes' if with_functions else 'no whole disclosures loaded'})")
        return f"/superset/dashboard/{DASHBOARD_SLUG}/"


if __name__ == "__main__":
    flags = tuple(sys.argv[2:])
    print(provision(sys.argv[1], with_functions="--with-functions" in flags, flags=flags))
