"""Reader of the national grid templates of performance targets (一级/二级/三级指标 grids).

Most of China publishes performance targets in the templates of the national
guidance, where every indicator is a row of cells. Three templates, all read
from the same :class:`~orchestration.parsing.formats.grid.DocumentLayout`
whatever the file format (PDF, XLSX, XLS, DOCX, HTML):

1. **single-project form** (项目支出绩效目标表 / 申报表): a label–value block
   (项目名称, 主管部门 / 预算部门, 实施单位, 实施期, 年度资金总额 / 财政拨款 /
   其他资金 / 上级资金 / 本级资金, 实施期目标, 年度目标 …) then the indicator grid;
   several forms may follow one another in one file (a new form starts at a
   form title or at a 项目名称 label after a grid);
2. **multi-project grid**: one row per indicator, with 单位名称 / 项目名称 /
   预算数 / 年度目标 columns printed once and spanning the project's rows;
3. **department- or unit-wide form** (部门整体支出绩效目标表 / 申报表, 单位整体绩效目标表,
   the 2026 部门整体预算绩效目标申报表 — any 部门整体 / 单位整体 … 绩效目标 title):
   部门(单位)名称, 职能概述, 年度总体目标 / 总体绩效目标, funds, 年度主要任务 /
   年度重点工作任务 then the grid.

Everything is decided by **labels**, never by positions (rules, in order):

- a **grid header** is a row with the level labels (三级指标, or 一级指标 and
  二级指标) and a value column (:func:`.grid_labels.is_grid_header`; 指标解释 or
  any other column does not keep a table out); its columns are typed by their labels
  (:data:`.grid_labels.COLUMN_LABELS`; the first match wins, so ``指标值类型`` is the
  comparator column like 指标性质, ``指标值及单位`` a value column, ``度量单位`` /
  ``计量单位`` a unit column, ``指标解释`` the explanation, ``评(扣)分标准`` /
  ``绩效标准`` the standard); a label of no known type is kept (its cells stay in
  the indicator's raw text) and reported in a ``grid_column_unknown`` event; a
  header with the label ``项目名称`` makes it a multi-project grid;
- a **label–value row** pairs each cell whose text is a form label
  (:data:`.grid_labels.FORM_LABELS`) with the next cell that is not a label;
- **body rows** follow the header until a row starts with a form label
  (财政部门审核意见 …) or a new header or title; an empty 一级 / 二级 cell
  (merged or blank) carries the value above down (``level_carried`` in the raw text);
- a **category's code** is looked up by meaning
  (:func:`orchestration.parsing.vocabulary.category_code`) at the level of the column
  it is printed in (成本指标 is level-1 code 4 in the 一级 column and level-2 code 14
  in the 二级 column; :mod:`.grid_categories`); the name is kept as printed, an
  unknown name kept with ``None`` codes and an ``indicator_category_unknown`` event —
  never guessed. A grid without a 三级指标 column whose 一级 column holds 二级 names
  (数量指标 …) is read by those names: the last level cell that is not a category
  name is the indicator;
- a row with a 二级 name and no indicator and no value is a **placeholder** the
  template keeps (``经济效益指标`` with empty cells): an ``indicator_placeholder``
  event, not an indicator;
- a **section label** (预算整体情况, 年度重点工作任务, 绩效指标: the merged cell at the left of a
  block, :data:`.grid_labels.SECTION_LABELS`) names a block and is no field: it is set aside before
  the row is read, so a block continued on the next page (the label printed again, or a blank cell) goes on;
- an **amount block header** (a row with ``预算金额（万元）`` cells between group names such as
  部门预算支出 / 收入来源) states the unit of the label–amount rows below it;
- **task rows** (年度主要任务 / 年度重点工作任务) follow a header naming 名称 / 任务名称 and
  内容; their cells are read in the header's order (名称, 主要实施内容, 拟投入的资金, 期望达到的目标),
  so a task table continued on a page whose grid has other column positions is read alike;
- department-wide amounts are split by their labels (基本支出 / 项目支出, 财政拨款 / 其他资金,
  财政专项资金 / 其他事业发展性支出, 本级使用资金 / 对下转移支付资金) and checked against each
  other (:func:`.grid_records.check_department_budget`): 基本支出 + 项目支出 = Σ income sources =
  Σ 预算级次; a difference is a ``department_budget_difference`` finding, kept as printed;
- **footer** lines (填表人, 联系电话, 填报日期, 单位负责人) become a ``form_footer``
  event saying which were filled in (names and numbers are not stored: the
  original file keeps them), other text outside the grids a ``text_not_read`` event.

Department: from 主管部门 / 预算部门 / 部门名称 / 单位名称 / 预算单位, a grid's
department row, else the 实施单位 of the projects (``department_from_unit``); when
nothing names it the document loads with ``department`` ``None`` and a
``department_unknown`` event (its indicators are real). Without any unit, the
document's total is the sum of its projects (``department_total_derived``).

Targets: the value cell as printed is ``annual_target`` (年度 value; a
实施期 value column gives ``period_target``); the normalized target comes from
:func:`~orchestration.parsing.targets.parse_target` on the value composed with
the template's 指标性质 (``≥``, ``≤``, ``=``; ``定性`` adds nothing) and 度量单位
when the value does not already carry them (``95`` + ``≥`` + ``%`` → ``≥95%``;
``≥80M`` and ``250万`` are read as printed). Weight (权重 / 分值, a number),
direction (指标方向性: 正向 → ``positive``, 反向 → ``negative``), standard
(绩效标准) and operator (指标性质) are kept on the indicator; a project whose
weights are given and do not add up to 100 gets a ``weights_not_100`` event
with the weights. 指标解释 lands on a department indicator's ``explanation``; a
project indicator has no such field, so it stays in its ``raw_text``.

Amounts: 万元 on the budget lines. The unit is read from ``单位：万元`` /
``金额单位：元`` in the caption or title rows (default 万元, with an
``amount_unit_not_stated`` event); 元 amounts are divided by 10,000; a value
such as ``250万`` carries its own unit. An amount cell that is not a number is
an ``amount_cell_not_a_number`` event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..formats.grid import DocumentLayout, GridCell
from ..records import ParsedDocument, ParseError, ParseEvent
from .grid_categories import split_levels
from ..text_common import has_department_title
from .grid_labels import (
    AMOUNT_HEADER,
    column_type,
    form_label,
    has_national_grid,
    is_grid_header,
    is_section_label,
    label_key,
    task_field,
)
from .grid_records import TEMPLATE, Form, department_document, department_unknown, project_records, strip_code, target_of

__all__ = ["TEMPLATE", "column_type", "form_label", "has_national_grid", "is_grid_header", "read_national_grid",
           "target_of"]


_UNIT_STATEMENT = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元)")
#: The unit in an amount column header: ``预算金额（万元）``, ``拟投入的资金（万元）``.
_UNIT_IN_HEADER = re.compile(r"(?:金额|资金)\s*[（(]\s*(万元|元)\s*[)）]")
_FOOTER = re.compile(r"(填表人|填报人|联系电话|填报日期|单位负责人|审核人)")
_TITLE = re.compile(r"绩效目标.*表\s*([（(].*[)）])?$")
_key = label_key


@dataclass
class _Row:
    """One row of the document stream: a grid row (every column) or a caption / note line (one cell)."""

    cells: list[GridCell]
    is_line: bool = False

    def origin_texts(self) -> list[str]:
        out: list[str] = []
        for cell in self.cells:
            if cell.is_origin and cell.text and (not out or out[-1] != cell.text):
                out.append(cell.text)
        return out


@dataclass
class _Grid:
    columns: dict[str, int]
    multi_project: bool
    #: kept by :func:`.grid_categories.split_levels` (a 一级 column that holds level-2 names)
    levels: dict = field(default_factory=dict)


def _stream(layout: DocumentLayout) -> list[_Row]:
    rows: list[_Row] = []
    for table in layout.tables:
        for line in table.caption:
            rows.append(_Row([GridCell(line, table.first_page, table.bbox)], is_line=True))
        rows += [_Row(row) for row in table.rows]
        for line in table.notes:
            rows.append(_Row([GridCell(line, table.last_page, table.bbox)], is_line=True))
    return rows


def read_national_grid(layout: DocumentLayout, source_format: str) -> ParsedDocument:
    """Read a layout of national grid templates into records (rules in the module docstring).

    Returns a ``project_targets`` :class:`ParsedDocument` (layout
    ``national_project_form`` or ``national_project_grid``: budget lines in 万元 and
    indicators with ``template='national_grid'``) or a ``department_targets`` one
    (layout ``national_department_form``: profile with income in 元, tasks,
    indicators). ``source_format`` (``pdf``, ``xlsx``, ``xls``, ``docx``, ``html``)
    is named in events. Raises :class:`ParseError` when no grid header is found.
    """
    rows = _stream(layout)
    events: list[ParseEvent] = [ParseEvent(kind, detail, source_page=page) for kind, detail, page in layout.events]
    events += [ParseEvent(kind, detail, source_page=page) for table in layout.tables for kind, detail, page in table.events]
    unit = None
    title = None
    forms: list[Form] = [Form()]
    grid: _Grid | None = None
    in_tasks: list[str | None] | None = None
    carried: dict[str, str] = {}
    project_state: dict[str, str] = {}
    grid_kinds: set[str] = set()
    department_form = False
    form_title = None
    for row in rows:
        texts = [c.text for c in row.cells]
        origin = row.origin_texts()
        if not origin:
            continue
        joined = "".join(origin)
        page = row.cells[0].page
        unit_match = _UNIT_STATEMENT.search(joined)
        if unit_match and unit is None:
            unit = unit_match.group(1)
        if len(origin) == 1 and _TITLE.search(re.sub(r"\s+", "", origin[0])):
            if has_department_title(origin[0]):
                department_form = True
            if forms[-1].indicators or forms[-1].facts:
                forms.append(Form())
            forms[-1].title = origin[0]
            form_title = form_title or origin[0]
            grid, in_tasks = None, None
            continue
        if _FOOTER.match(origin[0]):
            events.append(_footer_event(joined, page))
            grid = None
            continue
        if is_grid_header(texts):
            grid = _Grid(_type_columns(texts, source_format, page, events), multi_project=False)
            grid.multi_project = "project" in grid.columns
            grid_kinds.add("grid" if grid.multi_project else "form")
            carried = {}
            in_tasks = None
            continue
        origin = [text for text in origin if not is_section_label(text)]
        if not origin:
            continue  # a lone section label: the block it names goes on (continued on a new page)
        joined = "".join(origin)
        if _is_task_header(origin):
            in_tasks = [task_field(text) for text in origin]
            unit = unit or _unit_in_header(joined)
            grid = None
            continue
        if _is_amount_block_header(origin):
            unit = unit or _unit_in_header(joined)
            grid, in_tasks = None, None
            continue
        first_label = form_label(origin[0])
        if grid is not None and first_label is None and not row.is_line:
            if grid.multi_project:
                _read_project_columns(row, grid, forms, project_state, unit, events)
            _read_indicator_row(row, grid, forms[-1], carried, events)
            continue
        if in_tasks is not None and first_label is None and not row.is_line:
            task = _task_values(row, in_tasks, events, page)
            if any(task.values()):
                forms[-1].tasks.append({**task, "page": page})
            continue
        # a label–value row (or a caption / note line)
        if first_label == "project_name" and grid is not None and forms[-1].indicators:
            forms.append(Form())
        grid, in_tasks = (None, None) if first_label else (grid, in_tasks)
        pairs = _label_values(row)
        if _FOOTER.search(joined):
            events.append(_footer_event(joined, page))
        for name, value, cell in pairs:
            form = forms[-1]
            if name in form.facts and name not in ("review",):
                continue
            form.facts[name] = value
            form.fact_cells[name] = cell
        if not pairs and not unit_match and not _FOOTER.search(joined):
            events.append(ParseEvent("text_not_read", f"{source_format}: text outside the indicator grid not read: "
                                     f"{' | '.join(origin)[:300]}", source_page=page))
    if not grid_kinds:
        raise ParseError("no indicator grid found: no row has the labels 一级指标 / 二级指标 / 三级指标 of the "
                         "national templates. Submit the 绩效目标表 itself.")
    unit_stated = unit is not None
    if unit is None:
        unit = "万元"
        events.append(ParseEvent("amount_unit_not_stated", "no 单位：万元 / 金额单位：元 found; amounts read as 万元"))
    title = form_title or title
    if department_form or any(f.tasks or "function_summary" in f.facts for f in forms):
        return department_document(forms, title, unit, events, unit_stated)
    forms = [f for f in forms if f.indicators or f.facts.get("project_name")]
    layout_name = "national_project_grid" if "grid" in grid_kinds else "national_project_form"
    budget_lines, indicators = project_records(forms, unit, events, multi="grid" in grid_kinds)
    department = strip_code(next((f.facts.get("department") for f in forms if f.facts.get("department")), None)
                             or project_state.get("department"))
    if department is None:
        unit_name = next((b.spending_unit for b in budget_lines if b.spending_unit), None)
        if unit_name:
            department = unit_name
            events.append(ParseEvent("department_from_unit", f"no 主管部门 / 部门名称 label and no department row: the "
                                     f"document is read as published by its unit {unit_name!r}"))
        else:
            events.append(department_unknown(f"{len(indicators)} indicator(s) of {len(forms)} project(s)"))
    return ParsedDocument(doc_type="project_targets", layout=layout_name, title=title, department=department,
                          fiscal_year=None, page_count=layout.page_count, budget_lines=budget_lines,
                          indicators=indicators, events=events)


def _type_columns(texts: list[str], source_format: str, page, events: list[ParseEvent]) -> dict[str, int]:
    """Column type → index from a grid header's labels (first column of a type wins). A label of no known
    type is kept (its cells stay in each indicator's ``raw_text``) and reported in a ``grid_column_unknown``
    event, once per label."""
    columns: dict[str, int] = {}
    unknown: dict[str, int] = {}
    for j, text in enumerate(texts):
        kind = column_type(text)
        if kind and kind not in columns:
            columns[kind] = j
        elif kind is None and text and text not in unknown:
            unknown[text] = j
    for text, j in unknown.items():
        events.append(ParseEvent("grid_column_unknown", f"{source_format}: grid column {j + 1} labelled {text!r} is of "
                                 "no known type; its cells are kept in the indicators' raw text, not in a field",
                                 source_page=page))
    return columns


def _is_task_header(origin: list[str]) -> bool:
    """A task table's header: a name label (任务名称, 名称, 任务) and a content label (主要实施内容, 主要内容)."""
    keys = [_key(t) for t in origin]
    return any(re.search(r"任务名称|^名称$|^任务$", k) for k in keys) and any("内容" in k for k in keys)


def _task_values(row: _Row, fields: list[str | None], events: list[ParseEvent], page) -> dict[str, str]:
    """A task row's cells in the header's order (its origin cells, section labels set aside): ``{field: text}``.

    Read by order, not by column position, so a task table continued on a page whose grid has other
    column positions is read alike. A cell under no known label, or beyond the header, is kept in a
    ``task_cell_not_read`` event.
    """
    cells = [c.text for c in row.cells if c.is_origin and not is_section_label(c.text)]
    task: dict[str, str] = {}
    for j, text in enumerate(cells):
        name = fields[j] if j < len(fields) else None
        if name is None or name in task:
            if text:
                events.append(ParseEvent("task_cell_not_read", f"task row cell {j + 1} under no task label: {text[:300]}",
                                         source_page=page))
            continue
        task[name] = text
    return task


def _is_amount_block_header(origin: list[str]) -> bool:
    """A row of group names and amount column headers stating a unit (部门预算支出 | 预算金额（万元） | 收入来源 | …)."""
    return any(AMOUNT_HEADER.match(_key(t)) for t in origin)


def _unit_in_header(text: str) -> str | None:
    """``'预算金额（万元）'`` → ``'万元'``; ``None`` when the text states no unit."""
    match = _UNIT_IN_HEADER.search(text)
    return match.group(1) if match else None


def _label_values(row: _Row) -> list[tuple[str, str, GridCell]]:
    """Pairs ``(field, value, value cell)`` of a label–value row; a label in a line ``项目名称：X`` too."""
    cells = [c for c in row.cells if c.is_origin and c.text]
    pairs: list[tuple[str, str, GridCell]] = []
    k = 0
    while k < len(cells):
        name = form_label(cells[k].text)
        if name is None:
            inline = re.match(r"^\s*([^:：]{2,12})\s*[:：]\s*(\S.*)$", cells[k].text)
            if inline and form_label(inline.group(1)):
                pairs.append((form_label(inline.group(1)), inline.group(2).strip(), cells[k]))
            k += 1
            continue
        if k + 1 < len(cells) and form_label(cells[k + 1].text) is None:
            pairs.append((name, cells[k + 1].text, cells[k + 1]))
            k += 2
        else:
            pairs.append((name, "", cells[k]))
            k += 1
    return pairs


def _footer_event(text: str, page: int | None) -> ParseEvent:
    """Which footer fields were filled in; the names and numbers themselves are not stored."""
    parts = []
    for label in ("填表人", "填报人", "联系电话", "填报日期", "单位负责人", "审核人"):
        match = re.search(label + r"(?:签字|签章|签名)?\s*[:：]?\s*([^\s:：]*)", text)
        if match:
            value = match.group(1)
            filled = bool(value) and not _FOOTER.match(value) and not form_label(value)
            parts.append(f"{label} {'filled in' if filled else 'empty'}")
    return ParseEvent("form_footer", f"form footer: {', '.join(parts)} (names and numbers not stored; the original file keeps them)",
                      source_page=page)


def _cell(row: _Row, grid: _Grid, name: str) -> GridCell | None:
    j = grid.columns.get(name)
    return row.cells[j] if j is not None and j < len(row.cells) else None


def _text(row: _Row, grid: _Grid, name: str, origin_only: bool = False) -> str:
    cell = _cell(row, grid, name)
    if cell is None or (origin_only and not cell.is_origin):
        return ""
    return cell.text


def _read_project_columns(row: _Row, grid: _Grid, forms: list[Form], state: dict, unit, events) -> None:
    """Multi-project grid: 单位名称 / 项目名称 / 预算数 / 年度目标 cells open a new unit or project."""
    unit_cell = _cell(row, grid, "unit_name")
    project_cell = _cell(row, grid, "project")
    unit_name = unit_cell.text if unit_cell is not None else ""
    project = project_cell.text if project_cell is not None and project_cell.is_origin else ""
    budget = _text(row, grid, "budget", origin_only=True)
    if unit_name and unit_cell.is_origin and unit_name != state.get("unit"):
        if not project and not any(_text(row, grid, k) for k in ("level1", "level2", "level3", "value")):
            # a row naming only a unit (the department's own row, with its total)
            if "department" not in state:
                state["department"] = unit_name
                state["department_total"] = budget
                forms[0].facts.setdefault("department_total", budget)
                forms[0].facts.setdefault("department", unit_name)
                return
        state["unit"] = unit_name
    if project:
        form = forms[-1] if not forms[-1].indicators and not forms[-1].facts.get("project_name") else None
        if form is None:
            form = Form()
            forms.append(form)
        form.facts.update({"project_name": project, "total": budget, "annual_goal": _text(row, grid, "goal", True),
                           "implementing_unit": state.get("unit", "")})
        form.fact_cells["project_name"] = project_cell
        form.page = project_cell.page


def _read_indicator_row(row: _Row, grid: _Grid, form: Form, carried: dict, events: list[ParseEvent]) -> None:
    """One body row of a grid → an indicator dict on ``form`` (or a placeholder event)."""
    levels = []
    for name in ("level1", "level2", "level3"):
        if name not in grid.columns:
            continue
        cell = _cell(row, grid, name)
        text = cell.text if cell is not None else ""
        if name != "level3":
            if text:
                if carried.get(name) != text:
                    carried.pop("level2", None) if name == "level1" else None
                carried[name] = text
            else:
                text = carried.get(name, "")
        levels.append((name, text, cell))
    value = _text(row, grid, "value", origin_only=False) if _origin_or_level(row, grid, "value") else ""
    values = {k: _text(row, grid, k, origin_only=True) for k in ("period_value", "operator", "unit", "weight",
                                                                 "direction", "standard", "explanation")}
    l1, l2, name, inferred = split_levels([(c, t) for c, t, _ in levels], "level3" in grid.columns, grid.levels)
    if not name and not value and not any(values.values()):
        if l2 or l1:
            events.append(ParseEvent("indicator_placeholder",
                                     f"{l1 or ''}/{l2 or ''}: a category row the template keeps without indicator or value",
                                     source_page=row.cells[0].page))
        return
    anchor = _cell(row, grid, "level3") or next((c for _, _, c in levels if c is not None), row.cells[0])
    form.indicators.append({"l1": l1, "l2": l2, "name": name or None, "value": value or None, **values,
                            "cell": anchor, "raw": " | ".join(row.origin_texts()), "inferred": inferred})


def _origin_or_level(row: _Row, grid: _Grid, name: str) -> bool:
    cell = _cell(row, grid, name)
    return cell is not None and cell.is_origin
