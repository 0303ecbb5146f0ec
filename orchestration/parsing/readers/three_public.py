"""Reader of the “三公”经费 tables: which item, which fund, which period each amount is.

A 三公 table (“三公”经费和机关运行经费预算表, 财政拨款“三公”经费支出表, 财政拨款安排的行政经费及“三公”经费预算表,
“三公”经费、会议费、培训费支出预算表, 一般公共预算“三公”经费支出决算表 …) is first read like every
standard table by :func:`~.budget_tables.read_budget_table` (rows, amount cells, header labels).
This module then gives every amount cell its meaning, from the words of its column label and of its
row label, whichever axis carries them — never from positions:

- **item** (``column_role``): :data:`ITEMS`, matched on the column label from its last header segment
  upwards (``公务用车购置及运行维护费/公务用车运行维护费`` → ``vehicle_operation``), a segment with no
  meaning joined to its parent (a header word split over two ruled cells, ``公务接/待费`` →
  ``公务接待费``, ``因公出/国（境）`` → ``因公出国（境）``); else on the row label (items printed as rows:
  ``其中：（一）因公出国（境）支出``). A bare 合计 / 总计 / 小计 is the 三公 ``total``, or ``grand_total``
  when the table also prints 会议费 / 培训费 (合计 = 三公 + 会议费 + 培训费) and a 三公 subtotal of its own;
- **fund** (``fund``): 一般公共预算 / 政府性基金 / 国有资本经营 in the column or row label, else in the
  table's title (``一般公共预算“三公”经费预算表``); a 合计 column beside fund columns (items as rows) is
  ``all_funds``; ``None`` when neither the table nor its title names a fund;
- **measure** (``column_measure``): 预算数 / 决算数 in the column label; a row printed per year
  (深圳: ``2025年``, ``2026年``, ``增减变化金额``) gives ``prior_budget`` for the earlier year, ``budget`` for
  the latest, ``change`` for 增减; else ``None`` (the stage decides, in dbt);
- **spending unit** (``spending_unit``): a row that names neither an item, a period nor a total is a
  unit of the department (杭州 / 湖州 print one row per unit under the 合计 row).

A row of column numbers (``** 1 2 3 4 5 6``, ``1 2 … 12``) is no data: its cells are taken out of the
amounts and kept, as printed, in a ``column_numbers_row`` event. A 三公 table with no amount is either
declared empty by the document (``本表为空表``, ``本单位无…``, ``无…经费``: ``table_declared_empty``) or
present without its data row (``table_without_data``: a finding, the 说明 may state the amount).
Amounts stay as printed, in the table's unit (元 or 万元); when no 单位 is printed above the table, a header
cell ``单位：万元`` inside the grid gives it, or a caption ``单位：万`` whose ``元`` is the grid's first cell
(``unit_from_header_cell``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from ..disclosure_records import BudgetTableAmount, BudgetTableRow
from ..formats.grid import GridTable
from ..records import ParseEvent
from ..vocabulary import FUND_TYPE_WORDS

#: Items of a 三公 table by words of their label (NFKC, no spaces or quotes), most specific first.
ITEMS: tuple[tuple[str, str], ...] = (
    ("会议费", "meeting"),
    ("培训费", "training"),
    ("机关运行", "administrative_operating"),
    ("行政经费", "administrative_expenses"),
    ("出国", "outbound_travel"),
    ("购置及运行", "official_vehicles"),
    ("购置和运行", "official_vehicles"),
    ("购置", "vehicle_purchase"),
    ("运行维护", "vehicle_operation"),
    ("运维", "vehicle_operation"),
    ("运行费", "vehicle_operation"),
    ("接待", "official_reception"),
    ("三公经费", "total"),
)
#: Fund types named in a label.
FUNDS: tuple[tuple[str, str], ...] = FUND_TYPE_WORDS
_TOTAL_WORDS = ("合计", "总计", "小计")
_CAPTION_SEGMENT = re.compile(r"^(单位|金额单位|部门|部门名称|单位名称|编制部门|编制单位)[:：]")
_YEAR_ROW = re.compile(r"^(20\d\d)年")
_CHANGE_ROW = re.compile(r"增减|变化|差额")
_HEADER_UNIT = re.compile(r"^(?:金额)?单位[:：](万元|元)$")
_DANGLING_UNIT = re.compile(r"单位[:：](万?)$")
_COLUMN_NUMBER = re.compile(r"^\d{1,2}$")
_DECLARED_EMPTY = re.compile(r"空表|本(?:部门|单位)(?:无|没有|未)|无(?:相关)?.{0,12}(?:收支|经费|支出|安排)|未安排|不涉及")


def normalise(text: str | None) -> str:
    """NFKC, without white space and quotes: ``'“三公”经费 合计'`` → ``'三公经费合计'``."""
    return re.sub(r"[\s“”\"'‘’]", "", unicodedata.normalize("NFKC", text or ""))


def label_segments(label: str | None) -> list[str]:
    """The header segments of a column label, normalised, captions (``单位：万元``, ``部门：…``) left out."""
    return [s for s in (normalise(part) for part in (label or "").split("/")) if s and not _CAPTION_SEGMENT.match(s)]


def item_of(label: str | None) -> str | None:
    """The 三公 item a label names, from its last segment upwards (fragments joined); ``None`` if none.

    ``'“三公”经费/公务接/待费'`` → ``'official_reception'``; ``'公务用车购置及运行维护费/小计'`` →
    ``'official_vehicles'``; ``'“三公”经费/小计'`` → ``'total'``; ``'合计'`` → ``None`` (see :func:`is_total`).
    """
    segments = label_segments(label)
    for start in range(len(segments) - 1, -1, -1):
        joined = "".join(segments[start:])
        tail = "".join(segments[start + 1:])
        for word, item in ITEMS:
            if word in joined and word not in tail:
                return item
    return None


def fund_of(label: str | None) -> str | None:
    """The fund type a label names (``'公务接待费/一般公共预算'`` → ``'general_public'``), else ``None``."""
    text = "".join(label_segments(label))
    return next((fund for word, fund in FUNDS if word in text), None)


def is_total(label: str | None) -> bool:
    """True for a label that names a total (合计, 总计, 小计) and no item: ``'合计'``, ``'部门：X/合计'``,
    ``'总计/一般公共预算'`` (a fund or 预算数 segment does not count)."""
    segments = [s for s in label_segments(label) if not any(word in s for word, _ in FUNDS) and s not in ("预算数", "决算数")]
    return bool(segments) and any(word in s for s in segments for word in _TOTAL_WORDS) and item_of(label) is None


def measure_of(label: str | None) -> str | None:
    """``budget`` / ``final`` / ``prior_budget`` / ``prior_final`` from a column label's words (预算数, 决算数, 上年)."""
    text = "".join(label_segments(label))
    prior = "上年" in text or "上一年" in text
    if "决算" in text:
        return "prior_final" if prior else "final"
    if "预算数" in text or prior:
        return "prior_budget" if prior else "budget"
    return None


