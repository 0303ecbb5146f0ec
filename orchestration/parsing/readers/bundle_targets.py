"""The project targets a 部门预算 bundle prints beside its tables, judged by the bundle's own numbers.

Steps 5–6 of :mod:`..spine`: the budget lines of a bundle's target tables (national grid, 项目支出绩效表)
join the document (:func:`append_lines`); lines without a unit get the document's department
(:func:`unit_from_department`); a parent line without amounts is the sum of its children
(:func:`sum_parents`); the fund split printed under 其中 (财政资金 / 其他资金) is read onto the projects
(:func:`fund_columns`); and Σ of the target table's projects is compared with the 项目支出 total of the
支出总表 or 项目支出表 (:func:`targets_vs_project_expenditure`: a finding either way, in 万元).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from ..disclosure_records import InventoryEntry
from ..records import BudgetLine, ParsedDocument, ParseError, ParseEvent
from ..tables import table_unit
from ..text_common import parse_amount
from .budget_tables import column_labels, split_header

_CENT = Decimal("0.01")


def append_lines(document: ParsedDocument, lines: list[BudgetLine]) -> None:
    """Budget lines of another target table after the document's, numbered on."""
    offset = len(document.budget_lines)
    for line in lines:
        line.line_no += offset
    document.budget_lines = document.budget_lines + lines


def unit_from_department(document: ParsedDocument, department: str | None) -> None:
    """Step 6: projects without a spending unit are the department's own; a unit line is added where
    the reader made none (its amounts, and a derived 合计's, are summed by :func:`sum_parents`), and
    the reader's ``spending_unit_not_stated`` event is replaced by ``spending_unit_from_department``."""
    if department is None or not any(b.line_type == "project" and b.spending_unit is None for b in document.budget_lines):
        return
    lines: list[BudgetLine] = []
    shift: dict[int, int] = {}
    for line in document.budget_lines:
        if line.line_type == "spending_unit" and line.spending_unit is None:
            line.spending_unit = department
        if line.line_type == "project" and line.spending_unit is None:
            previous = lines[-1] if lines else None
            if previous is None or previous.line_type == "department_total" or previous.spending_unit != department:
                lines.append(BudgetLine(0, "spending_unit", department, None, amount_columns_rule="sum_of_projects",
                                        source_page=line.source_page))
            line.spending_unit = department
        shift[line.line_no] = len(lines) + 1
        lines.append(line)
    for n, line in enumerate(lines, start=1):
        line.line_no = n
    for indicator in document.indicators:
        indicator.line_no = shift.get(indicator.line_no, indicator.line_no)
    total = lines[0] if lines and lines[0].line_type == "department_total" else None
    if total is not None and total.amount_columns_rule in _DERIVED_TOTAL_RULES:
        for name in _AMOUNT_FIELDS:  # recomputed from the units below (sum_parents)
            setattr(total, name, None)
        total.amount_columns_rule = "sum_of_units"
        units = sum(1 for b in lines if b.line_type == "spending_unit")
        document.events[:] = [e for e in document.events if e.kind != "department_total_derived"]
        document.events.append(ParseEvent("department_total_derived", f"the target table prints no 合计 of its "
                                          f"projects; the total is the sum of its {units} unit(s)"))
    document.budget_lines = lines
    document.events[:] = [e for e in document.events if e.kind != "spending_unit_not_stated"]
    document.events.append(ParseEvent("spending_unit_from_department", f"the target table names no 单位 of its "
                                      f"projects: they are read as the department's own ({department})"))


#: How a reader marks a 合计 it derived (the table prints none): from its units, or from its projects when
#: no unit is named (readers/grid_records.py).
_DERIVED_TOTAL_RULES = ("sum_of_units", "sum_of_projects")
#: Amount fields of a budget line (万元).
_AMOUNT_FIELDS = ("amount_total", "amount_fiscal_appropriation", "amount_special_account", "amount_other")


