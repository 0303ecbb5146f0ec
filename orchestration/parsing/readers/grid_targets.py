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
3. **department- or unit-wide form** (部门整体支出绩效目标表 / 申报表, 单位整体绩效目标表):
   部门(单位)名称, 职能概述, 年度总体目标, funds, 年度主要任务 then the grid.

Everything is decided by **labels**, never by positions (rules, in order):

- a **grid header** is a row with 三级指标, or with 一级指标 and 二级指标; its
  columns are typed by their labels (:data:`COLUMN_LABELS`; the first match wins,
  so ``指标值及单位`` is a value column and ``度量单位`` / ``计量单位`` a unit column);
  a row of the label ``项目名称`` in the same header makes it a multi-project grid;
- a **label–value row** pairs each cell whose text is a form label
  (:data:`FORM_LABELS`) with the next cell that is not a label;
- **body rows** follow the header until a row starts with a form label
  (财政部门审核意见 …) or a new header or title; an empty 一级 / 二级 cell
  (merged or blank) carries the value above down (``level_carried`` in the raw text);
- the **level of a category is its name** (:data:`LEVEL1_CODES`, :data:`LEVEL2_CODES`,
  the official taxonomy, with the synonyms the templates print): the code is
  looked up, the name kept as printed, an unknown name kept with ``None``
  codes and an ``indicator_category_unknown`` event — never guessed. A grid
  without a 三级指标 column whose 一级 column holds 二级 names (数量指标 …)
  is read by those names: the last level cell that is not a category name
  is the indicator;
- a row with a 二级 name and no indicator and no value is a **placeholder** the
  template keeps (``经济效益指标`` with empty cells): an ``indicator_placeholder``
  event, not an indicator;
- **footer** lines (填表人, 联系电话, 填报日期, 单位负责人) become a ``form_footer``
  event saying which were filled in (names and numbers are not stored: the
  original file keeps them), other text outside the grids a ``text_not_read`` event.

Targets: the value cell as printed is ``annual_target`` (年度 value; a
实施期 value column gives ``period_target``); the normalized target comes from
:func:`~orchestration.parsing.targets.parse_target` on the value composed with
the template's 指标性质 (``≥``, ``≤``, ``=``; ``定性`` adds nothing) and 度量单位
when the value does not already carry them (``95`` + ``≥`` + ``%`` → ``≥95%``;
``≥80M`` and ``250万`` are read as printed). Weight (权重 / 分值, a number),
direction (指标方向性: 正向 → ``positive``, 反向 → ``negative``), standard
(绩效标准) and operator (指标性质) are kept on the indicator; a project whose
weights are given and do not add up to 100 gets a ``weights_not_100`` event
with the weights.

Amounts: 万元 on the budget lines. The unit is read from ``单位：万元`` /
``金额单位：元`` in the caption or title rows (default 万元, with an
``amount_unit_not_stated`` event); 元 amounts are divided by 10,000; a value
such as ``250万`` carries its own unit. An amount cell that is not a number is
an ``amount_cell_not_a_number`` event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..department_records import DepartmentIndicator, DepartmentTargets, DepartmentTargetsProfile, DepartmentTask
from ..formats.grid import DocumentLayout, GridCell
from ..records import BudgetLine, ParsedDocument, ParseError, ParseEvent, PerformanceIndicator
from ..targets import TargetValue, parse_target
from ..vocabulary import GRID_LEVEL2_VARIANTS, LEVEL1_CODES
from ..vocabulary import LEVEL2_CODES as OFFICIAL_LEVEL2_CODES

#: Value of ``PerformanceIndicator.template`` for indicators read here.
TEMPLATE = "national_grid"

#: Level-2 category names as the templates print them → taxonomy code.
LEVEL2_CODES: dict[str, str] = {**OFFICIAL_LEVEL2_CODES, **GRID_LEVEL2_VARIANTS}

#: Column types of a grid header, by label (first match wins; spaces ignored).
COLUMN_LABELS: tuple[tuple[str, str], ...] = (
    ("level1", r"^一级指标$"),
    ("level2", r"^二级指标$"),
    ("level3", r"^三级指标$|^指标名称$|^绩效指标名称$"),
    ("period_value", r"实施期.*指标值|实施周期.*指标值|实施期目标值"),
    ("value", r"指标值|预期实现值|预期值|目标值|预期目标"),
    ("operator", r"^(绩效)?指标性质$"),
    ("unit", r"度量单位|计量单位|计算单位|^单位$"),
    ("weight", r"^权重|^分值"),
    ("direction", r"方向"),
    ("standard", r"绩效标准|评价标准|评分标准"),
    ("unit_name", r"^单位名称$|^预算单位$"),
    ("project", r"^项目名称$"),
    ("budget", r"^预算数|^预算金额|^资金总额|^年度资金|^项目总额"),
    ("goal", r"年度目标|绩效目标"),
)