def read_three_public(table: GridTable, rows: list[BudgetTableRow], amounts: list[BudgetTableAmount]
                      ) -> tuple[list[BudgetTableAmount], list[ParseEvent]]:
    """Give every amount of a 三公 table its item, fund, measure and spending unit (module docstring).

    ``rows`` and ``amounts`` are what :func:`~.budget_tables.read_budget_table` read from ``table``.
    Returns the amounts (new objects; the cells of a column-numbers row removed) and the events
    (``column_numbers_row``, ``table_declared_empty`` / ``table_without_data``,
    ``three_public_cell_without_item``). Never raises.
    """
    events: list[ParseEvent] = []
    numbered = _column_number_rows(rows, amounts)
    for row_no in sorted(numbered):
        printed = " ".join(str(a.amount) for a in amounts if a.row_no == row_no)
        events.append(ParseEvent("column_numbers_row", f"table {table.table_no} row {row_no}: column numbers {printed} "
                                 "(no amounts), kept here, not loaded", source_page=_page_of(rows, row_no, table)))
    kept = [a for a in amounts if a.row_no not in numbered]
    if not kept:
        events.append(_empty_table_event(table))
        return kept, events
    header_unit = _unit_in_header(table) if any(a.unit is None for a in kept) else None
    if header_unit:
        events.append(ParseEvent("unit_from_header_cell", f"table {table.table_no}: no 单位 above the table; "
                                 f"单位：{header_unit} printed in a header cell, read as the unit of its amounts",
                                 source_page=table.first_page))
    context = _table_context(table, [r for r in rows if r.row_no not in numbered], kept)
    by_row = {(r.row_no, r.side_no): r for r in rows}
    read: list[BudgetTableAmount] = []
    for a in kept:
        cell = _cell_meaning(a, by_row.get((a.row_no, a.side_no)), context)
        if cell.column_role is None:
            events.append(ParseEvent("three_public_cell_without_item",
                                     f"table {table.table_no} row {a.row_no} column {a.column_label!r}: {a.amount} names "
                                     "no 三公 item; kept, not in the 三公 fact", source_page=a.source_page))
        read.append(replace(cell, unit=a.unit or header_unit))
    return read, events


@dataclass
class _TableContext:
    """What the whole table says about its cells: items per column, whether its columns are funds, …"""

    column_items: dict[int, str | None]
    columns_are_funds: bool
    broader_total: bool
    title_fund: str | None
    years: list[int]


