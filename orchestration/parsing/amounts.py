"""Amount columns of 项目支出绩效目标表 rows: assignment and reconciliation.

The table has four amount columns, in 万元: 总计, 财政拨款, 财政专户拨款, 其他资金
(``AMOUNT_FIELDS``). Tab-separated extracts keep the cell positions, so the
columns are exact. Line extracts (``line_flow``, ``rows_then_indicators``)
drop empty cells, so a row only shows the non-empty numbers and the column
of each number has to be *decided*:

=============  =====================================================  ==================
printed        reading                                                 rule
=============  =====================================================  ==================
4 numbers      all four columns                                        ``all_columns``
3 numbers      a = b + c: 总计 a, 财政拨款 b, c non-fiscal:               ``default`` + event
               其他资金 by default (see ``NON_FISCAL_DEFAULT``)
2 equal        总计 + 财政拨款 (the usual case)                          ``total_and_fiscal``
2 equal, but   总计 + the parent's non-fiscal column, when exactly one     ``reconciled`` + event
subtotal says  set of such rows adds up to the parent's non-fiscal amount
2 unequal      总计 a, 财政拨款 b (remainder unknown)                     ``default`` + event
1 number       总计 only                                                ``default`` + event
=============  =====================================================  ==================

Reconciliation (``reconciliation_events``): projects must add up to their
spending unit and units to the 合计 row, column by column, to 0.01 (an empty
cell counts as 0). Differences are *reported*, never forced: the events
carry both numbers so an auditor can see that the source itself is off.

These events are a *parse finding* in words (``raw.parse_events``, with the
printed line), made on the text-extract paths while the columns are decided;
they do not compare the 合计 with projects printed directly under it. The
warehouse's reconciliation rule, which the GX gate enforces (quarantine above
one cent) and the marts report, is the dbt macro ``budget_reconciliation``
(``dbt_project/macros/budget_hierarchy.sql``, model
``int_budget_reconciliation``), not this code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .records import AMOUNT_FIELDS, BudgetLine, ParseEvent
from .text_common import format_amount

TOLERANCE = Decimal("0.01")
ZERO = Decimal("0")

#: Column given to the third printed number when the text cannot tell
#: 财政专户拨款 from 其他资金. 其他资金 because in the tab-separated extracts of
#: this form (seed 003) the non-fiscal remainder of units and of the 合计 row
#: sits in 其他资金, and 财政专户拨款 is empty on every row seen so far.
NON_FISCAL_DEFAULT = "amount_other"
NON_FISCAL_FIELDS = ("amount_special_account", "amount_other")

COLUMN_LABELS = {
    "amount_total": "总计",
    "amount_fiscal_appropriation": "财政拨款",
    "amount_special_account": "财政专户拨款",
    "amount_other": "其他资金",
}


@dataclass
class Hierarchy:
    """The 合计 row, and each spending unit with its projects, in document order."""

    total: BudgetLine | None
    units: list[tuple[BudgetLine, list[BudgetLine]]] = field(default_factory=list)
    orphans: list[BudgetLine] = field(default_factory=list)  # projects before any unit


def build_hierarchy(lines: list[BudgetLine]) -> Hierarchy:
    """Group budget lines: total, then each unit followed by its projects."""
    hierarchy = Hierarchy(total=None)
    for line in lines:
        if line.line_type == "department_total":
            hierarchy.total = line
        elif line.line_type == "spending_unit":
            hierarchy.units.append((line, []))
        elif hierarchy.units:
            hierarchy.units[-1][1].append(line)
        else:
            hierarchy.orphans.append(line)
    return hierarchy


def row_label(line: BudgetLine) -> str:
    """Human name of a row for event details (``合计``, the unit or the project)."""
    if line.line_type == "department_total":
        return "合计"
    if line.line_type == "spending_unit":
        return line.spending_unit or "?"
    return line.project_name or "?"


# --------------------------------------------------------------------------
# Printed numbers → columns
# --------------------------------------------------------------------------


def assign_printed_numbers(line: BudgetLine, numbers: list[Decimal]) -> list[ParseEvent]:
    """Put the numbers printed on a line-layout row into the four columns.

    Implements the table above (without the parent-based override, which
    :func:`decide_columns_from_subtotals` applies afterwards). Sets the
    amounts and ``amount_columns_rule`` on ``line``; returns the
    ``amount_columns_decided`` events for the non-obvious cases.
    """
    printed = " ".join(format_amount(n) for n in numbers)
    label = row_label(line)
    if len(numbers) >= 4:
        _set_columns(line, numbers[0], numbers[1], numbers[2], numbers[3], "all_columns")
        return []
    if len(numbers) == 3:
        total, fiscal, rest = numbers
        _set_columns(line, total, fiscal, None, None, "default")
        setattr(line, NON_FISCAL_DEFAULT, rest)
        adds_up = total == fiscal + rest
        why = (
            f"{format_amount(total)} = {format_amount(fiscal)} + {format_amount(rest)}, so they are 总计, 财政拨款 "
            "and one non-fiscal column"
            if adds_up
            else f"{format_amount(total)} != {format_amount(fiscal)} + {format_amount(rest)}; read in table order"
        )
        return [
            _decided(
                line,
                f"{label}: printed {printed}; {why}. The text does not say whether {format_amount(rest)} is "
                f"财政专户拨款 or 其他资金: default {COLUMN_LABELS[NON_FISCAL_DEFAULT]} (the column that holds the "
                "non-fiscal remainder in tab-separated extracts of this form)",
            )
        ]
    if len(numbers) == 2 and numbers[0] == numbers[1]:
        _set_columns(line, numbers[0], numbers[1], None, None, "total_and_fiscal")
        return []
    if len(numbers) == 2:
        _set_columns(line, numbers[0], numbers[1], None, None, "default")
        return [
            _decided(
                line,
                f"{label}: printed {printed}; two different numbers read as 总计 and 财政拨款, the remaining "
                f"{format_amount(numbers[0] - numbers[1])} is in a column the text does not show",
            )
        ]
    if len(numbers) == 1:
        _set_columns(line, numbers[0], None, None, None, "default")
        return [_decided(line, f"{label}: printed only {printed}; read as 总计, the other columns are left empty")]
    return []


def _set_columns(line, total, fiscal, special, other, rule) -> None:
    line.amount_total = total
    line.amount_fiscal_appropriation = fiscal
    line.amount_special_account = special
    line.amount_other = other
    line.amount_columns_rule = rule


def _decided(line: BudgetLine, detail: str) -> ParseEvent:
    return ParseEvent(kind="amount_columns_decided", detail=detail, source_line=line.source_line)


# --------------------------------------------------------------------------
# Parent-based decisions
# --------------------------------------------------------------------------


def decide_columns_from_subtotals(lines: list[BudgetLine]) -> list[ParseEvent]:
    """Revise column choices of line-layout rows using their parent's columns.

    Top-down (合计 → units, then each unit → projects). For each non-fiscal
    column of the parent (财政专户拨款, 其他资金):

    - a child read with the default non-fiscal column moves to the other
      non-fiscal column when the parent shows only that one;
    - if the parent's amount in that column is not covered by children that
      already show it, the children printed as two equal numbers (read
      ``total_and_fiscal``) are searched for the *single* set whose totals
      add up to the rest exactly. When exactly one set exists its rows move
      from 财政拨款 to that column (rule ``reconciled``, one event each);
      otherwise the default stays and one event says why.

    Only rows whose rule is a line-layout rule are touched; ``tab_positions``
    rows are exact. Mutates ``lines``; returns the events.
    """
    hierarchy = build_hierarchy(lines)
    events: list[ParseEvent] = []
    if hierarchy.total is not None:
        events += _decide_children(hierarchy.total, [unit for unit, _ in hierarchy.units])
    for unit, projects in hierarchy.units:
        events += _decide_children(unit, projects)
    return events


def _decide_children(parent: BudgetLine, children: list[BudgetLine]) -> list[ParseEvent]:
    events = _move_default_column_to_parents_column(parent, children)
    for column in NON_FISCAL_FIELDS:
        events += _find_children_in_column(parent, children, column)
    return events


def _move_default_column_to_parents_column(parent: BudgetLine, children: list[BudgetLine]) -> list[ParseEvent]:
    parent_columns = [c for c in NON_FISCAL_FIELDS if getattr(parent, c)]
    if len(parent_columns) != 1 or parent_columns[0] == NON_FISCAL_DEFAULT:
        return []
    target = parent_columns[0]
    events = []
    for child in children:
        value = getattr(child, NON_FISCAL_DEFAULT)
        if child.amount_columns_rule == "default" and value is not None:
            setattr(child, NON_FISCAL_DEFAULT, None)
            setattr(child, target, value)
            child.amount_columns_rule = "reconciled"
            events.append(
                _decided(
                    child,
                    f"{row_label(child)}: non-fiscal {format_amount(value)} put in {COLUMN_LABELS[target]} because "
                    f"its parent {row_label(parent)} shows only that non-fiscal column",
                )
            )
    return events


def _find_children_in_column(parent: BudgetLine, children: list[BudgetLine], column: str) -> list[ParseEvent]:
    parent_amount = getattr(parent, column) or ZERO
    already = sum((getattr(c, column) or ZERO for c in children), ZERO)
    rest = parent_amount - already
    if rest <= ZERO:
        return []
    candidates = [c for c in children if c.amount_columns_rule == "total_and_fiscal" and c.amount_total <= rest]
    if not candidates:
        return []  # nothing to decide; reconciliation_events reports the gap
    chosen = unique_subset_with_sum([_cents(c.amount_total) for c in candidates], _cents(rest))
    if chosen is None:
        return [
            _decided(
                parent,
                f"{row_label(parent)}: {COLUMN_LABELS[column]} {format_amount(rest)} is not shown on its rows and "
                "no single set of its rows printed as two equal numbers adds up to it; those rows stay 总计 + 财政拨款",
            )
        ]
    events = []
    for index in chosen:
        child = candidates[index]
        child.amount_fiscal_appropriation = None
        setattr(child, column, child.amount_total)
        child.amount_columns_rule = "reconciled"
        names = " + ".join(f"{row_label(candidates[i])} {format_amount(candidates[i].amount_total)}" for i in chosen)
        events.append(
            _decided(
                child,
                f"{row_label(child)}: printed {format_amount(child.amount_total)} {format_amount(child.amount_total)} "
                f"read as 总计 + {COLUMN_LABELS[column]} (not 财政拨款): {row_label(parent)} has "
                f"{COLUMN_LABELS[column]} {format_amount(rest)} not shown elsewhere and {names} is the only set "
                "of its rows that adds up to it",
            )
        )
    return events


def _cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def unique_subset_with_sum(values: list[int], target: int) -> list[int] | None:
    """Indices of the one subset of ``values`` that sums to ``target``, or ``None``.

    ``None`` when no subset or more than one subset reaches ``target``.
    Dynamic programming over sums ≤ ``target`` (values in cents).
    """
    # ways[i][s]: number of subsets of values[i:] summing to s, capped at 2.
    ways: list[dict[int, int]] = [dict() for _ in range(len(values) + 1)]
    ways[len(values)][0] = 1
    for i in range(len(values) - 1, -1, -1):
        current = dict(ways[i + 1])
        for total, count in ways[i + 1].items():
            reached = total + values[i]
            if reached <= target:
                current[reached] = min(2, current.get(reached, 0) + count)
        ways[i] = current
    if ways[0].get(target, 0) != 1:
        return None
    chosen, remaining = [], target
    for i, value in enumerate(values):
        if ways[i + 1].get(remaining - value, 0) == 1 and remaining - value >= 0:
            chosen.append(i)
            remaining -= value
    return chosen


# --------------------------------------------------------------------------
# Reconciliation
# --------------------------------------------------------------------------


def reconciliation_events(lines: list[BudgetLine]) -> list[ParseEvent]:
    """``reconciliation_difference`` events where the source does not add up (a parse finding; the
    rule that gates and feeds the marts is dbt's ``budget_reconciliation``, see the module docstring).

    Checks every unit against the sum of its projects and the 合计 row
    against the sum of the units, for each of the four columns (empty = 0),
    with a tolerance of 0.01 exclusive (a difference of 0.01 is reported).
    """
    hierarchy = build_hierarchy(lines)
    events: list[ParseEvent] = []
    if hierarchy.total is not None and hierarchy.units:
        events += _compare(hierarchy.total, [u for u, _ in hierarchy.units], "spending units")
    for unit, projects in hierarchy.units:
        events += _compare(unit, projects, "its projects")
    return events


def _compare(parent: BudgetLine, children: list[BudgetLine], children_label: str) -> list[ParseEvent]:
    events = []
    for column in AMOUNT_FIELDS:
        stated = getattr(parent, column) or ZERO
        summed = sum((getattr(c, column) or ZERO for c in children), ZERO)
        if abs(stated - summed) >= TOLERANCE:
            events.append(
                ParseEvent(
                    kind="reconciliation_difference",
                    detail=(
                        f"{row_label(parent)} {COLUMN_LABELS[column]} {format_amount(stated)} != sum of "
                        f"{children_label} {format_amount(summed)} (difference {format_amount(stated - summed)})"
                    ),
                    source_line=parent.source_line,
                )
            )
    return events
