"""Reader of the 部门整体支出绩效目标表 inside a 部门预算 bundle (北京 预算12/13表) into department-target records.

The table (one per bundle, a continued table over page breaks joined by :mod:`..formats.pdf`) is a
form, then a grid, read by the meaning of its labels (NFKC, white space ignored), never by position:

- the form: 部门名称 | <department>; 总体资金情况（万元）over a block of column labels — 预算支出总额, then
  one group per source of funds (财政拨款, 其他资金) each with 合计 | 基本支出 | 项目支出 — and one row of
  amounts in **万元** (printed with six decimals: ``32,852.053832``); 整体绩效目标 | <text>;
  其他说明 | <text>;
- the grid, after its header row ``活动 | 绩效指标 | 指标性质 | 指标值 | 度量单位``: one indicator per row.
  The 绩效指标 cell runs the three levels together (``产出指标数量指标出具数据分析报告`` = 一级 产出指标,
  二级 数量指标, 三级 出具数据分析报告): :func:`split_levels` takes them apart by the taxonomy's names.

Records (:func:`read_department_overview`, built by :func:`.grid_records.department_document`, the
builder of the 2026 department-wide forms, so they land in the same raw tables and marts):

- profile: ``income_total_yuan`` 预算支出总额, ``income_fiscal_appropriation_yuan`` / ``income_other_yuan``
  the 合计 of 财政拨款 / 其他资金, ``expenditure_basic_yuan`` / ``expenditure_project_yuan`` the Σ over the
  sources of 基本支出 / 项目支出 — all in **元**, converted once from the 万元 printed
  (``amount_unit_printed='万元'``); ``overall_goal`` 整体绩效目标, ``other_notes`` 其他说明;
- one task per 活动 (``task_name`` the activity as printed, in order of first appearance) and its
  indicators under it (``task_no`` of the activity, ``seq`` 1… within it), 指标性质 as the operator
  composed into the target, 度量单位 as ``calculation_unit``; ``raw_row`` the row's cells.

The document's arithmetic is checked (:func:`check_fund_sources`): per source 合计 = 基本支出 + 项目支出
and 预算支出总额 = Σ of the sources' 合计 (a blank cell is 0) — equal: one ``department_funds_checked``
event; unequal: a ``department_budget_difference`` finding, amounts kept as printed.
Nothing is dropped: a row the reader cannot place is a ``department_form_row_not_read`` event with its text.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from ..department_records import DepartmentTargets
from ..formats.grid import GridCell, GridTable
from ..records import ParseError, ParseEvent
from ..text_common import parse_amount
from ..vocabulary import INDICATOR_CATEGORIES, category_code
from .grid_records import Form, department_document

#: Column types of the indicator grid by header label (NFKC, spaces removed; first match wins).
GRID_COLUMNS: tuple[tuple[str, str], ...] = (
    ("activity", r"^(活动|活动名称|年度主要任务|任务名称)$"),
    ("indicator", r"^(绩效指标|指标名称|三级指标)$"),
    ("operator", r"^(指标性质|指标值类型|符号)$"),
    ("value", r"^(指标值|目标值|年度指标值)$"),
    ("unit", r"^(度量单位|计量单位|单位)$"),
)
#: Labels of the form's facts (key → pattern on the label cell).
FACT_LABELS: tuple[tuple[str, str], ...] = (
    ("department", r"^(部门名称|单位名称|预算部门)$"),
    ("annual_goal", r"^(整体绩效目标|部门整体绩效目标|年度绩效目标)$"),
    ("other_notes", r"^(其他说明|其他需要说明的情况|备注)$"),
)
#: Sources of funds by group label → profile field (the department budget fields of the 2026 form).
SOURCES: tuple[tuple[str, str], ...] = (
    ("fiscal", r"^财政拨款"),
    ("other", r"^其他资金|^其他收入"),
)
_PARENT = {c.code: c.parent_code for c in INDICATOR_CATEGORIES if c.parent_code}
#: The longest prefix tried as a category name (the grid variants such as 社会公众或服务对象满意度指标 included).
_LONGEST_CATEGORY = 20


def norm(text: str | None) -> str:
    """NFKC width folding with all white space removed (``'绩 效 指 标'`` → ``'绩效指标'``)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _prefix_category(text: str, level: int, parent: str | None = None) -> tuple[str, str] | None:
    """The category name printed at the start of ``text`` at ``level``: ``(name as printed, code)``.

    Candidates are the prefixes the taxonomy resolves (:func:`category_code`, by meaning); preferred,
    in order: a level-2 whose parent is ``parent``, a prefix ending in 指标 (the form prints full names),
    the longest. ``None`` when no prefix is a category name or nothing would be left after it."""
    candidates = []
    for end in range(2, min(len(text) - 1, _LONGEST_CATEGORY) + 1):
        code = category_code(text[:end], level)
        if code is not None:
            candidates.append((parent is None or _PARENT.get(code) == parent, text[:end].endswith("指标"), end, code))
    if not candidates:
        return None
    _, _, end, code = max(candidates)
    return text[:end], code


