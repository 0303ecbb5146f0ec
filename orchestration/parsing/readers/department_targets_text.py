"""Reading a 部门整体绩效目标 text extract (layout ``department_targets_tsv``) — and the one reader of the form.

The extract is tab-separated: every line is one table row of the published
form, its cells split by tabs. The reader works on rows of cells
(:class:`CellRow`), so the PDF path (:mod:`.department_targets_pdf`, layout
``department_targets_pdf``) feeds it the ruled table rows of a PDF and gets the
same records through the same rules (:func:`parse_department_rows`); a blank
line, or the boundary between two PDF pages, is a page break. The form has, in order:

1. the title (``荔湾区部门整体绩效目标（2023）年`` → fiscal year 2023);
2. ``label：value`` cells — 部门名称, 财政主管处室, 部门职能概述, the four
   budget-income lines in 元 (总额, 财政拨款收入, 财政专户管理资金, 其他收入),
   年度目标 / 部门整体支出目标;
3. the overall indicator table (header row with 一级指标…三级指标…);
4. per task: a ``任务N`` marker (alone on its row, or as the first cell of
   the task's first row: a section label), a header row 任务名称 /
   任务的绩效目标 / 主要实施项目, one values row, then the task's indicator table;
5. the footer: 其他需要说明的情况, 填报人, 填报日期, 联系电话.

The extract is messy, and nothing below is specific to one file: columns
are decided from each table's header row *and* from the content of the
cells, and every repair is recorded as a :class:`ParseEvent` (and in the
row's ``repairs``), with the raw line kept in ``raw_row``:

- ``header_truncated`` — a header cell cut short (``说明及公``) is still
  recognised (by the fragment ``说明及公``);
- ``cells_realigned`` — a cell sits under another header than the one its
  content belongs to: under an unlabelled column (the header cell spans two
  columns), or the whole row drifted one column right (the value stands under
  计算单位 while 预期指标 is empty), or the leading cells drifted after a page
  break; the detail lists each move;
- ``level1_label_in_level2_column`` — ``产出指标``/``效益指标``/``满意度指标``
  found in the 二级指标 column: read as 一级指标;
- ``split_cell_joined`` — a category description cut by a page break
  (``数量、质量、时效、成`` … ``本方面的指标``) is joined back into the row
  above the break;
- ``section_label_in_table`` — a lone label inside a table (``年度主要支出计划``)
  is skipped, the table continues;
- ``merged_cell_carried_down`` — blank 一级/二级指标 cells of a merged block
  take the value of the row above (二级 only when 一级 is carried too);
- ``placeholder_cleared`` — a ``-`` placeholder becomes empty (NULL);
- ``label_spaces_removed`` — spaces inside a category label (PDF justification)
  are removed; labels never contain real spaces;
- ``indicator_category_unknown`` — a 一级/二级 name outside the taxonomy (a category
  description such as ``数量、质量、时效、成本方面的指标``): no code, kept as printed; the
  codes (``level1_code`` / ``level2_code``) of known names are set as on the national forms
  (:func:`.department_records.department_indicator_codes`, the 二级 deciding the 一级);
- ``header_repeated`` — the header row of the current indicator table printed
  again after a page break (same columns, same task): the table continues, so
  its merged cells are still carried down (not a repair of a row: an event only).

Rule source: the form as printed in seed 002 (Guangzhou 荔湾区, 2023), read
line by line; see ``tests/unit/test_parse_department_targets.py`` (text) and
``tests/unit/test_department_pdf.py`` (the same form as a rendered PDF).

Units: budget income in 元 as printed (``28,036,202.00`` → ``Decimal('28036202.00')``);
a label saying 万元 is converted ×10,000 (``income_converted_to_yuan``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..department_records import (
    OVERALL_TASK_NO,
    DepartmentIndicator,
    DepartmentTargets,
    DepartmentTargetsProfile,
    DepartmentTask,
    department_indicator_codes,
)
from .department_form_cells import (
    CANONICAL_FORMULA_HEADER,
    CellRow,
    FIELD_LABELS,
    HEADER_FIELDS,
    INCOME_FIELDS,
    LABEL_VALUE,
    PROFILE_LABELS,
    TASK_HEADER_FIELDS,
    TASK_MARKER,
    TEXT_FIELDS,
    UNIT_LIKE,
    clean_cell,
    is_category,
    is_complete_category,
    is_level1_label,
    looks_cut_off,
    parse_form_date,
    parse_yuan,
    split_projects,
    squeeze,
    where_text,
)
from ..records import ParsedDocument, ParseError, ParseEvent
from ..text_common import (
    SourceLine,
    find_department,
    find_department_title,
    has_department_title,
    fiscal_year_from_title,
)
from ..vocabulary import EMPTY_CELL_MARKS

# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------


def parse_department_targets(lines: list[SourceLine], events: list[ParseEvent]) -> ParsedDocument:
    """Parse a 部门整体绩效目标 text extract into a :class:`ParsedDocument`.

    ``lines`` are the numbered lines of the decoded text, ``events`` the
    events of decoding (kept first). Each line is one row of cells (split on
    tabs; a blank line is a page break) read by :func:`parse_department_rows`
    with layout ``department_targets_tsv``.
    """
    return parse_department_rows([CellRow.from_line(line) for line in lines], events, "department_targets_tsv")


def parse_department_rows(rows: list[CellRow], events: list[ParseEvent], layout: str) -> ParsedDocument:
    """Read the rows of cells of a 部门整体绩效目标 into a :class:`ParsedDocument`.

    The one reader of the form, whatever the source: the lines of a text
    extract (:func:`parse_department_targets`) or the ruled table rows of a
    PDF (:mod:`.department_targets_pdf`). ``rows`` are in reading order, a row
    without cells is a page break; ``events`` (decoding, PDF) are kept first.
    The result has ``doc_type`` ``department_targets``, the given ``layout``,
    no budget lines and no project indicators, and ``department_targets``
    holding the profile (income in 元), the tasks and every indicator row
    (overall ones with ``task_no`` 0), with ``source_page`` set from the rows.

    Raises :class:`ParseError` when an indicator table has no recognisable
    header (no 三级指标 column), when an income amount is not a number, or
    when no indicator row at all is found.
    """
    lines = [SourceLine(row.number, row.text) for row in rows if row.cells]
    title = find_department_title(lines)
    department, department_events = find_department(lines)
    pages = {row.number: row.page for row in rows}
    for event in department_events:
        event.source_page = pages.get(event.source_line)
    reader = _Reader(department=department, fiscal_year=fiscal_year_from_title(title))
    reader.read(rows)
    department_indicator_codes(reader.result.indicators, reader.events)
    if not reader.result.indicators:
        raise ParseError(
            "no indicator table (一级指标 / 二级指标 / 三级指标 …) was found in this 部门整体绩效目标; "
            "check that the extract is complete"
        )
    return ParsedDocument(
        doc_type="department_targets",
        layout=layout,
        title=title,
        department=department,
        fiscal_year=fiscal_year_from_title(title),
        events=events + department_events + reader.events,
        department_targets=reader.result,
    )


# --------------------------------------------------------------------------
# The reader: one pass over the lines
# --------------------------------------------------------------------------


@dataclass
class _Table:
    """An indicator table being read: its header map and the state carried between rows."""

    task_no: int
    header_line: int
    columns: dict[int, str]  # column → field, for labelled header cells
    header_page: int | None = None
    previous: DepartmentIndicator | None = None
    after_break: bool = False
    open_fragment: DepartmentIndicator | None = None  # row whose 二级指标 was cut by a page break
    fragment_rows: list[DepartmentIndicator] = field(default_factory=list)

    def field_at(self, column: int) -> str | None:
        """Field of the header at ``column``; an unlabelled column belongs to the header on its left."""
        for c in range(column, -1, -1):
            if c in self.columns:
                return self.columns[c]
        return None

    def column_of(self, name: str) -> int | None:
        return next((c for c, f in self.columns.items() if f == name), None)


class _Reader:
    def __init__(self, department: str | None, fiscal_year: int | None):
        self.result = DepartmentTargets(DepartmentTargetsProfile(department=department, fiscal_year=fiscal_year))
        self.events: list[ParseEvent] = []
        self.table: _Table | None = None
        self.task_no = OVERALL_TASK_NO
        self.task_header: dict[int, str] | None = None

    # ---------------------------------------------------------------- lines
    def read(self, rows: list[CellRow]) -> None:
        for line in rows:
            cells = [clean_cell(c) for c in line.cells]
            filled = [(i, c) for i, c in enumerate(cells) if c]
            if not filled:
                if self.table is not None:
                    self.table.after_break = True
                continue
            if len(filled) == 1 and has_department_title(line.text):
                continue
            if self._task_marker(filled, line):
                filled = filled[1:]  # 任务N alone on its row, or as the label of the row's first cell
                if not filled:
                    continue
            if self._is_indicator_header(filled):
                self._start_table(filled, line)
                continue
            if self._is_task_header(filled):
                self.table = None
                self.task_header = self._task_header_map(filled)
                continue
            if self.task_header is not None:
                self._task_values(filled, line)
                continue
            if self._profile_cells(filled, line):
                self.table = None
                continue
            if self.table is not None:
                if len(filled) == 1:
                    self._section_label(filled[0][1], line)
                    continue
                self._indicator_row(filled, line)
                continue
            self.events.append(
                ParseEvent(
                    "line_not_understood", f"line skipped, not part of a known block: {_short(line.text)}",
                    line.number, line.page,
                )
            )
        self._close_table()
        self._check_income()

    # ------------------------------------------------------------ profile
    def _profile_cells(self, filled, line: CellRow) -> bool:
        """Read ``label：value`` cells into the profile; True when the line held at least one."""
        found = False
        for _, text in filled:
            match = LABEL_VALUE.match(text)
            if not match:
                continue
            label, value = match.group("label"), match.group("value").strip()
            if "部门名称" in label:
                self.result.profile.source_line = line.number
                found = True
                continue
            target = next((f for mark, f in PROFILE_LABELS if mark in label), None)
            if target is None:
                continue
            found = True
            self._set_profile(target, label, value, line)
        return found

    def _set_profile(self, target: str, label: str, value: str, line: CellRow) -> None:
        profile = self.result.profile
        if target in INCOME_FIELDS:
            amount = parse_yuan(value, label)
            if amount is not None and "万元" in label:
                amount = amount * 10000
                self.events.append(
                    ParseEvent("income_converted_to_yuan", f"{label} is in 万元; stored ×10,000 in 元", line.number, line.page)
                )
            setattr(profile, target, amount)
        elif target == "filler_named":
            profile.filler_named = bool(value)  # the name itself is personal data: not stored
        elif target == "contact_phone_given":
            profile.contact_phone_given = bool(value)  # the number itself is personal data: not stored
        elif target == "filled_on":
            profile.filled_on = parse_form_date(value)
            if value and profile.filled_on is None:
                self.events.append(ParseEvent("date_not_understood", f"填报日期 {value!r} is not a date", line.number, line.page))
        else:
            setattr(profile, target, value or None)

    def _check_income(self) -> None:
        p = self.result.profile
        parts = [p.income_fiscal_appropriation_yuan, p.income_special_account_yuan, p.income_other_yuan]
        if p.income_total_yuan is None or all(x is None for x in parts):
            return
        total_parts = sum((x or Decimal(0)) for x in parts)
        if total_parts != p.income_total_yuan:
            self.events.append(
                ParseEvent(
                    "income_difference",
                    f"总额 {p.income_total_yuan:,.2f} 元 ≠ sum of its sources {total_parts:,.2f} 元 "
                    f"(difference {p.income_total_yuan - total_parts:,.2f}); kept as published",
                    p.source_line,
                )
            )

    # -------------------------------------------------------------- tasks
    def _task_marker(self, filled, line: CellRow) -> bool:
        """``任务N`` as the first filled cell starts task N (alone on its row, or a merged section label)."""
        match = TASK_MARKER.match(filled[0][1])
        if not match:
            return False
        self._close_table()
        self.task_no = int(match.group(1))
        self.task_header = None
        return True

    @staticmethod
    def _is_task_header(filled) -> bool:
        texts = [t for _, t in filled]
        return any(t == "任务名称" for t in texts)

    @staticmethod
    def _task_header_map(filled) -> dict[int, str]:
        columns = {}
        for column, text in filled:
            for name, mark in TASK_HEADER_FIELDS:
                if mark in text:
                    columns[column] = name
        return columns

    def _task_values(self, filled, line: CellRow) -> None:
        header = self.task_header or {}
        values: dict[str, str] = {}
        for column, text in filled:
            owner = next((header[c] for c in range(column, -1, -1) if c in header), "task_name")
            values[owner] = (values[owner] + text) if owner in values else text
        self.task_header = None
        self.result.tasks.append(
            DepartmentTask(
                task_no=self.task_no,
                task_name=values.get("task_name"),
                goal_text=values.get("goal_text"),
                projects=split_projects(values.get("projects_text")),
                projects_text=values.get("projects_text"),
                source_line=line.number,
            )
        )

    # ---------------------------------------------------- indicator tables
    @staticmethod
    def _is_indicator_header(filled) -> bool:
        texts = {t for _, t in filled}
        return "三级指标" in texts and ("一级指标" in texts or "二级指标" in texts)

    def _start_table(self, filled, line: CellRow) -> None:
        columns: dict[int, str] = {}
        truncated: list[tuple[int, str]] = []
        for column, text in filled:
            for name, pattern in HEADER_FIELDS:
                if pattern.search(text):
                    columns[column] = name
                    if name == "formula" and text != CANONICAL_FORMULA_HEADER:
                        truncated.append((column, text))
                    break
        if "indicator_name" not in columns.values():
            raise ParseError(f"{line.where()}: indicator table header without a 三级指标 column")
        table = self.table
        if table is not None and table.after_break and table.task_no == self.task_no and table.columns == columns:
            # The header printed again at the top of a page: the same table goes on
            # (its merged cells, carried down, continue across the break).
            self.events.append(
                ParseEvent(
                    "header_repeated",
                    f"indicator table header repeated after a page break (header of {where_text(table.header_line, table.header_page)}); "
                    "the table continues",
                    line.number,
                    line.page,
                )
            )
            return
        for column, text in truncated:
            self.events.append(
                ParseEvent(
                    "header_truncated",
                    f"header {text!r} (column {column}) read as {CANONICAL_FORMULA_HEADER}",
                    line.number,
                    line.page,
                )
            )
        self._close_table()
        self.task_header = None
        self.table = _Table(task_no=self.task_no, header_line=line.number, columns=columns, header_page=line.page)

    def _close_table(self) -> None:
        if self.table is not None:
            self._fragment_not_joined(self.table)
        self.table = None

    def _fragment_not_joined(self, table: _Table) -> None:
        if table.open_fragment is None:
            return
        self.events.append(
            ParseEvent(
                "split_cell_not_joined",
                f"二级指标 {table.open_fragment.level2_name!r} looks cut off and no continuation was found; kept as is",
                table.open_fragment.source_line,
            )
        )
        table.open_fragment = None
        table.fragment_rows = []

    def _section_label(self, text: str, line: CellRow) -> None:
        assert self.table is not None
        self.table.after_break = True
        self.events.append(
            ParseEvent(
                "section_label_in_table",
                f"lone label {text!r} inside the indicator table (page break); skipped, the table continues",
                line.number,
                line.page,
            )
        )

    def _indicator_row(self, filled, line: CellRow) -> None:
        table = self.table
        assert table is not None
        repairs: list[str] = []
        moves: list[str] = []
        cells = list(filled)

        # 1. The expected value: under 预期指标, or drifted right under 计算单位.
        expected_col = table.column_of("expected_value")
        unit_col = table.column_of("calculation_unit")
        expected = unit = None
        drift = 0
        by_col = dict(cells)
        if expected_col is not None and expected_col in by_col:
            expected = (expected_col, by_col[expected_col])
        if unit_col is not None and unit_col in by_col:
            if expected is None and not UNIT_LIKE.match(by_col[unit_col]):
                expected = (unit_col, by_col[unit_col])
                drift = unit_col - (expected_col if expected_col is not None else unit_col)
                moves.append(f"{by_col[unit_col]!r} column {unit_col} ({FIELD_LABELS['calculation_unit']}) → 预期指标")
            else:
                unit = (unit_col, by_col[unit_col])
        if expected is None:
            # No header for the value: the rightmost cell right of the texts is the value.
            last = cells[-1]
            if table.field_at(last[0]) not in ("level1_name", "level2_name", "indicator_name"):
                expected = last
                if table.field_at(last[0]) != "expected_value":
                    moves.append(f"{last[1]!r} column {last[0]} ({_header_label(table, last[0])}) → 预期指标")
        taken = {cell[0] for cell in (expected, unit) if cell is not None}
        leading = [(c, t) for c, t in cells if c not in taken]

        # 2. A category description cut by a page break: its tail opens this row.
        if table.open_fragment is not None and table.after_break:
            tail = next(
                ((c, t) for c, t in leading if is_category(t) and not is_complete_category(t) and not is_level1_label(t)),
                None,
            )
            if tail is not None:
                self._join_fragment(table, tail[1], line)
                leading.remove(tail)
                repairs.append("split_cell_joined")
            else:
                self._fragment_not_joined(table)

        # 3. Level labels by content, then the texts in order.
        level1 = level2 = None
        texts: list[tuple[int, str]] = []
        for column, text in leading:
            header_field = table.field_at(column)
            if level1 is None and level2 is None and not texts and is_level1_label(text):
                level1 = (column, text)
                if header_field == "level2_name":
                    repairs.append("level1_label_in_level2_column")
                    self.events.append(
                        ParseEvent(
                            "level1_label_in_level2_column",
                            f"{text!r} is a 一级指标 label found in the 二级指标 column (column {column}); read as 一级指标",
                            line.number,
                            line.page,
                        )
                    )
                elif table.columns.get(column) != "level1_name":
                    moves.append(f"{text!r} column {column} ({_header_label(table, column)}) → 一级指标")
            elif level2 is None and not texts and (
                is_category(text) or (header_field == "level2_name" and not is_level1_label(text))
            ):
                level2 = (column, text)
                if table.columns.get(column) != "level2_name":
                    moves.append(f"{text!r} column {column} ({_header_label(table, column)}) → 二级指标")
            else:
                texts.append((column, text))

        assigned: dict[str, str] = {}
        names = list(TEXT_FIELDS)
        if len(texts) == 2 and not drift and table.field_at(texts[1][0]) == "formula":
            names = ["indicator_name", "formula"]
        for (column, text), name in zip(texts, names):
            assigned[name] = text
            if table.columns.get(column) != name:
                moves.append(f"{text!r} column {column} ({_header_label(table, column)}) → {FIELD_LABELS[name]}")
        for column, text in texts[len(names):]:
            assigned["formula"] = (assigned.get("formula", "") + " " + text).strip()
            moves.append(f"{text!r} column {column} ({_header_label(table, column)}) → appended to 指标说明及公式")

        if moves:
            repairs.append("cells_realigned")
            self.events.append(
                ParseEvent("cells_realigned", "cells read by content, not by header position: " + "; ".join(moves), line.number, line.page)
            )

        row = DepartmentIndicator(
            task_no=table.task_no,
            seq=len(self.result.indicators_of(table.task_no)) + 1,
            level1_name=self._label(level1[1], line, repairs) if level1 else None,
            level2_name=self._label(level2[1], line, repairs) if level2 else None,
            indicator_name=assigned.get("indicator_name"),
            explanation=assigned.get("explanation"),
            formula=assigned.get("formula"),
            expected_value=expected[1] if expected else None,
            calculation_unit=unit[1] if unit else None,
            repairs=repairs,
            raw_row=line.text,
            source_line=line.number,
            source_page=line.page,
        )
        self._carry_down(table, row, level1 is not None, level2 is not None, line)

        # A 二级指标 that does not end like a category was cut by the page below.
        if level2 is not None and row.level2_name and looks_cut_off(row.level2_name):
            table.open_fragment = row
            table.fragment_rows = [row]
        elif table.open_fragment is not None and row.level2_carried:
            table.fragment_rows.append(row)

        table.previous = row
        table.after_break = False
        self.result.indicators.append(row)

    def _label(self, text: str, line: CellRow, repairs: list[str]) -> str | None:
        squeezed = squeeze(text)
        if squeezed in EMPTY_CELL_MARKS:
            repairs.append("placeholder_cleared")
            self.events.append(ParseEvent("placeholder_cleared", f"placeholder {text!r} in a level cell stored as empty", line.number, line.page))
            return None
        if squeezed != text:
            repairs.append("label_spaces_removed")
            self.events.append(ParseEvent("label_spaces_removed", f"{text!r} → {squeezed!r}", line.number, line.page))
        return squeezed

    def _carry_down(self, table: _Table, row: DepartmentIndicator, own_level1: bool, own_level2: bool, line: CellRow) -> None:
        previous = table.previous
        if previous is None or own_level1:
            return
        carried = []
        row.level1_name, row.level1_carried = previous.level1_name, True
        carried.append(f"一级指标 {previous.level1_name!r}")
        if not own_level2:
            row.level2_name, row.level2_carried = previous.level2_name, True
            carried.append(f"二级指标 {previous.level2_name!r}")
        row.repairs.append("merged_cell_carried_down")
        self.events.append(
            ParseEvent(
                "merged_cell_carried_down",
                f"blank merged cell(s) take the value of line {previous.source_line}: " + ", ".join(carried),
                line.number,
                line.page,
            )
        )

    def _join_fragment(self, table: _Table, tail: str, line: CellRow) -> None:
        head_row = table.open_fragment
        assert head_row is not None and head_row.level2_name is not None
        joined = head_row.level2_name + squeeze(tail)
        head_row.repairs.append("split_cell_joined")
        self.events.append(
            ParseEvent(
                "split_cell_joined",
                f"二级指标 cut by a page break: {head_row.level2_name!r} (line {head_row.source_line}) + {tail!r} "
                f"(line {line.number}) → {joined!r}, set on line {head_row.source_line}",
                line.number,
                line.page,
            )
        )
        for row in table.fragment_rows:
            row.level2_name = joined
        table.open_fragment = None
        table.fragment_rows = []


def _header_label(table: _Table, column: int) -> str:
    if column in table.columns:
        return FIELD_LABELS[table.columns[column]]
    return "no header"


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"