def sum_parents(lines: list[BudgetLine]) -> None:
    """Fill the empty amounts of derived lines from their children, each as stored (half-up to 0.01
    万元, :func:`~.records.check_storable`) so they reconcile: a spending-unit line's from its projects
    (the lines after it), a ``sum_of_units`` 合计 from the units. A printed amount is never replaced."""
    for k, unit in enumerate(lines):
        if unit.line_type != "spending_unit":
            continue
        children = []
        for line in lines[k + 1:]:
            if line.line_type != "project":
                break
            children.append(line)
        _fill_from(unit, children)
    total = lines[0] if lines and lines[0].line_type == "department_total" else None
    if total is not None and total.amount_columns_rule in _DERIVED_TOTAL_RULES:
        part = "spending_unit" if total.amount_columns_rule == "sum_of_units" else "project"
        _fill_from(total, [b for b in lines if b.line_type == part])


def _fill_from(parent: BudgetLine, children: list[BudgetLine]) -> None:
    for name in _AMOUNT_FIELDS:
        values = [getattr(c, name) for c in children if getattr(c, name) is not None]
        if getattr(parent, name) is None and values:
            setattr(parent, name, sum((v.quantize(_CENT, rounding=ROUND_HALF_UP) for v in values), Decimal(0)))


#: Kinds whose 项目支出 total the target tables are judged against, in order of preference.
_PROJECT_TOTAL_KINDS = ("expenditure_summary", "project_expenditure")


def _comparable_kind(entry: InventoryEntry) -> str | None:
    """``expenditure_summary`` for the 支出总表 also when its header's 经济分类 column made it an
    economic_expenditure table (北京 预算03表 支出总表), else the entry's kind."""
    title = re.sub(r"\s+", "", entry.title or "")
    if entry.kind == "expenditure_summary" or ("支出总表" in title and "收" not in title):
        return "expenditure_summary"
    return entry.kind


def targets_vs_project_expenditure(budget_lines, inventory, rows, amounts, department=None) -> list[ParseEvent]:
    """Step 6: Σ of the target projects (万元) against the bundle's 项目支出 total, one event either way.

    The total, first found wins: the 项目支出 cell of the 支出总表's total row; the total row of a
    项目支出表; a 项目支出表's row named as the department; the sum of the 支出总表's 项目支出 column when
    it prints no total row and its codes do not nest (leaf rows only). Amounts in 元 are converted to 万元.
    """
    projects = [b.amount_total for b in budget_lines if b.line_type == "project" and b.amount_total is not None]
    if not projects:
        return []
    summed = sum(projects, Decimal(0))
    by_table = {e.table_no: e for e in inventory if e.entry_type == "table"}
    totals = {(r.table_no, r.row_no, r.side_no) for r in rows if r.row_kind == "total"}
    for kind in _PROJECT_TOTAL_KINDS:
        for a in amounts:
            entry = by_table.get(a.table_no)
            if entry is None or (a.table_no, a.row_no, a.side_no) not in totals or _comparable_kind(entry) != kind:
                continue
            if a.column_role != "project" and not (kind == "project_expenditure" and a.column_role == "total"):
                continue
            printed = _in_wan(a)
            return _targets_comparison(projects, summed, printed, f"the 项目支出 total {printed} 万元 of table "
                                       f"{a.table_no} ({entry.title or kind}, page {a.source_page})", a.source_page)
    for a in amounts:
        # a 项目支出表 without total row whose first row is the department's own (深圳 项目支出总表: 深圳市信访局 1,612.29)
        entry = by_table.get(a.table_no)
        if (entry is None or entry.kind != "project_expenditure" or a.column_role != "total" or department is None
                or any(r.table_no == a.table_no and r.row_kind == "total" for r in rows)):
            continue
        row = next((r for r in rows if (r.table_no, r.row_no, r.side_no) == (a.table_no, a.row_no, a.side_no)), None)
        if row is None or re.sub(r"\s+", "", row.name or "") != re.sub(r"\s+", "", department):
            continue
        printed = _in_wan(a)
        return _targets_comparison(projects, summed, printed, f"the department's row {row.name} {printed} 万元 of "
                                   f"table {a.table_no} ({entry.title}, page {a.source_page})", a.source_page)
    for table_no, entry in by_table.items():
        # a 支出总表 of leaf rows without a total row (北京 预算03表: function × economic class rows): its column sum
        if _comparable_kind(entry) != "expenditure_summary" or any(r.table_no == table_no for r in rows if r.row_kind == "total"):
            continue
        column = [a for a in amounts if a.table_no == table_no and a.column_role == "project"]
        codes = [r.code for r in rows if r.table_no == table_no and r.code]
        if not column or any(a != b and b.startswith(a) for a in codes for b in codes):
            continue
        printed = sum((_in_wan(a) for a in column), Decimal(0))
        return _targets_comparison(projects, summed, printed, f"Σ of the 项目支出 column {printed} 万元 of table "
                                   f"{table_no} ({entry.title}, pages {entry.first_page}-{entry.last_page}; it prints "
                                   "no total row)", entry.first_page)
    return [ParseEvent("targets_vs_project_expenditure", f"Σ of the {len(projects)} target-table projects {summed} 万元; "
                       "no 项目支出 total found in the 支出总表 or a 项目支出表 to compare it with")]