def split_levels(cell: str) -> tuple[str | None, str | None, str]:
    """Split a 绩效指标 cell that runs the levels together into ``(一级, 二级, 三级 name)``.

    ``'产出指标数量指标出具数据分析报告'`` → ``('产出指标', '数量指标', '出具数据分析报告')``;
    ``'满意度指标服务对象满意度指标具备移交条件的及时办理移交'`` → ``('满意度指标', '服务对象满意度指标', …)``.
    The 一级 is a leading level-1 name of the taxonomy, the 二级 the level-2 name that follows (one
    belonging to that 一级 preferred), the rest the 三级 indicator name. Where no level-1 name leads,
    ``(None, None, cell)``; where no level-2 name follows it, ``(一级, None, rest)``. The names are
    matched on the NFKC form without white space; the category names are returned in that form, the
    三级 name as printed (full-width punctuation kept)."""
    text = (cell or "").strip()
    first = _prefix_category(norm(text), 1)
    if first is None:
        return None, None, text
    rest = _after(text, len(first[0]))
    second = _prefix_category(norm(rest), 2, parent=first[1])
    if second is None:
        return first[0], None, rest
    return first[0], second[0], _after(rest, len(second[0]))


def _after(text: str, count: int) -> str:
    """``text`` after the characters whose :func:`norm` form makes its first ``count`` characters, stripped."""
    seen = 0
    for i, char in enumerate(text):
        if seen >= count:
            return text[i:].strip()
        seen += len(norm(char))
    return ""


def is_overview_table(table: GridTable) -> bool:
    """True when the table has the indicator grid's header (an indicator and a value column by label)."""
    return _grid_header(table) is not None


def _grid_header(table: GridTable) -> tuple[int, dict[str, int]] | None:
    """``(row index, column type → column index)`` of the indicator grid's header row, or ``None``."""
    for i, row in enumerate(table.rows):
        columns: dict[str, int] = {}
        for j, cell in enumerate(row):
            if not cell.is_origin:
                continue
            for name, pattern in GRID_COLUMNS:
                if re.search(pattern, norm(cell.text)):
                    columns.setdefault(name, j)
                    break
        if {"indicator", "value"} <= columns.keys():
            return i, columns
    return None


def read_department_overview(table: GridTable, department: str | None) -> tuple[DepartmentTargets, list[ParseEvent]] | None:
    """Read a 部门整体支出绩效目标表 (rules in the module docstring) into :class:`DepartmentTargets`.

    ``department`` is the bundle's department, used when the form names none. Amounts in **元**
    (converted from the 万元 printed). Returns ``(targets, events)``, or ``None`` when the table has
    no indicator grid header (another layout: the caller keeps it unread). Never raises on a cell:
    an amount that is not a number is an ``amount_cell_not_a_number`` event.
    """
    found = _grid_header(table)
    if found is None:
        return None
    header_row, columns = found
    events: list[ParseEvent] = []
    where = f"table {table.table_no} pages {table.first_page}-{table.last_page}"
    facts, amounts = _read_form(table.rows[:header_row], where, events)
    facts.update(amount_facts(amounts, where, events))
    unit = stated_unit(table.rows[:header_row])
    if unit is None and amounts:
        events.append(ParseEvent("amount_unit_not_stated", f"{where}: no 单位 stated; amounts read as 万元",
                                 source_page=table.first_page))
    facts.setdefault("department", department or "")
    if not facts["department"]:
        del facts["department"]
    form = Form(facts={k: v for k, v in facts.items() if k != "other_notes"}, title=None, page=table.first_page)
    tasks: dict[str, list[dict]] = {}
    for row in table.rows[header_row + 1:]:
        item = _indicator(row, columns, where, events)
        if item is not None:
            tasks.setdefault(item["activity"], []).append(item)
    form.tasks = [{"name": name, "page": items[0]["cell"].page} for name, items in tasks.items()]
    form.indicators = [item for items in tasks.values() for item in items]
    inner: list[ParseEvent] = []
    document = department_document([form], None, unit or "万元", inner, unit_stated=unit is not None)
    targets = document.department_targets
    targets.profile.other_notes = facts.get("other_notes") or None
    seq_of: dict[int, int] = {}
    for indicator, item in zip(targets.indicators, form.indicators):
        indicator.task_no = list(tasks).index(item["activity"]) + 1
        seq_of[indicator.task_no] = indicator.seq = seq_of.get(indicator.task_no, 0) + 1
    events += [e for e in inner if e.kind != "department_unknown" or department is None]
    events += check_fund_sources(amounts, where)
    unsplit = [i for i in form.indicators if i["l1"] is None or i["l2"] is None]
    if unsplit:
        events.append(ParseEvent("indicator_levels_not_split", f"{where}: {len(unsplit)} 绩效指标 cell(s) not led by "
                                 "a 一级 and 二级 name of the taxonomy; the indicator name is the text after the 一级 name "
                                 "found, else the whole cell, and no code is set for a level not found: " + "; ".join(repr(i["cell"].text) for i in unsplit)[:600],
                                 source_page=unsplit[0]["cell"].page))
    return targets, events