#: Labels of a form's label–value block (spaces, colons and brackets ignored), first match wins.
FORM_LABELS: tuple[tuple[str, str], ...] = (
    ("review", r"审核意见"),
    ("project_name", r"^项目(支出)?名称$"),
    ("department", r"^(主管部门|预算部门|部门名称|部门单位名称|单位名称|预算单位)(及代码)?$"),
    ("implementing_unit", r"^(项目)?实施单位$"),
    ("project_attribute", r"^项目(属性|类别|性质|类型)$"),
    ("period", r"^(项目(支出)?)?实施期(限)?$"),
    ("basis", r"^立项依据$"),
    ("superior_funds", r"上级资金"),
    ("own_level_funds", r"本级(资金|预算金额)"),
    ("fiscal", r"^(其中[:：]?)?财政拨款"),
    ("other", r"^其他资金$"),
    ("total", r"^(年度)?资金总额$|^年度预算(金额)?$|^预算(数|金额)$|^项目资金$"),
    ("function_summary", r"职能概述|职责概述|主要职能|部门职责"),
    ("period_goal", r"^(实施期|中长期)(绩效)?目标$"),
    ("annual_goal", r"^(本)?年度(总体|绩效)?目标$|^绩效目标$|^年度总体目标$"),
    # last: a 合计 row (项目预算成本构成 of a project form, 收入构成 of a department form) is the total
    # when no 资金总额 / 预算数 label gave it (facts keep their first value)
    ("total", r"^合计$"),
)

_IGNORED = re.compile(r"[\s:：()（）]")
_UNIT_STATEMENT = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元)")
_FOOTER = re.compile(r"(填表人|填报人|联系电话|填报日期|单位负责人|审核人)")
_TITLE = re.compile(r"绩效目标.*表\s*([（(].*[)）])?$")
_DEPARTMENT_FORM = re.compile(r"(部门|单位)整体(支出)?绩效目标")
_CODE_PREFIX = re.compile(r"^(\d{3,})\s*[-－—]\s*(\S.*)$")
_NUMBER = re.compile(r"^[-+]?\d[\d,，]*(\.\d+)?$")
_COMPARATOR_SYMBOL = re.compile(r"^(≥|≤|=|＝|>|<|＞|＜|>=|<=|大于等于|小于等于|等于|大于|小于)$")


def _key(text: str) -> str:
    return _IGNORED.sub("", text or "")


def form_label(text: str) -> str | None:
    """The form field a cell's text labels (``'项目名称'`` → ``'project_name'``), else ``None``."""
    key = _key(text)
    if not key or len(key) > 16:
        return None
    for name, pattern in FORM_LABELS:
        if re.search(pattern, key):
            return name
    return None


def column_type(label: str) -> str | None:
    """The type of a grid column from its header label (:data:`COLUMN_LABELS`), else ``None``."""
    key = _key(label)
    for name, pattern in COLUMN_LABELS:
        if re.search(pattern, key):
            return name
    return None


def is_grid_header(texts: list[str]) -> bool:
    """True for a row of labels that opens an indicator grid (三级指标, or 一级指标 and 二级指标)."""
    keys = {_key(t) for t in texts}
    return "三级指标" in keys or ("一级指标" in keys and "二级指标" in keys)


def has_national_grid(layout: DocumentLayout) -> bool:
    """True when some table row of ``layout`` is a national grid header (:func:`is_grid_header`)
    whose labels are not those of the Guangzhou 部门整体绩效目标 (指标解释 / 指标说明及公式)."""
    for table in layout.tables:
        for row in table.rows[:60]:
            texts = [c.text for c in row]
            if is_grid_header(texts) and not any("指标解释" in t or "说明及公式" in t for t in texts):
                return True
    return False


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


