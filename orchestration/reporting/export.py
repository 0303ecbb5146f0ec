"""Export the marts users filter most to one Excel workbook and one CSV per sheet (issue 27 §3).

Reads ``serving.duckdb`` (read-only) and writes, into an output folder (default
``$WAREHOUSE_DIR/export/``):

- ``warehouse_export.xlsx``: one sheet per view of :data:`SHEETS` (spending by function class,
  year over year, budget vs final accounts, targets vs the budget, targets vs outcomes, findings),
  Chinese headers with their unit (``金额（万元）``), amounts as numbers (never text), a frozen
  header row and an auto filter over the used range; a cell holding an evidence image's path
  (column ``evidence_path`` of a mart, when it has one) is a hyperlink to the file;
- ``<sheet key>.csv`` per sheet: the same headers and values, UTF-8 with a BOM so that Excel opens
  the Chinese text without an import dialog.

Every file is written to a temporary name in the same folder and renamed over the old one
(:func:`os.replace`), so a reader never sees half a workbook. A sheet whose mart is missing from the
serving database (e.g. ``rpt_targets_vs_outcomes`` before the 自评表 marts exist) is skipped and
listed in :attr:`ExportResult.skipped`; a mart that exists with no rows gives a sheet with its
header only (an empty comparison is an answer, not an error).

Run it as ``python -m orchestration.reporting.export`` (``make export``) or through the Dagster asset
``warehouse_export`` (group reports).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

EXPORT_DIR_NAME = "export"
WORKBOOK_NAME = "warehouse_export.xlsx"

#: Excel number formats by column kind: 万元 keep the six decimals the marts hold (1 元 = 0.0001 万元)
#: but show two at least; 元 two; a rate is a fraction shown as a percentage; a year as digits.
NUMBER_FORMATS = {
    "wan": "#,##0.00####",
    "yuan": "#,##0.00",
    "rate": "0.00%",
    "int": "0",
    "text": "@",
}

#: The header of a mart's ``evidence_path`` column (helper "evd", issue 27 §3) when a sheet has one.
EVIDENCE_COLUMN = "evidence_path"
EVIDENCE_HEADER = "证据图片（链接）"


@dataclass(frozen=True)
class Column:
    """One exported column: the mart's column, the Chinese header with its unit, the value kind."""

    name: str
    header: str
    kind: str = "text"


@dataclass(frozen=True)
class Sheet:
    """One view: a sheet name (≤ 31 characters, Excel's limit), the CSV's file stem, the mart it reads,
    the columns (``None``: every column of the mart, headed by :data:`GENERIC_HEADERS` or its own
    name), an optional SQL filter and order."""

    key: str
    name: str
    relation: str
    columns: tuple[Column, ...] | None
    where: str = ""
    order_by: str = ""


def _c(name: str, header: str, kind: str = "text") -> Column:
    return Column(name, header, kind)


_YOY_TAIL = (
    _c("prior_year", "上年", "int"),
    _c("current_year", "本年", "int"),
    _c("prior_wan", "上年金额（万元）", "wan"),
    _c("current_wan", "本年金额（万元）", "wan"),
    _c("change_wan", "增减（万元）", "wan"),
    _c("change_rate", "增减率（%）", "rate"),
    _c("presence", "比较（both 两年均有 / current_only 仅本年 / prior_only 仅上年）"),
    _c("prior_file_name", "上年文件"),
    _c("prior_page", "上年页码", "int"),
    _c("current_file_name", "本年文件"),
    _c("current_page", "本年页码", "int"),
)