def _read_form(rows: list[list[GridCell]], where: str, events: list[ParseEvent]):
    """Facts (field → text) and the amounts block (column path → 万元) of the rows above the grid header."""
    facts: dict[str, str] = {}
    amounts: dict[tuple[str, ...], Decimal | None] = {}
    for i, row in enumerate(rows):
        origin = [(j, c) for j, c in enumerate(row) if c.is_origin and c.text.strip()]
        if not origin:
            continue
        if _is_amount_row(origin):
            _read_amounts(rows, i, amounts, where, events)
            continue
        label_at = None
        for k, (_, cell) in enumerate(origin):
            key = next((name for name, pattern in FACT_LABELS if re.search(pattern, norm(cell.text))), None)
            if key is not None:
                label_at = (k, key)
        if label_at is not None:
            k, key = label_at
            value = " ".join(c.text.strip() for _, c in origin[k + 1:])
            facts.setdefault(key, value)
            continue
        texts = [norm(c.text) for _, c in origin]
        if all(_CAPTION.search(t) or re.search(r"资金|拨款|收入|支出|合计|总额", t) for t in texts):
            continue  # the labels of the amounts block (paths of its amounts) and the (2026年度) caption row
        events.append(ParseEvent("department_form_row_not_read", f"{where}: row not read: "
                                 + " | ".join(c.text for _, c in origin)[:300], source_page=origin[0][1].page))
    return facts, amounts


def _is_amount_row(origin: list[tuple[int, GridCell]]) -> bool:
    return all(re.fullmatch(r"-?[\d,，]+(\.\d+)?", norm(c.text)) for _, c in origin)


def _read_amounts(rows, i: int, amounts: dict, where: str, events: list[ParseEvent]) -> None:
    """Each amount cell of row ``i`` keyed by the path of labels above it in its column: the block of label
    rows between the last fact row (部门名称) and the amounts (预算支出总额 / 财政拨款 / 合计 …; covered
    cells carry their merged label's text); the block's own label (总体资金情况（万元）) is not part of a path."""
    block: list[int] = []
    for r in range(i - 1, -1, -1):
        texts = [norm(c.text) for c in rows[r] if c.is_origin and c.text.strip()]
        if any(re.search(pattern, t) for t in texts for _, pattern in FACT_LABELS) or any(_CAPTION.search(t) for t in texts):
            break
        block.insert(0, r)
    for j, cell in enumerate(rows[i]):
        if not cell.is_origin:
            continue
        path: list[str] = []
        for r in block:
            text = norm(rows[r][j].text)
            if text and text not in path and not _BLOCK_LABEL.search(text):
                path.append(text)
        if not path:
            if cell.text.strip():
                events.append(ParseEvent("department_form_row_not_read", f"{where}: amount {cell.text!r} under no label",
                                         source_page=cell.page))
            continue
        try:
            amounts[tuple(path)] = parse_amount(cell.text) if cell.text.strip() else None
        except ParseError:
            events.append(ParseEvent("amount_cell_not_a_number", f"{where} {'/'.join(path)}: {cell.text!r} is not an amount",
                                     source_page=cell.page))


_CAPTION = re.compile(r"^[(（]?\d{4}年度?[)）]?$")
_BLOCK_LABEL = re.compile(r"资金情况")


def stated_unit(rows: list[list[GridCell]]) -> str | None:
    """The amount unit the form states in a label (``总体资金情况（万元）``, ``单位：元``): ``'万元'`` | ``'元'`` | ``None``."""
    for row in rows:
        for cell in row:
            match = re.search(r"[(（](万元|元)[)）]|单位[:：](万元|元)", norm(cell.text))
            if cell.is_origin and match:
                return match.group(1) or match.group(2)
    return None


