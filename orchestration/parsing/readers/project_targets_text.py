"""Parse the text extract of a 项目支出绩效目标表 into budget lines and indicators.

Three layouts of the same form are supported (see :mod:`.detect`):

``line_flow`` (seeds 000, 004)
    Rows and their cells follow each other: the 合计 row, spending-unit rows
    (not indented), project rows indented by spaces. A project row is its
    name (may wrap over lines), its amounts (at the end of the last name
    line or on their own line), then its 绩效目标 text, then its 绩效指标
    text starting at ``1、d-``.

``rows_then_indicators`` (seed 001)
    All rows with their 绩效目标 come first (nothing is indented), then,
    after a page header ending in a lone ``绩效指标`` line, one indicator
    block per project in the same order, each starting with ``1、`` at the
    start of a line.

``tab_separated`` (seed 003)
    One row per line, cells separated by tabs in the order of the column
    header, which is repeated on every page together with the title.

Every layout yields :class:`RowDraft` objects that :func:`build_records`
turns into :class:`BudgetLine` and :class:`PerformanceIndicator` records.

Decisions that cannot be read off the text are documented where they are
made and leave a :class:`ParseEvent`:

- spending unit vs project: indentation (``line_flow``), an empty 绩效目标
  (``rows_then_indicators``), empty 绩效目标 and 绩效指标 cells (``tab_separated``);
- where a name without indent starts: right after the 合计 row every line
  up to the amounts is name; a ``line_flow`` unit name is taken back from
  its amounts up to the last line ending in ``。`` (the end of the previous
  indicator text); in ``rows_then_indicators`` a name whose amounts stand
  on their own line is taken to be the two lines above them (names wrap
  over two lines in the seeds; nothing else in the text tells where a goal
  text without ``。`` ends and a name begins);
- a row repeated identically right after a page break is a page-break
  duplicate: removed, ``page_break_duplicate_removed``;
- amount columns: see :mod:`.amounts`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..amounts import COLUMN_LABELS, assign_printed_numbers, decide_columns_from_subtotals, reconciliation_events
from ..indicators import parse_indicator_cell
from ..records import AMOUNT_FIELDS, BudgetLine, LineType, ParseError, ParseEvent, PerformanceIndicator
from ..text_common import (
    JoinedText,
    SourceLine,
    is_page_header_line,
    normalise_spaces,
    parse_amount,
    split_amount_tail,
)
from ..vocabulary import FIRST_INDICATOR_START, LINE_STARTS_WITH_FIRST_INDICATOR, is_total_label

TOTAL_ROW_NAME = "合计"
#: Blank lines in a row that the text extractor leaves at a page break.
PAGE_BREAK_BLANK_LINES = 2
#: Longest wrapped name accepted before the amounts must appear.
MAX_NAME_LINES = 6
#: Lines a name without indent may span when a goal text precedes it.
MAX_UNINDENTED_NAME_LINES = 2


@dataclass
class ContentLine:
    """A non-blank, non-header line plus whether a page break precedes it."""

    line: SourceLine
    after_page_break: bool


@dataclass
class RowDraft:
    """One table row as read from the text, before records are built.

    ``numbers`` holds the amounts printed on a line layout (columns still to
    decide); ``cells`` the four amount cells of a tab-separated row (exact).
    ``content`` collects the lines after the amounts (goal text, and in
    ``line_flow`` the indicator text too). ``cells_rule`` is the
    ``amount_columns_rule`` recorded for exact ``cells`` (``tab_positions``
    for TSV, ``pdf_cells`` for the PDF path).
    """

    kind: LineType | None
    name: str
    source_line: int
    after_page_break: bool = False
    numbers: list[Decimal] | None = None
    cells: tuple[Decimal | None, ...] | None = None
    content: list[SourceLine] = field(default_factory=list)
    goal: JoinedText = field(default_factory=JoinedText)
    indicator_cell: JoinedText = field(default_factory=JoinedText)
    cells_rule: str = "tab_positions"

    def identity(self) -> tuple:
        """What must be equal for a row to be a page-break duplicate of another."""
        return (self.name, self.numbers, self.cells, self.goal.text, self.indicator_cell.text)


# --------------------------------------------------------------------------
# Shared line handling
# --------------------------------------------------------------------------


def content_lines(lines: list[SourceLine]) -> list[ContentLine]:
    """Lines after the first column header, without blanks and page headers.

    A line is marked ``after_page_break`` when at least
    ``PAGE_BREAK_BLANK_LINES`` blank lines or a repeated page header precede it.
    Raises :class:`ParseError` when the column header (项目名称…) is missing.
    """
    start = next((i for i, line in enumerate(lines) if line.stripped.startswith("项目名称")), None)
    if start is None:
        raise ParseError("no column header line (项目名称（资金使用单位） 总计 …) found: not a table this parser knows")
    result: list[ContentLine] = []
    blanks, header_seen = 0, False
    for line in lines[start + 1:]:
        if line.is_blank:
            blanks += 1
            continue
        if is_page_header_line(line.text):
            header_seen = True
            continue
        result.append(ContentLine(line, blanks >= PAGE_BREAK_BLANK_LINES or header_seen))
        blanks, header_seen = 0, False
    return result


def _joined_name(name_lines: list[SourceLine], name_on_amount_line: str) -> str:
    """Join a wrapped name: all lines but the last whole, then the name part of the amount line."""
    parts = [line.stripped for line in name_lines] + [name_on_amount_line]
    return normalise_spaces("".join(parts))


def _pop_name_lines(previous: RowDraft | None, limit: int) -> list[SourceLine]:
    """Take the name lines of the next row back from the end of ``previous.content``.

    After the 合计 row or a unit row (which have no goal text) every pending
    line is name. After a project, at most ``limit`` lines are taken, and
    only lines that cannot belong to a goal or indicator text (no ``；``,
    no ``指标值``, not ending with ``。``).
    """
    if previous is None:
        return []
    if previous.kind in ("department_total", "spending_unit"):
        taken, previous.content = previous.content, []
        return taken
    taken: list[SourceLine] = []
    while previous.content and len(taken) < limit:
        candidate = previous.content[-1].stripped
        if "；" in candidate or "指标值" in candidate or candidate.endswith("。"):
            break
        taken.insert(0, previous.content.pop())
    return taken


def _split_goal_and_indicators(row: RowDraft) -> None:
    """Cut ``row.content`` into the 绩效目标 text and the 绩效指标 text (first ``1、d-…指标``)."""
    joined = JoinedText(row.content)
    first_item = FIRST_INDICATOR_START.search(joined.text)
    if first_item is None:
        row.goal = joined
        return
    row.goal = joined.slice(0, first_item.start())
    row.indicator_cell = joined.slice(first_item.start())


# --------------------------------------------------------------------------
# line_flow
# --------------------------------------------------------------------------


def read_line_flow_rows(lines: list[SourceLine]) -> tuple[list[RowDraft], list[ParseEvent]]:
    """Rows of a ``line_flow`` extract (seeds 000, 004), in document order.

    Indented line → a project row starts (name until the line that ends
    with amounts); unindented line ending with amounts → the 合计 row or a
    spending unit (its name may have wrapped onto the lines just before);
    any other line → content of the current row. Page-break duplicates
    are removed (events returned with the rows).
    Raises :class:`ParseError` when text precedes the first row or a
    project name never reaches its amounts.
    """
    rows: list[RowDraft] = []
    pending: list[ContentLine] = []  # lines of a project name waiting for its amounts
    for item in content_lines(lines):
        line = item.line
        tail = split_amount_tail(line.text)
        if pending or _is_indented(line.text):
            pending.append(item)
            if tail is None:
                if len(pending) > MAX_NAME_LINES:
                    raise ParseError(
                        f"line {pending[0].line.number}: project name {pending[0].line.stripped!r} is not "
                        f"followed by its amounts within {MAX_NAME_LINES} lines"
                    )
                continue
            names = [p.line for p in pending[:-1]]
            rows.append(_row("project", names, tail, pending[0]))
            pending = []
        elif tail is not None:
            previous = rows[-1] if rows else None
            names = _pop_name_lines(previous, limit=MAX_NAME_LINES)
            kind = "department_total" if is_total_label(tail[0]) and not names else "spending_unit"
            first = ContentLine(names[0], item.after_page_break) if names else item
            rows.append(_row(kind, names, tail, first))
        elif rows:
            rows[-1].content.append(line)
        else:
            raise ParseError(f"line {line.number}: text {line.stripped[:30]!r} before the 合计 row")
    if pending:
        raise ParseError(f"line {pending[0].line.number}: project name at the end of the file has no amounts")
    for row in rows:
        _split_goal_and_indicators(row)
    events: list[ParseEvent] = []
    rows = remove_page_break_duplicates(rows, events, "row")
    return rows, events


def _is_indented(text: str) -> bool:
    return text[:1] in (" ", "\t", "\u3000") and bool(text.strip())


def _row(kind, name_lines, tail, first: ContentLine) -> RowDraft:
    """A row draft whose name is ``name_lines`` + the name part of its amount line."""
    name_on_amount_line, numbers = tail
    return RowDraft(
        kind=kind,
        name=_joined_name(name_lines, name_on_amount_line),
        source_line=first.line.number,
        after_page_break=first.after_page_break,
        numbers=numbers,
    )


# --------------------------------------------------------------------------
# rows_then_indicators
# --------------------------------------------------------------------------


def read_rows_then_indicators(lines: list[SourceLine]) -> tuple[list[RowDraft], list[ParseEvent]]:
    """Rows of a ``rows_then_indicators`` extract (seed 001), indicators attached.

    1. The row part ends where the first line starts with ``1、d-`` (the
       indicator part; its page header lines are skipped like all headers).
    2. Rows: a line ending with amounts closes a row; its name is the text
       before the amounts, or — amounts on their own line — the wrapped
       lines before them (see the module docstring for the two-line rule).
       The following lines up to the next row are its 绩效目标.
    3. Rows with no 绩效目标 are spending units (the 合计 row aside).
    4. Page-break duplicates are removed from the rows and from the blocks.
    5. Blocks start at ``1、`` at the start of a line; a ``1、`` inside a line
       is a restart within one cell (renumbered later). Blocks are matched
       to projects in order; a count mismatch raises :class:`ParseError`.
    """
    items = content_lines(lines)
    split = next((i for i, it in enumerate(items) if LINE_STARTS_WITH_FIRST_INDICATOR.match(it.line.stripped)), len(items))
    rows = _read_unindented_rows(items[:split])
    events: list[ParseEvent] = []
    rows = remove_page_break_duplicates(rows, events, "row")
    blocks = _indicator_blocks(items[split:])
    blocks = remove_page_break_duplicates(blocks, events, "indicator block")
    projects = [row for row in rows if row.kind == "project"]
    if len(blocks) != len(projects):
        raise ParseError(
            f"found {len(blocks)} indicator blocks (each starting with 1、 at the start of a line) for "
            f"{len(projects)} projects: cannot tell which indicators belong to which project"
        )
    for project, block in zip(projects, blocks):
        project.indicator_cell = block.indicator_cell
    return rows, events


def _read_unindented_rows(items: list[ContentLine]) -> list[RowDraft]:
    rows: list[RowDraft] = []
    for item in items:
        tail = split_amount_tail(item.line.text)
        if tail is None:
            if not rows:
                raise ParseError(f"line {item.line.number}: text {item.line.stripped[:30]!r} before the 合计 row")
            rows[-1].content.append(item.line)
            continue
        previous = rows[-1] if rows else None
        names = _pop_name_lines(previous, MAX_UNINDENTED_NAME_LINES) if not tail[0] else []
        kind = "department_total" if is_total_label(tail[0]) and not names else None
        first = ContentLine(names[0], item.after_page_break) if names else item
        rows.append(_row(kind, names, tail, first))
    for row in rows:
        row.goal = JoinedText(row.content)
        if row.kind is None:
            row.kind = "project" if row.goal.text else "spending_unit"
    return rows


def _indicator_blocks(items: list[ContentLine]) -> list[RowDraft]:
    """Indicator blocks as pseudo-rows (only ``indicator_cell`` and page-break flag set)."""
    blocks: list[RowDraft] = []
    lines_of_block: list[SourceLine] = []
    for item in items:
        if LINE_STARTS_WITH_FIRST_INDICATOR.match(item.line.stripped):
            if lines_of_block:
                blocks[-1].indicator_cell = JoinedText(lines_of_block)
            blocks.append(RowDraft(kind=None, name="", source_line=item.line.number, after_page_break=item.after_page_break))
            lines_of_block = []
        lines_of_block.append(item.line)
    if blocks:
        blocks[-1].indicator_cell = JoinedText(lines_of_block)
    return blocks


# --------------------------------------------------------------------------
# tab_separated
# --------------------------------------------------------------------------

#: Column header label of 项目支出绩效目标表 → field key (shared by the text and PDF readers).
HEADER_FIELDS = {
    "总计": "total",
    "合计": "total",
    "财政拨款": "fiscal",
    "财政专户拨款": "special",
    "其他资金": "other",
    "绩效目标": "goal",
    "绩效指标": "indicators",
}


def read_tab_separated_rows(lines: list[SourceLine]) -> tuple[list[RowDraft], list[ParseEvent]]:
    """Rows of a ``tab_separated`` extract (seed 003).

    Column positions come from the header row (``财政专户 拨款`` with a space
    is accepted); the page header repeated on every page is skipped. Empty
    cells are ``None``. A line without tabs inside the table continues the
    last cell of the previous row (``tsv_line_joined`` event).
    Raises :class:`ParseError` without a usable header row.
    """
    header = next((line for line in lines if line.stripped.startswith("项目名称") and "\t" in line.text), None)
    if header is None:
        raise ParseError("tab-separated table without a tab-separated header row (项目名称\\t总计\\t…)")
    positions = _header_positions(header)
    rows: list[RowDraft] = []
    events: list[ParseEvent] = []
    for item in content_lines(lines):
        line = item.line
        if "\t" not in line.text:
            if not rows:
                raise ParseError(f"line {line.number}: text {line.stripped[:30]!r} before the 合计 row")
            rows[-1].content.append(line)
            events.append(
                ParseEvent("tsv_line_joined", "line without tabs joined to the last cell of the row above", line.number)
            )
            continue
        rows.append(_tsv_row(line, positions, item.after_page_break))
    for row in rows:
        if row.content:  # continuation lines belong to the last cell
            row.indicator_cell = JoinedText([SourceLine(row.source_line, row.indicator_cell.text)] + row.content)
    return rows, events


def _header_positions(header: SourceLine) -> dict[str, int]:
    positions = {"name": 0}
    for index, cell in enumerate(header.text.split("\t")):
        key = HEADER_FIELDS.get(re.sub(r"\s+", "", cell))
        if key:
            positions[key] = index
    labels = {"total": "总计", "fiscal": "财政拨款", "special": "财政专户拨款", "other": "其他资金"}
    missing = [label for key, label in labels.items() if key not in positions]
    if missing:
        raise ParseError(
            f"line {header.number}: the column header lacks the amount column(s) {'、'.join(missing)}, so the "
            "amounts of the rows cannot be assigned to columns reliably and nothing was loaded. Export the table "
            "again with all seven columns (项目名称/总计/财政拨款/财政专户拨款/其他资金/绩效目标/绩效指标; an empty column "
            "stays as an empty cell)."
        )
    absent = [label for key, label in (("goal", "绩效目标"), ("indicators", "绩效指标")) if key not in positions]
    if absent:
        raise ParseError(
            f"line {header.number}: the column header lacks the {'、'.join(absent)} column, so projects cannot be "
            "told from spending units and nothing was loaded. Export the table again with all seven columns."
        )
    return positions


def _tsv_row(line: SourceLine, positions: dict[str, int], after_page_break: bool) -> RowDraft:
    cells = line.text.split("\t")

    def cell(key: str) -> str:
        index = positions.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    amounts = tuple(parse_amount(cell(key)) for key in ("total", "fiscal", "special", "other"))
    name = normalise_spaces(cell("name"))
    goal = JoinedText([SourceLine(line.number, cell("goal"))])
    indicators = JoinedText([SourceLine(line.number, cell("indicators"))])
    if is_total_label(name):
        kind = "department_total"
    elif not goal.text and not indicators.text:
        kind = "spending_unit"
    else:
        kind = "project"
    return RowDraft(kind, name, line.number, after_page_break, cells=amounts, goal=goal, indicator_cell=indicators)


# --------------------------------------------------------------------------
# Page-break duplicates
# --------------------------------------------------------------------------


def remove_page_break_duplicates(rows: list[RowDraft], events: list[ParseEvent], what: str) -> list[RowDraft]:
    """Drop a row (or indicator block) identical to the one before it across a page break.

    The extractor repeats a row at the top of the next page when the row
    straddles the break. Identical means same name, amounts, goal and
    indicator text; the repeat must follow a page break (blank-line run or
    page header). Appends one ``page_break_duplicate_removed`` event per removal.
    """
    kept: list[RowDraft] = []
    for row in rows:
        if kept and row.after_page_break and row.identity() == kept[-1].identity():
            label = row.name or row.indicator_cell.text[:20]
            events.append(
                ParseEvent(
                    kind="page_break_duplicate_removed",
                    detail=(
                        f"{what} at line {row.source_line} repeats the {what} at line {kept[-1].source_line} "
                        f"after a page break ({label!r}); the repeat was removed"
                    ),
                    source_line=row.source_line,
                )
            )
            continue
        kept.append(row)
    return kept


# --------------------------------------------------------------------------
# Rows → records
# --------------------------------------------------------------------------


def build_records(rows: list[RowDraft]) -> tuple[list[BudgetLine], list[PerformanceIndicator], list[ParseEvent]]:
    """Turn row drafts into numbered records, decide columns, check reconciliation.

    ``line_no`` is the 1-based document order; ``spending_unit`` of a project
    is the last unit above it. Raises :class:`ParseError` when the first row
    is not the 合计 row.
    """
    if not rows or rows[0].kind != "department_total":
        raise ParseError("the table does not start with a 合计 row: cannot read its hierarchy")
    budget_lines: list[BudgetLine] = []
    indicators: list[PerformanceIndicator] = []
    events: list[ParseEvent] = []
    unit_name: str | None = None
    seen_projects: dict[tuple[str | None, str], int] = {}  # (unit, project name) → line_no
    for line_no, row in enumerate(rows, start=1):
        if row.kind == "spending_unit":
            unit_name = row.name
        elif row.kind == "project":
            earlier = seen_projects.setdefault((unit_name, row.name), line_no)
            if earlier != line_no:
                events.append(ParseEvent(
                    "duplicate_project_in_unit",
                    f"project {row.name!r} appears again in spending unit {unit_name!r} (rows {earlier} and "
                    f"{line_no}); not a page-break repeat (not adjacent and identical), so both rows are kept and "
                    "counted: check the source if it was listed twice by mistake",
                    row.source_line,
                ))
        elif row.kind == "project" and unit_name is None:
            events.append(ParseEvent("project_without_spending_unit", f"{row.name}: no unit row above it", row.source_line))
        line = BudgetLine(
            line_no=line_no,
            line_type=row.kind,
            spending_unit=None if row.kind == "department_total" else unit_name,
            project_name=row.name if row.kind == "project" else None,
            goal_text=(normalise_spaces(row.goal.text) or None) if row.kind == "project" else None,
            source_line=row.source_line,
        )
        events += _set_amounts(line, row)
        _check_amounts(line)
        budget_lines.append(line)
        if row.kind == "project":
            found, found_events = parse_indicator_cell(row.indicator_cell, line_no, row.name)
            indicators += found
            events += found_events
            if not found:
                events.append(ParseEvent("project_without_indicators", f"{row.name}: no 绩效指标 found", row.source_line))
    events += decide_columns_from_subtotals(budget_lines)
    events += reconciliation_events(budget_lines)
    return budget_lines, indicators, events


def _check_amounts(line: BudgetLine) -> None:
    """Raise :class:`ParseError` for a negative amount or a row without 总计.

    Both are read correctly (``(12.00)`` is -12.00) but a 项目支出绩效目标表
    budgets spending: a negative amount or an empty 总计 means the table is
    not what it claims, and loading it would fail the warehouse's blocking
    checks for every document of the run. The document is quarantined instead.
    """
    label = line.project_name or line.spending_unit or TOTAL_ROW_NAME
    where = f"line {line.source_line}: " if line.source_line else ""
    if line.amount_total is None:
        raise ParseError(
            f"{where}row {label!r} has no 总计 amount (the cell is empty or '-'): every row of the table must "
            "state its total. Correct the source table and submit it again."
        )
    for name in AMOUNT_FIELDS:
        value = getattr(line, name)
        if value is not None and value < 0:
            raise ParseError(
                f"{where}row {label!r} has a negative amount {value} 万元 ({COLUMN_LABELS[name]}, written e.g. as "
                "(12.00) or -12.00): budget amounts cannot be negative, so the table was not loaded. Check the "
                "source; if the reduction is real, submit the table with the net amounts."
            )


def _set_amounts(line: BudgetLine, row: RowDraft) -> list[ParseEvent]:
    if row.cells is not None:
        (line.amount_total, line.amount_fiscal_appropriation, line.amount_special_account, line.amount_other) = row.cells
        line.amount_columns_rule = row.cells_rule
        return []
    return assign_printed_numbers(line, row.numbers or [])