def _table_context(table: GridTable, rows: list[BudgetTableRow], amounts: list[BudgetTableAmount]) -> _TableContext:
    """Items named by the column labels; funds as columns (items then in rows); 会议费/培训费 beside a 三公
    subtotal (the bare 合计 is then the grand total); the fund in the title; the years printed as rows."""
    labels = {a.column_no: a.column_label for a in amounts}
    column_items = {j: item_of(label) for j, label in labels.items()}
    return _TableContext(
        column_items=column_items,
        columns_are_funds=any(fund_of(label) for label in labels.values()) and not any(column_items.values()),
        broader_total=any(i in ("meeting", "training") for i in column_items.values()) and "total" in column_items.values(),
        title_fund=fund_of(next((line for line in table.caption if "三公" in line), None)),
        years=sorted({int(m.group(1)) for r in rows for m in [_YEAR_ROW.match(normalise(r.name))] if m}),
    )


def _cell_meaning(a: BudgetTableAmount, row: BudgetTableRow | None, context: _TableContext) -> BudgetTableAmount:
    """The amount with its item, fund, measure and spending unit read from its column label and row label."""
    name = row.name if row else None
    period = _period(name, context.years)
    item = context.column_items.get(a.column_no)
    # the item printed in the column: the row is a unit (or a year, or the 合计 row); else the row names the item
    unit = name if (item and name and period is None and not is_total(name) and row.row_kind != "total") else None
    item = item or item_of(name)
    fund = fund_of(a.column_label) or fund_of(name) or context.title_fund
    if context.columns_are_funds and is_total(a.column_label):
        fund = "all_funds"
    if item is None and is_total(a.column_label) and not context.columns_are_funds:
        item = "grand_total" if context.broader_total else "total"
    measure = measure_of(a.column_label) or period
    return replace(a, column_role=item, column_measure=measure, fund=fund, spending_unit=unit)


def _unit_in_header(table: GridTable) -> str | None:
    """``万元`` / ``元`` from a cell ``单位：万元`` of the grid (Jiangsu prints the unit inside the ruled grid), or from a
    caption ending ``单位：万`` completed by a cell ``元`` (the word broken over the grid's top rule); else ``None``."""
    parts = [normalise(cell.text) for row in table.rows for cell in row if cell.is_origin and cell.text]
    caption = table.caption
    for part in parts:
        match = _HEADER_UNIT.match(part)
        if match:
            return match.group(1)
    dangling = next((m.group(1) for line in caption for m in [_DANGLING_UNIT.search(normalise(line))] if m), None)
    if dangling is not None and "元" in parts:
        return dangling + "元"
    return None


def _column_number_rows(rows: list[BudgetTableRow], amounts: list[BudgetTableAmount]) -> set[int]:
    """Rows whose amounts are the column numbers 1, 2, 3 … printed without decimals, left to right."""
    numbered = set()
    for row in rows:
        cells = sorted((a for a in amounts if a.row_no == row.row_no), key=lambda a: a.column_no)
        values = [a.amount for a in cells]
        if len(values) >= 3 and all(v == 1 + k for k, v in enumerate(values)) and all(_COLUMN_NUMBER.match(str(v)) for v in values) \
                and (row.name is None or not re.search(r"[\u4e00-\u9fff]", row.name) or "栏" in row.name or "行次" in row.name):
            numbered.add(row.row_no)
    return numbered


def _period(name: str | None, years: list[int]) -> str | None:
    """``budget`` / ``prior_budget`` / ``change`` for a row printed per year (``2025年``, ``2026年``, ``增减变化金额``)."""
    text = normalise(name)
    match = _YEAR_ROW.match(text)
    if match and years:
        return "budget" if int(match.group(1)) == years[-1] else "prior_budget"
    if years and _CHANGE_ROW.search(text):
        return "change"
    return None


def _page_of(rows: list[BudgetTableRow], row_no: int, table: GridTable) -> int:
    """The page of a row, else the table's first page."""
    return next((r.source_page for r in rows if r.row_no == row_no), table.first_page)


def _empty_table_event(table: GridTable) -> ParseEvent:
    """``table_declared_empty`` when the table's caption, cells or notes say it is empty, else ``table_without_data``."""
    texts = table.caption + [cell.text for row in table.rows for cell in row if cell.is_origin] + table.notes
    said = next((t for t in texts if _DECLARED_EMPTY.search(normalise(t))), None)
    title = next((t for t in table.caption if "三公" in normalise(t)), "")
    if said is not None:
        return ParseEvent("table_declared_empty", f"table {table.table_no} ({title}) has no amount, as the document says: {said[:120]}",
                          source_page=table.first_page)
    return ParseEvent("table_without_data", f"table {table.table_no} ({title}) is printed with its header and no amount, and the "
                      "document does not say it is empty: a finding (the 说明 may state the amount)", source_page=table.first_page)