def fund_sources(amounts: dict[tuple[str, ...], Decimal | None]) -> tuple[Decimal | None, dict[str, dict[str, Decimal | None]]]:
    """``(预算支出总额, {source label: {'合计'|'基本支出'|'项目支出': 万元}})`` from the amounts block."""
    total = None
    sources: dict[str, dict[str, Decimal | None]] = {}
    for path, value in amounts.items():
        if len(path) == 1 and re.search(r"总额|总计", path[0]):
            total = value
        elif len(path) >= 2:
            sources.setdefault(path[-2], {})[path[-1]] = value
    return total, sources


def amount_facts(amounts: dict[tuple[str, ...], Decimal | None], where: str, events: list[ParseEvent]) -> dict[str, str]:
    """The department-form facts (万元 as text) of the amounts block: ``total``, ``fiscal`` / ``other``
    (each source's 合计), ``expenditure_basic`` / ``expenditure_project`` (Σ over the sources; a blank is 0).
    A source label outside :data:`SOURCES` counts in the expenditure sums and is reported
    (``fund_source_unknown``), its 合计 not assigned to a source field."""
    total, sources = fund_sources(amounts)
    facts: dict[str, str] = {}
    if total is not None:
        facts["total"] = format(total, "f")
    basic = project = None
    for label, parts in sources.items():
        key = next((name for name, pattern in SOURCES if re.search(pattern, label)), None)
        if key is None:
            events.append(ParseEvent("fund_source_unknown", f"{where}: source of funds {label!r} is not 财政拨款 or "
                                     f"其他资金; its amounts {parts} count in 基本支出 / 项目支出 only"))
        elif parts.get("合计") is not None:
            facts[key] = format(parts["合计"], "f")
        if parts.get("基本支出") is not None:
            basic = (basic or Decimal(0)) + parts["基本支出"]
        if parts.get("项目支出") is not None:
            project = (project or Decimal(0)) + parts["项目支出"]
    if basic is not None:
        facts["expenditure_basic"] = format(basic, "f")
    if project is not None:
        facts["expenditure_project"] = format(project, "f")
    return facts


def check_fund_sources(amounts: dict[tuple[str, ...], Decimal | None], where: str) -> list[ParseEvent]:
    """The form's own arithmetic in 万元: per source 合计 = 基本支出 + 项目支出, and 预算支出总额 = Σ sources' 合计
    (a blank cell is 0). One ``department_funds_checked`` event listing what held; one
    ``department_budget_difference`` per identity that does not, the amounts kept as printed."""
    total, sources = fund_sources(amounts)
    events: list[ParseEvent] = []
    held: list[str] = []
    zero = Decimal(0)
    for label, parts in sources.items():
        if "合计" not in parts:
            continue
        whole, basic, project = parts.get("合计") or zero, parts.get("基本支出") or zero, parts.get("项目支出") or zero
        if whole == basic + project:
            held.append(f"{label} 合计 {whole} = 基本支出 {basic} + 项目支出 {project}")
        else:
            events.append(ParseEvent("department_budget_difference", f"{where}: {label} 合计 {whole} 万元 ≠ 基本支出 {basic} "
                                     f"+ 项目支出 {project} (difference {whole - basic - project}); kept as printed"))
    if total is not None and sources:
        summed = sum((parts.get("合计") or zero for parts in sources.values()), zero)
        if total == summed:
            held.append(f"预算支出总额 {total} = Σ sources {summed}")
        else:
            events.append(ParseEvent("department_budget_difference", f"{where}: 预算支出总额 {total} 万元 ≠ Σ of the sources' "
                                     f"合计 {summed} (difference {total - summed}); kept as printed"))
    if held:
        events.append(ParseEvent("department_funds_checked", f"{where} (万元): " + "; ".join(held)))
    return events


def _indicator(row: list[GridCell], columns: dict[str, int], where: str, events: list[ParseEvent]) -> dict | None:
    """One indicator dict (the keys :func:`.grid_records.department_document` reads) of a grid row, or ``None``
    for a blank row, a row continuing a merged cell, or a row with text but no indicator (an event)."""
    def text(name: str) -> str:
        j = columns.get(name)
        return row[j].text.strip() if j is not None and j < len(row) else ""

    cell = row[columns["indicator"]]
    origin = [c.text for c in row if c.is_origin and c.text.strip()]
    if not cell.is_origin or not cell.text.strip():
        if origin:
            events.append(ParseEvent("department_form_row_not_read", f"{where}: row without a 绩效指标: "
                                     + " | ".join(origin)[:300], source_page=row[0].page))
        return None
    l1, l2, name = split_levels(cell.text)
    return {"activity": text("activity"), "l1": l1, "l2": l2, "name": name, "value": text("value"),
            "operator": text("operator"), "unit": text("unit"), "weight": "", "direction": "", "standard": "",
            "explanation": "", "period_value": "", "cell": cell, "raw": "\t".join(origin)}
