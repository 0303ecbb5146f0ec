"""Reader of a project goal table inside a 部门预算: one row per project with its amount and 绩效目标.

Many 部门预算 print their project performance targets as a table without indicators:
杭州 / 湖州 ``项目支出绩效表`` (单位名称 | 项目名称 | 金额 | 绩效目标 or 项目总体绩效目标),
广州 / 珠海 ``重点项目预算绩效目标情况`` (项目 | 预算数（单位：万元） | 绩效目标). Columns are
typed by their header labels (:data:`GOAL_COLUMNS`, spaces ignored, first match wins), never by
position. Rules, row by row (body rows after the header, pages joined by :mod:`..formats.pdf`):

- a row of column numbers (``** | ** | 1 | 2``: every cell ``*`` or a small number) labels the
  columns: skipped, with a ``column_numbers_row`` event;
- a row with an amount and neither project nor unit name (or named 合计 / 总计) is the table's
  total: the ``department_total`` line, as printed;
- a row with a project name is a project: its unit from the 单位名称 cell (a merged cell
  counts for every row it spans), else the document's department (``None`` here: the
  caller fills it); amount and 绩效目标 from their cells;
- a row with only a 绩效目标 (a goal continued over a page break) is appended to the project above;
- anything else is kept in a ``goal_row_not_read`` event with its cells.

Amounts are converted to 万元 (BudgetLine's unit) from the unit the table states (``单位：元`` /
``单位：万元`` in the caption, a bare ``万元`` / ``元`` ending a caption line, or a header label
such as ``预算数（单位：万元）`` / ``预算数（万元）``); a table that states none is read as 万元 with an
``amount_unit_not_stated`` event. A spending-unit line carries the sum of its projects; when the
table prints a total, Σ projects ≠ total is a ``targets_total_difference`` event (the document's
arithmetic, kept as a finding, never a reason to drop the table).
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..formats.grid import GridCell, GridTable
from ..records import BudgetLine, ParseError, ParseEvent
from ..text_common import parse_amount
from ..vocabulary import is_total_label
from .budget_tables import column_labels, split_header

#: Column types of a project goal table by header label (spaces ignored; first match wins).
GOAL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("goal", r"绩效目标|年度目标"),
    ("unit_name", r"单位名称|预算单位|资金使用单位|实施单位"),
    ("project", r"项目名称|^项目$|^项目/"),
    ("amount", r"金额|预算数|总额|合计|总计|资金"),
)
#: ``amount_columns_rule`` of the budget lines read here.
RULE = "goal_table_labels"
_IGNORED = re.compile(r"\s")
_UNIT_IN_LABEL = re.compile(r"单位\s*[:：]\s*(万元|元)")
_UNIT_IN_BRACKETS = re.compile(r"[（(]\s*(万元|元)\s*[)）]")
_BARE_UNIT = re.compile(r"(?:^|\s)(万元|元)\s*$")
_NUMBERS_ROW = re.compile(r"^(\*+|\d{1,2})$")


def goal_columns(labels: list[str]) -> dict[str, int]:
    """Column index of each type (:data:`GOAL_COLUMNS`) from a table's header labels (first column wins)."""
    columns: dict[str, int] = {}
    for j, label in enumerate(labels):
        key = _IGNORED.sub("", label)
        for name, pattern in GOAL_COLUMNS:
            if key and re.search(pattern, key):
                columns.setdefault(name, j)
                break
    return columns


def is_goal_header(labels: list[str]) -> bool:
    """True for the header of a project goal table: a project column, an amount column and a
    绩效目标 column, and no indicator (指标) column."""
    columns = goal_columns(labels)
    return {"project", "amount", "goal"} <= columns.keys() and not any("指标" in label for label in labels)


def stated_unit(caption: list[str], labels: list[str]) -> str | None:
    """The amount unit a goal table states: ``单位：万元`` in caption or a header label, a label
    ``预算数（万元）``, or a caption line ending in a bare ``万元`` / ``元`` (``341-湖州市财政局 万元``);
    ``None`` when none."""
    for text in [*caption, *labels]:
        match = _UNIT_IN_LABEL.search(text)
        if match:
            return match.group(1)
    for label in labels:
        match = _UNIT_IN_BRACKETS.search(label)
        if match:
            return match.group(1)
    for line in caption:
        match = _BARE_UNIT.search(line)
        if match:
            return match.group(1)
    return None