@dataclass
class _Form:
    """One form being read: facts of its label–value block, its indicator rows."""

    facts: dict[str, str] = field(default_factory=dict)
    fact_cells: dict[str, GridCell] = field(default_factory=dict)
    indicators: list[dict] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)
    title: str | None = None
    page: int | None = None


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
    forms: list[_Form] = [_Form()]
    grid: _Grid | None = None
    in_tasks: dict[str, int] | None = None
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
            if _DEPARTMENT_FORM.search(origin[0]):
                department_form = True
            if forms[-1].indicators or forms[-1].facts:
                forms.append(_Form())
            forms[-1].title = origin[0]
            form_title = form_title or origin[0]
            grid, in_tasks = None, None
            continue
        if _FOOTER.match(origin[0]):
            events.append(_footer_event(joined, page))
            grid = None
            continue
        if is_grid_header(texts):
            columns: dict[str, int] = {}
            for j, text in enumerate(texts):
                kind = column_type(text)
                if kind and kind not in columns:
                    columns[kind] = j
            grid = _Grid(columns, multi_project="project" in columns)
            grid_kinds.add("grid" if grid.multi_project else "form")
            carried = {}
            in_tasks = None
            continue
        if _is_task_header(origin):
            in_tasks = {}
            for j, text in enumerate(texts):
                k = _key(text)
                for name, pattern in (("name", r"任务名称|任务$"), ("content", r"主要内容|内容"), ("amount", r"金额|预算")):
                    if re.search(pattern, k) and name not in in_tasks:
                        in_tasks[name] = j
            grid = None
            continue
        first_label = form_label(origin[0])
        if grid is not None and first_label is None and not row.is_line:
            if grid.multi_project:
                _read_project_columns(row, grid, forms, project_state, unit, events)
            _read_indicator_row(row, grid, forms[-1], carried, events)
            continue
        if in_tasks is not None and first_label is None and not row.is_line:
            task = {name: (row.cells[j].text if j < len(row.cells) else "") for name, j in in_tasks.items()}
            if any(task.values()):
                forms[-1].tasks.append({**task, "page": page})
            continue
        # a label–value row (or a caption / note line)
        if first_label == "project_name" and grid is not None and forms[-1].indicators:
            forms.append(_Form())
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
    if unit is None:
        unit = "万元"
        events.append(ParseEvent("amount_unit_not_stated", "no 单位：万元 / 金额单位：元 found; amounts read as 万元"))
    title = form_title or title
    if department_form or any(f.tasks or "function_summary" in f.facts for f in forms):
        return _department_document(forms, title, unit, events)
    forms = [f for f in forms if f.indicators or f.facts.get("project_name")]
    layout_name = "national_project_grid" if "grid" in grid_kinds else "national_project_form"
    budget_lines, indicators = _project_records(forms, unit, events, multi="grid" in grid_kinds)
    department = _strip_code(next((f.facts.get("department") for f in forms if f.facts.get("department")), None)
                             or project_state.get("department"))
    if department is None:
        unit_name = next((b.spending_unit for b in budget_lines if b.spending_unit), None)
        if unit_name:
            department = unit_name
            events.append(ParseEvent("department_from_unit", f"no 主管部门 / 部门名称 label and no department row: the "
                                     f"document is read as published by its unit {unit_name!r}"))
    return ParsedDocument(doc_type="project_targets", layout=layout_name, title=title, department=department,
                          fiscal_year=None, page_count=layout.page_count, budget_lines=budget_lines,
                          indicators=indicators, events=events)


def _is_task_header(origin: list[str]) -> bool:
    keys = [_key(t) for t in origin]
    return any("任务名称" in k for k in keys) and any("主要内容" in k or "内容" in k for k in keys)


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


def _read_project_columns(row: _Row, grid: _Grid, forms: list[_Form], state: dict, unit, events) -> None:
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
            form = _Form()
            forms.append(form)
        form.facts.update({"project_name": project, "total": budget, "annual_goal": _text(row, grid, "goal", True),
                           "implementing_unit": state.get("unit", "")})
        form.fact_cells["project_name"] = project_cell
        form.page = project_cell.page


def _read_indicator_row(row: _Row, grid: _Grid, form: _Form, carried: dict, events: list[ParseEvent]) -> None:
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
                                                                 "direction", "standard")}
    level_texts = [t for _, t, _ in levels]
    l1, l2, name, inferred = _categorise(level_texts, "level3" in grid.columns)
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


def _categorise(texts: list[str], has_level3: bool) -> tuple[str | None, str | None, str | None, bool]:
    """(一级, 二级, indicator name, level1 inferred) from the level cells, by taxonomy names (module rules)."""
    if has_level3 and len(texts) == 3:
        return texts[0] or None, texts[1] or None, texts[2] or None, False
    l1 = l2 = name = None
    for text in texts:
        key = _key(text)
        if key in LEVEL1_CODES and l1 is None:
            l1 = text
        elif key in LEVEL2_CODES and l2 is None:
            l2 = text
        elif text:
            name = text
    inferred = False
    if l1 is None and l2 is not None:
        parent = LEVEL2_CODES[_key(l2)][0]
        l1 = next(n for n, c in LEVEL1_CODES.items() if c == parent)
        inferred = True
    return l1, l2, name, inferred