#: Every view, in the workbook's order.
SHEETS: tuple[Sheet, ...] = (
    Sheet("function_spending", "功能分类支出", "rpt_function_spending", (
        _c("department_name", "部门"), _c("fiscal_year", "年度", "int"), _c("stage_label", "阶段"),
        _c("scope", "范围"), _c("function_code", "功能分类科目编码"), _c("function_level", "层级"),
        _c("function_name", "科目名称"), _c("total_wan", "合计（万元）", "wan"),
        _c("basic_wan", "基本支出（万元）", "wan"), _c("project_wan", "项目支出（万元）", "wan"),
        _c("amount_rule", "取数规则"), _c("file_name", "文件"),
    ), order_by="department_name, fiscal_year, stage, function_code"),
    Sheet("yoy_function", "同比（功能分类）", "rpt_yoy_function_expenditure", (
        _c("department_name", "部门"), _c("scope", "范围"), _c("stage", "阶段"), _c("fund_type", "资金性质"),
        _c("function_code", "功能分类科目编码"), _c("function_level", "层级"), _c("function_name", "科目名称"),
    ) + _YOY_TAIL, order_by="department_name, current_year, fund_type, function_code"),
    Sheet("yoy_economic", "同比（经济分类）", "rpt_yoy_economic_expenditure", (
        _c("department_name", "部门"), _c("scope", "范围"), _c("stage", "阶段"), _c("coverage", "支出范围"),
        _c("economic_code", "经济分类科目编码"), _c("economic_level", "层级"), _c("economic_name", "科目名称"),
    ) + _YOY_TAIL, order_by="department_name, current_year, coverage, economic_code"),
    Sheet("yoy_three_public", "同比（三公经费）", "rpt_yoy_three_public_expenses", (
        _c("department_name", "部门"), _c("scope", "范围"), _c("stage", "阶段"), _c("expense", "项目代码"),
        _c("expense_label", "项目"), _c("fund", "资金"),
    ) + _YOY_TAIL, order_by="department_name, current_year, expense, fund"),
    Sheet("budget_vs_final", "预算与决算（功能分类）", "rpt_budget_vs_final_by_function", (
        _c("department_name", "部门"), _c("fiscal_year", "年度", "int"), _c("scope", "范围"),
        _c("fund_type", "资金性质"), _c("function_code", "功能分类科目编码"), _c("function_name", "科目名称"),
        _c("budget_total_wan", "预算数（万元）", "wan"), _c("final_total_wan", "决算数（万元）", "wan"),
        _c("difference_wan", "差额（万元）", "wan"), _c("execution_rate", "执行率（%）", "rate"),
        _c("budget_source", "预算数来源"), _c("budget_file_name", "预算数文件"), _c("budget_page", "预算数页码", "int"),
        _c("final_file_name", "决算文件"), _c("final_page", "决算数页码", "int"),
    ), where="final_accounts_document_id IS NOT NULL", order_by="department_name, fiscal_year, fund_type, function_code"),
    Sheet("budget_vs_final_three_public", "预算与决算（三公经费）", "rpt_budget_vs_final_three_public", (
        _c("department_name", "部门"), _c("fiscal_year", "年度", "int"), _c("scope", "范围"),
        _c("expense_label", "项目"), _c("fund", "资金"), _c("budget_wan", "预算数（万元）", "wan"),
        _c("final_wan", "决算数（万元）", "wan"), _c("execution_rate", "执行率（%）", "rate"),
        _c("budget_source", "预算数来源"), _c("budget_file_name", "预算数文件"), _c("budget_page", "预算数页码", "int"),
        _c("final_file_name", "决算文件"), _c("final_page", "决算数页码", "int"),
    ), order_by="department_name, fiscal_year, expense"),
    Sheet("targets_vs_budget", "绩效目标与预算", "rpt_targets_vs_department_budget", None,
          order_by="1, 2"),
    Sheet("targets_vs_budget_projects", "绩效目标与预算（项目）", "rpt_targets_vs_budget_projects", (
        _c("department", "部门"), _c("fiscal_year", "年度", "int"), _c("comparison", "对比（project 项目 / total 合计）"),
        _c("project_name", "项目名称"), _c("targets_amount_wan", "绩效目标表金额（万元）", "wan"),
        _c("bundle_amount_wan", "部门预算项目支出表金额（万元）", "wan"), _c("difference_wan", "差额（万元）", "wan"),
        _c("status", "结果（equal 一致 / differs 不一致 / targets_only 仅目标表 / bundle_only 仅预算）"),
        _c("targets_file_name", "绩效目标表文件"), _c("targets_page", "绩效目标表页码", "int"),
        _c("bundle_file_name", "部门预算文件"), _c("bundle_page", "项目支出表页码", "int"), _c("bundle_label", "合计口径"),
    ), order_by="department, fiscal_year, targets_file_name, comparison DESC, project_name"),
    Sheet("targets_vs_outcomes", "绩效目标与完成", "rpt_targets_vs_outcomes", None, order_by="1"),
    Sheet("findings", "发现（公开表勾稽）", "rpt_disclosure_checks", (
        _c("department_name", "部门"), _c("file_name", "文件"), _c("source_page", "页码", "int"),
        _c("table_title", "表名"), _c("rule", "规则"), _c("severity", "严重性"), _c("subject", "对象"),
        _c("left_label", "左项"), _c("left_yuan", "左项金额（元）", "yuan"), _c("right_label", "右项"),
        _c("right_yuan", "右项金额（元）", "yuan"), _c("difference_yuan", "差额（元）", "yuan"),
    ), where="difference_cents <> 0", order_by="file_name, source_page, rule"),
    Sheet("target_findings", "发现（目标表勾稽）", "rpt_reconciliation_findings", (
        _c("department", "部门"), _c("fiscal_year", "年度", "int"), _c("file_name", "文件"),
        _c("source_page", "页码", "int"), _c("parent_label", "合计行"), _c("amount_column", "金额列"),
        _c("parent_amount", "合计（万元）", "wan"), _c("children_sum", "明细之和（万元）", "wan"),
        _c("difference", "差额（万元）", "wan"),
    ), order_by="file_name, source_page"),
)