def _in_wan(amount) -> Decimal:
    """A stored amount cell in 万元 (the target tables' unit), whatever unit its table prints."""
    return amount.amount / Decimal(10000) if amount.unit == "元" else amount.amount


def _targets_comparison(projects: list, summed: Decimal, printed: Decimal, against: str, page: int | None) -> list[ParseEvent]:
    """The one ``targets_vs_project_expenditure`` event: Σ of the target projects (万元) against ``against``."""
    diff = summed - printed
    verdict = "equal" if diff == 0 else f"differ by {diff} 万元"
    return [ParseEvent("targets_vs_project_expenditure",
                       f"Σ of the {len(projects)} target-table projects {summed} 万元 vs {against}: {verdict}",
                       source_page=page)]


#: Fund columns of a multi-project grid under a ``其中`` header (北京: 项目总额 | 其中：财政资金 | 其他资金),
#: by the leaf label: BudgetLine field.
_FUND_COLUMNS = (("amount_fiscal_appropriation", r"^(财政资金|财政拨款(资金)?)$"),
                 ("amount_special_account", r"^财政专户"),
                 ("amount_other", r"^其他资金$"))


def fund_columns(budget_lines: list[BudgetLine], tables) -> list[ParseEvent]:
    """The fund split of each grid project (step 4), which the grid reader leaves out: the cells of the
    columns whose leaf header label names a fund (:data:`_FUND_COLUMNS`), in the project's row (its
    name's origin cell), in 万元 as the grid's total (元 tables divided by 10,000). Σ funds ≠ 项目总额
    gives a ``fund_columns_differ`` event; a cell that is not an amount an ``amount_cell_not_a_number`` one."""

    events: list[ParseEvent] = []
    projects = {}
    for line in budget_lines:
        if line.line_type == "project" and line.project_name:
            projects.setdefault(line.project_name, line)
    for table in tables:
        header, body = split_header(table)
        labels = column_labels(header, table.column_count)
        leaves = [re.sub(r"\s+", "", label.split("/")[-1]) for label in labels]
        name_column = next((j for j, label in enumerate(labels) if re.sub(r"\s+", "", label).startswith("项目名称")), None)
        funds = [(field, j) for field, pattern in _FUND_COLUMNS for j, leaf in enumerate(leaves) if re.search(pattern, leaf)]
        if name_column is None or not funds:
            continue
        scale = Decimal(10000) if table_unit(table.caption) == "元" else Decimal(1)
        for row in body:
            cell = row[name_column]
            line = projects.get(cell.text) if cell.is_origin else None
            if line is None:
                continue
            for field, j in funds:
                text = row[j].text.strip() if row[j].is_origin else ""
                try:
                    value = parse_amount(text) if text else None
                except ParseError:
                    events.append(ParseEvent("amount_cell_not_a_number", f"project {line.project_name!r} {labels[j]}: "
                                             f"{text[:40]!r} is not an amount", source_page=row[j].page))
                    continue
                if value is not None and getattr(line, field) is None:
                    setattr(line, field, value / scale if scale != 1 else value)
            parts = [getattr(line, field) for field, _ in funds if getattr(line, field) is not None]
            if parts and line.amount_total is not None and sum(parts, Decimal(0)) != line.amount_total:
                events.append(ParseEvent("fund_columns_differ", f"project {line.project_name!r}: 项目总额 "
                                         f"{line.amount_total} 万元 ≠ Σ of its funds {sum(parts, Decimal(0))} 万元",
                                         source_page=cell.page))
    return events