def _compose_target(value: str | None, operator: str, unit: str) -> str | None:
    """The text given to parse_target: the value with the template's 指标性质 and 度量单位 where it lacks them."""
    if not value:
        return None
    text = value
    if unit and not text.endswith(unit) and _NUMBER.match(text.replace(" ", "")):
        text = text + unit
    op = operator.replace(" ", "")
    if op and _COMPARATOR_SYMBOL.match(op) and not re.match(r"^[≥≤=＝><＞＜]", text):
        text = op + text
    return text


_MONTH_PERIOD = re.compile(r"^((?:19|20)\d{2})[.\-/年](\d{1,2})月?\s*[-~～至到—]\s*((?:19|20)\d{2})[.\-/年](\d{1,2})月?$")


def target_of(text: str | None, indicator_name: str | None) -> TargetValue:
    """:func:`parse_target` of a composed target text, except a period of months (``2023.07-2024.01``,
    a 时效指标's 实施期), which is a date range ending in its last month (``deadline`` ``2024-01``),
    not the numbers 2023.07 to 2024.01."""
    match = _MONTH_PERIOD.match((text or "").replace(" ", ""))
    if match and 1 <= int(match.group(2)) <= 12 and 1 <= int(match.group(4)) <= 12:
        return TargetValue(comparator="range", dimension="date", deadline=f"{match.group(3)}-{int(match.group(4)):02d}",
                           matched_text=text, is_quantitative=True)
    return parse_target(text, indicator_name=indicator_name)


def _direction(text: str) -> str | None:
    if "反向" in text:
        return "negative"
    if "正向" in text:
        return "positive"
    return None