def read_project_goals(table: GridTable, unit: str | None) -> tuple[list[BudgetLine], list[ParseEvent]]:
    """Read a project goal table into budget lines (amounts in 万元; rules in the module docstring).

    ``unit`` is the table's stated unit (``元`` | ``万元`` | ``None``: read as 万元 with an event).
    Returns ``(budget_lines, events)``: ``department_total`` (printed, else the sum of the units),
    then each ``spending_unit`` (sum of its projects; ``spending_unit`` ``None`` when the table has
    no 单位名称 column) followed by its ``project`` lines with ``goal_text``. Never raises: a cell
    that is not an amount is an ``amount_cell_not_a_number`` event.
    """
    header, body = split_header(table)
    labels = column_labels(header, table.column_count)
    columns = goal_columns(labels)
    events: list[ParseEvent] = []
    where = f"table {table.table_no} pages {table.first_page}-{table.last_page}"
    unit = unit or stated_unit(table.caption, labels)
    if unit is None:
        events.append(ParseEvent("amount_unit_not_stated", f"{where}: no 单位 stated; amounts read as 万元",
                                 source_page=table.first_page))
    scale = Decimal(10000) if unit == "元" else Decimal(1)
    printed_total: tuple[Decimal | None, GridCell] | None = None
    projects: list[dict] = []

    def text(row: list[GridCell], name: str, origin_only: bool = True) -> str:
        j = columns.get(name)
        if j is None or j >= len(row) or (origin_only and not row[j].is_origin):
            return ""
        return row[j].text.strip()

    def amount(cell_text: str, page: int, what: str) -> Decimal | None:
        try:
            value = parse_amount(cell_text) if cell_text else None
        except ParseError:
            events.append(ParseEvent("amount_cell_not_a_number", f"{where} {what}: {cell_text[:40]!r} is not an amount",
                                     source_page=page))
            return None
        return None if value is None else value / scale if scale != 1 else value

    for row in body:
        origin = [c.text for c in row if c.is_origin and c.text]
        if not origin:
            continue
        page = row[0].page
        if all(_NUMBERS_ROW.match(_IGNORED.sub("", t)) for t in origin):
            events.append(ParseEvent("column_numbers_row", f"{where}: row of column numbers {' | '.join(origin)} skipped",
                                     source_page=page))
            continue
        project, unit_name = text(row, "project"), text(row, "unit_name", origin_only=False)
        amount_text, goal = text(row, "amount"), text(row, "goal")
        if (not project or is_total_label(project)) and (not unit_name or is_total_label(unit_name)) and amount_text:
            cell = row[columns["amount"]]
            printed_total = (amount(amount_text, page, "total"), cell)
            continue
        if project:
            cell = row[columns["project"]]
            projects.append({"project": project, "unit": unit_name or None, "goal": goal,
                             "amount": amount(amount_text, page, f"project {project!r}"), "cell": cell})
            continue
        if goal and not amount_text and projects:
            projects[-1]["goal"] += goal
            continue
        events.append(ParseEvent("goal_row_not_read", f"{where}: row not read: {' | '.join(origin)[:300]}", source_page=page))
    return _records(projects, printed_total, where, events), events


def _records(projects: list[dict], printed_total, where: str, events: list[ParseEvent]) -> list[BudgetLine]:
    """Budget lines: total, then each unit (first appearance order) with its projects."""
    units: dict[str | None, list[dict]] = {}
    for item in projects:
        units.setdefault(item["unit"], []).append(item)
    lines: list[BudgetLine] = []
    for unit_name, items in units.items():
        amounts = [i["amount"] for i in items if i["amount"] is not None]
        lines.append(BudgetLine(0, "spending_unit", unit_name, None, amount_total=sum(amounts, Decimal(0)) if amounts else None,
                                amount_columns_rule="sum_of_projects", source_page=items[0]["cell"].page))
        for item in items:
            x0, top, x1, bottom = item["cell"].bbox
            lines.append(BudgetLine(0, "project", unit_name, item["project"], amount_total=item["amount"],
                                    amount_columns_rule=RULE, goal_text=item["goal"] or None,
                                    source_page=item["cell"].page, bbox_x0=x0, bbox_top=top, bbox_x1=x1, bbox_bottom=bottom))
    summed = sum((i["amount"] for i in projects if i["amount"] is not None), Decimal(0))
    if printed_total is not None and printed_total[0] is not None:
        total, cell = printed_total
        if total != summed:
            events.append(ParseEvent("targets_total_difference", f"{where}: the printed total {total} 万元 ≠ Σ of the "
                                     f"{len(projects)} projects {summed} 万元 (diff {total - summed})", source_page=cell.page))
        head = BudgetLine(0, "department_total", None, None, amount_total=total, amount_columns_rule=RULE,
                          source_page=cell.page)
    else:
        head = BudgetLine(0, "department_total", None, None, amount_total=summed if projects else None,
                          amount_columns_rule="sum_of_units")
        events.append(ParseEvent("department_total_derived", f"{where}: no printed total; total {summed} 万元 is the sum "
                                 f"of its {len(projects)} projects"))
    lines.insert(0, head)
    for n, line in enumerate(lines, start=1):
        line.line_no = n
    return lines