#: Headers of the columns a sheet exports whole (``columns=None``): the usual mart column names.
GENERIC_HEADERS = {
    "department": "部门", "department_name": "部门", "fiscal_year": "年度", "file_name": "文件",
    "project_name": "项目", "indicator_name": "指标", "target_value": "目标值", "outcome_value": "完成值",
    "targets_file_name": "绩效目标表文件", "targets_total_wan": "绩效目标表合计（万元）",
    "targets_total_page": "合计行页码", "department_form_file_name": "部门整体绩效目标文件",
    "form_project_expenditure_wan": "项目支出（万元）", "difference_wan": "差额（万元）", "is_equal": "一致",
    EVIDENCE_COLUMN: EVIDENCE_HEADER,
}


@dataclass
class ExportResult:
    """What :func:`write_export` wrote: the workbook, the CSVs, rows per sheet and the skipped sheets."""

    workbook: Path
    csvs: dict[str, Path] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def relation_columns(con: duckdb.DuckDBPyConnection, relation: str, schema: str = "marts") -> list[str]:
    """The columns of ``schema.relation`` in order; empty when it does not exist."""
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
        "ORDER BY ordinal_position", [schema, relation]).fetchall()]


def sheet_columns(sheet: Sheet, available: list[str]) -> list[Column]:
    """The columns a sheet exports from a mart with ``available`` columns: the declared ones (a declared
    column the mart lacks raises ``KeyError``: the mart changed under the export), plus its
    ``evidence_path`` when the mart has one; every column for a sheet declared ``columns=None``."""
    if sheet.columns is None:
        columns = [Column(name, GENERIC_HEADERS.get(name, name), _kind_of(name)) for name in available]
    else:
        missing = [c.name for c in sheet.columns if c.name not in available]
        if missing:
            raise KeyError(f"marts.{sheet.relation} has no column {', '.join(missing)} (sheet {sheet.name})")
        columns = list(sheet.columns)
        if EVIDENCE_COLUMN in available:
            columns.append(Column(EVIDENCE_COLUMN, EVIDENCE_HEADER))
    return columns


def _kind_of(name: str) -> str:
    if name.endswith("_wan"):
        return "wan"
    if name.endswith("_yuan"):
        return "yuan"
    if name.endswith("_rate"):
        return "rate"
    if name.endswith("_year") or name.endswith("_page"):
        return "int"
    return "text"