def _amount(text: str, unit: str, where: str, events: list[ParseEvent], page) -> Decimal | None:
    """An amount cell in 万元: 元 divided by 10,000, ``250万`` read as 250 万元; not a number → event, ``None``."""
    raw = (text or "").strip()
    if not raw:
        return None
    own_unit = unit
    match = re.fullmatch(r"([-+]?\d[\d,，]*(?:\.\d+)?)\s*(万元|万|元)?", raw)
    if not match:
        events.append(ParseEvent("amount_cell_not_a_number", f"{where}: {raw!r} is not an amount; kept empty",
                                 source_page=page))
        return None
    if match.group(2):
        own_unit = "元" if match.group(2) == "元" else "万元"
    try:
        value = Decimal(match.group(1).replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None
    return value / Decimal(10000) if own_unit == "元" else value


def _strip_code(name: str | None) -> str | None:
    """``'820001-井研县马踏镇人民政府'`` → ``'井研县马踏镇人民政府'`` (the budget system's unit code)."""
    if not name:
        return name
    match = _CODE_PREFIX.match(name.strip())
    return match.group(2) if match else name.strip()


def _indicator_codes(l1: str | None, l2: str | None, where: str, events: list[ParseEvent], page):
    code1 = LEVEL1_CODES.get(_key(l1 or ""))
    code2 = LEVEL2_CODES.get(_key(l2 or ""))
    for level, name, code in (("一级", l1, code1), ("二级", l2, code2)):
        if name and code is None:
            events.append(ParseEvent("indicator_category_unknown",
                                     f"{where}: {level}指标 {name!r} is not a category of the taxonomy; kept as printed, no code",
                                     source_page=page))
    return code1, code2


def _project_records(forms: list[_Form], unit: str, events: list[ParseEvent], multi: bool):
    budget_lines: list[BudgetLine] = []
    indicators: list[PerformanceIndicator] = []
    line_no = 0
    dept_total = forms[0].facts.get("department_total") if forms else None
    if dept_total:
        line_no += 1
        budget_lines.append(BudgetLine(line_no, "department_total", None, None,
                                       amount_total=_amount(dept_total, unit, "department total", events, None),
                                       amount_columns_rule="national_grid_labels"))
    current_unit = None
    for form in forms:
        facts = form.facts
        project = facts.get("project_name")
        if not project and not form.indicators:
            continue
        unit_name = _strip_code(facts.get("implementing_unit") or facts.get("department")) or None
        cell = form.fact_cells.get("project_name")
        page = cell.page if cell is not None else form.page
        if unit_name != current_unit:
            line_no += 1
            budget_lines.append(BudgetLine(line_no, "spending_unit", unit_name, None, source_page=page))
            current_unit = unit_name
        line_no += 1
        where = f"project {project!r}"
        total = _amount(facts.get("total", ""), unit, where + " 预算数", events, page)
        own = _amount(facts.get("own_level_funds", ""), unit, where + " 本级资金", events, page)
        superior = _amount(facts.get("superior_funds", ""), unit, where + " 上级资金", events, page)
        if total is None and (own is not None or superior is not None):
            total = (own or Decimal(0)) + (superior or Decimal(0))
            events.append(ParseEvent("amount_total_derived", f"{where}: no 资金总额; total = 本级 {own} + 上级 {superior} 万元",
                                     source_page=page))
        goal = facts.get("annual_goal") or facts.get("period_goal")
        line = BudgetLine(line_no, "project", unit_name, project, amount_total=total,
                          amount_fiscal_appropriation=_amount(facts.get("fiscal", ""), unit, where + " 财政拨款", events, page),
                          amount_other=_amount(facts.get("other", ""), unit, where + " 其他资金", events, page),
                          amount_columns_rule="national_grid_labels", goal_text=goal or None, source_page=page)
        budget_lines.append(line)
        for label in ("period", "project_attribute", "basis", "period_goal", "superior_funds", "own_level_funds", "review"):
            if facts.get(label):
                events.append(ParseEvent("form_fact", f"{where}: {label} = {facts[label][:300]}", source_page=page))
        weights = []
        inferred: list[str] = []
        for seq, item in enumerate(form.indicators, start=1):
            ind_page = item["cell"].page
            code1, code2 = _indicator_codes(item["l1"], item["l2"], where, events, ind_page)
            annual_text = _compose_target(item["value"], item["operator"], item["unit"])
            period_text = _compose_target(item["period_value"], item["operator"], item["unit"])
            weight = _weight(item["weight"], where, events, ind_page)
            if weight is not None:
                weights.append(weight)
            bbox = item["cell"].bbox if item["cell"].address is None else (None, None, None, None)
            indicators.append(PerformanceIndicator(
                line_no=line_no, seq=seq, seq_as_written=None, level1_code=code1, level1_name=item["l1"],
                level2_code=code2, level2_name=item["l2"], indicator_name=item["name"],
                period_target=item["period_value"] or None, annual_target=item["value"],
                raw_text=item["raw"], source_page=ind_page,
                bbox_x0=bbox[0], bbox_top=bbox[1], bbox_x1=bbox[2], bbox_bottom=bbox[3],
                template=TEMPLATE, operator=item["operator"] or None, measure_unit=item["unit"] or None,
                weight=weight, direction=_direction(item["direction"]), standard=item["standard"] or None,
                source_address=item["cell"].address,
                period=target_of(period_text, item["name"]),
                annual=target_of(annual_text, item["name"]),
            ))
            if item["inferred"]:
                inferred.append(f"{seq} {item['l2']}→{item['l1']}")
        if inferred:
            events.append(ParseEvent("indicator_level1_inferred",
                                     f"{where}: no 三级指标 column, the level cells hold 二级 names; 一级指标 from the "
                                     f"taxonomy for {len(inferred)} indicator(s): {', '.join(inferred)}"[:600],
                                     source_page=page))
        if weights and sum(weights) != 100:
            events.append(ParseEvent("weights_not_100", f"{where}: weights add up to {sum(weights):g}, not 100: "
                                     + " + ".join(f"{w:g}" for w in weights), source_page=page))
    _unit_totals(budget_lines, events)
    if budget_lines and budget_lines[0].line_type != "department_total":
        # the form prints no 合计 of the document: the sum of its units, like the 合计 row of the Guangzhou form
        total = BudgetLine(0, "department_total", None, None, amount_columns_rule="sum_of_units")
        for line in budget_lines:
            if line.line_type == "spending_unit":
                for name in ("amount_total", "amount_fiscal_appropriation", "amount_special_account", "amount_other"):
                    value = getattr(line, name)
                    if value is not None:
                        setattr(total, name, (getattr(total, name) or Decimal(0)) + value)
        budget_lines.insert(0, total)
        for n, line in enumerate(budget_lines, start=1):
            line.line_no = n
        for indicator in indicators:
            indicator.line_no += 1
        events.append(ParseEvent("department_total_derived", f"the document prints no 合计 of its projects; total "
                                 f"{total.amount_total} 万元 is the sum of its {sum(b.line_type == 'spending_unit' for b in budget_lines)} unit(s)"))
    return budget_lines, indicators


def _unit_totals(budget_lines: list[BudgetLine], events: list[ParseEvent]) -> None:
    """The templates print no subtotal per 单位: a spending-unit line's amounts are the sums of its projects'
    (``None`` stays ``None`` where no project has the amount), with one ``unit_total_derived`` event per unit."""
    current = None
    for line in budget_lines:
        if line.line_type == "spending_unit":
            current = line
            line.amount_columns_rule = "sum_of_projects"
        elif line.line_type == "project" and current is not None:
            for name in ("amount_total", "amount_fiscal_appropriation", "amount_special_account", "amount_other"):
                value = getattr(line, name)
                if value is not None:
                    setattr(current, name, (getattr(current, name) or Decimal(0)) + value)
    for line in budget_lines:
        if line.line_type == "spending_unit" and line.amount_total is not None:
            events.append(ParseEvent("unit_total_derived", f"spending unit {line.spending_unit!r}: the form prints no "
                                     f"subtotal; total {line.amount_total} 万元 is the sum of its projects",
                                     source_page=line.source_page))
    if not any(line.spending_unit for line in budget_lines if line.line_type == "project"):
        events.append(ParseEvent("spending_unit_not_stated", "no 实施单位 / 预算部门 / 主管部门 / 单位名称 label names the "
                                 "unit of the projects; spending_unit left empty"))


def _weight(text: str, where: str, events: list[ParseEvent], page) -> float | None:
    raw = (text or "").strip().rstrip("%分")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        events.append(ParseEvent("weight_not_a_number", f"{where}: 权重 {text!r} is not a number; kept empty",
                                 source_page=page))
        return None


def _department_document(forms: list[_Form], title, unit: str, events: list[ParseEvent]) -> ParsedDocument:
    """部门整体 / 单位整体 form → ``department_targets`` records (income in 元, task 0 = the whole department)."""
    facts: dict[str, str] = {}
    for form in forms:
        for k, v in form.facts.items():
            facts.setdefault(k, v)
    department = _strip_code(facts.get("department"))

    def yuan(name: str) -> Decimal | None:
        value = _amount(facts.get(name, ""), unit, f"department {name}", events, None)
        return None if value is None else value * Decimal(10000)

    profile = DepartmentTargetsProfile(
        department=department, fiscal_year=None, function_summary=facts.get("function_summary") or None,
        income_total_yuan=yuan("total"), income_fiscal_appropriation_yuan=yuan("fiscal"),
        income_other_yuan=yuan("other"), overall_goal=facts.get("annual_goal") or None,
        filler_named=any(e.kind == "form_footer" and ("填报人 filled in" in e.detail or "填表人 filled in" in e.detail)
                         for e in events),
        contact_phone_given=any(e.kind == "form_footer" and "联系电话 filled in" in e.detail for e in events),
    )
    tasks = []
    for n, task in enumerate((t for f in forms for t in f.tasks), start=1):
        tasks.append(DepartmentTask(task_no=n, task_name=task.get("name") or None, goal_text=task.get("content") or None,
                                    projects_text=task.get("amount") or None))
    indicators = []
    weights: list[float] = []
    for seq, item in enumerate((i for f in forms for i in f.indicators), start=1):
        text = _compose_target(item["value"], item["operator"], item["unit"])
        weight = _weight(item["weight"], "department", events, item["cell"].page)
        if weight is not None:
            weights.append(weight)
        indicators.append(DepartmentIndicator(
            task_no=0, seq=seq, level1_name=item["l1"], level2_name=item["l2"], indicator_name=item["name"],
            expected_value=item["value"], calculation_unit=item["unit"] or None, raw_row=item["raw"],
            source_page=item["cell"].page, weight=weight, direction=_direction(item["direction"]),
            standard=item["standard"] or None, expected_target=target_of(text, item["name"])))
    if weights and sum(weights) != 100:
        events.append(ParseEvent("weights_not_100", f"department: weights add up to {sum(weights):g}, not 100: "
                                 + " + ".join(f"{w:g}" for w in weights), source_page=indicators[0].source_page))
    return ParsedDocument(doc_type="department_targets", layout="national_department_form", title=title,
                          department=department, fiscal_year=None, events=events,
                          department_targets=DepartmentTargets(profile=profile, tasks=tasks, indicators=indicators))