def fetch_sheet(con: duckdb.DuckDBPyConnection, sheet: Sheet, columns: list[Column]) -> list[tuple]:
    """The rows of one sheet, in the declared column order."""
    # identifiers from the sheet definitions in this module (never document content), quoted
    column_list = ", ".join(f'"{c.name}"' for c in columns)
    table = sheet.relation
    sql = f'SELECT {column_list} FROM marts."{table}"'
    if sheet.where:
        sql += f" WHERE {sheet.where}"
    if sheet.order_by:
        sql += f" ORDER BY {sheet.order_by}"
    return con.execute(sql).fetchall()


def cell_value(value, kind: str):
    """A value as the workbook stores it: amounts and rates as numbers (Decimal → float keeps the
    marts' six decimals of 万元 exactly enough for display: ≤ 15 significant digits), the rest as is."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def _write_sheet(workbook: Workbook, sheet: Sheet, columns: list[Column], rows: list[tuple]) -> None:
    ws = workbook.create_sheet(sheet.name)
    ws.append([c.header for c in columns])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append([cell_value(v, c.kind) for v, c in zip(row, columns)])
    for j, column in enumerate(columns, start=1):
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = max(10, min(40, len(column.header) * 2 + 2))
        if column.kind != "text":
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                if isinstance(cell.value, (int, float)):
                    cell.number_format = NUMBER_FORMATS[column.kind]
        if column.name == EVIDENCE_COLUMN:
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                if cell.value:
                    cell.hyperlink = str(cell.value)
                    cell.style = "Hyperlink"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"


def _csv_value(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    return "" if value is None else value


def _replace_atomically(write, path: Path) -> None:
    """Call ``write(tmp_path)`` for a temporary file beside ``path``, then rename it over ``path``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; the export is for the users of the warehouse
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(path: Path, columns: list[Column], rows: list[tuple]) -> None:
    """One sheet as CSV, UTF-8 with BOM (``utf-8-sig``), written atomically."""
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([c.header for c in columns])
            writer.writerows([_csv_value(v) for v in row] for row in rows)
    _replace_atomically(write, path)


def write_export(serving_path: str | Path, out_dir: str | Path, sheets: tuple[Sheet, ...] = SHEETS) -> ExportResult:
    """Write the workbook and the CSVs of ``sheets`` from ``serving_path`` (opened read-only) into ``out_dir``.

    Raises ``FileNotFoundError`` when the serving database does not exist and ``KeyError`` when a mart
    lacks a declared column. A missing mart skips its sheet (reason in the result).
    """
    serving_path, out_dir = Path(serving_path), Path(out_dir)
    if not serving_path.exists():
        raise FileNotFoundError(f"no serving database at {serving_path} (run the pipeline first: make run)")
    out_dir.mkdir(parents=True, exist_ok=True)
    result = ExportResult(out_dir / WORKBOOK_NAME)
    workbook = Workbook()
    workbook.remove(workbook.active)
    with duckdb.connect(str(serving_path), read_only=True) as con:
        for sheet in sheets:
            available = relation_columns(con, sheet.relation)
            if not available:
                result.skipped[sheet.key] = f"marts.{sheet.relation} is not in {serving_path.name}"
                continue
            columns = sheet_columns(sheet, available)
            rows = fetch_sheet(con, sheet, columns)
            _write_sheet(workbook, sheet, columns, rows)
            csv_path = out_dir / f"{sheet.key}.csv"
            write_csv(csv_path, columns, rows)
            result.csvs[sheet.key], result.rows[sheet.key] = csv_path, len(rows)
    if not workbook.sheetnames:
        workbook.create_sheet("说明").append(["serving.duckdb holds none of the exported marts"])
    _replace_atomically(workbook.save, result.workbook)
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m orchestration.reporting.export [--serving PATH] [--out DIR]`` (``make export``)."""
    from orchestration.settings import warehouse_dir

    root = Path(warehouse_dir())
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serving", default=str(root / "serving.duckdb"))
    parser.add_argument("--out", default=str(root / EXPORT_DIR_NAME))
    args = parser.parse_args(argv)
    result = write_export(args.serving, args.out)
    print(f"wrote {result.workbook}")
    for key, count in result.rows.items():
        print(f"  {key}: {count} rows → {result.csvs[key].name}")
    for key, reason in result.skipped.items():
        print(f"  {key}: skipped ({reason})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
