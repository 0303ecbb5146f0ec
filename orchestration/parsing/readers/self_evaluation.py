"""绩效自评表 (performance self-evaluation): a table's cell grid → evaluations, funding rows, indicator outcomes.

Pure: a :class:`~..formats.grid.GridTable` (cells with page + bbox, merged cells labelling every position they
span) in, :mod:`..evaluation_records` and :class:`~..records.ParseEvent` out. Fed by the spine
(:mod:`..spine`) for every table the classifier calls ``self_evaluation`` (:mod:`..tables.classify`: 自评 in the
title, or a 自评得分 / 自评分数 label), standalone (宁德 部门整体绩效自评表) or inside a 部门决算 (佛山 项目名称 |
自评分数).

Read by labels, never positions. A row is the header of a block when its cells name at least two roles of one
block (a label cell spanning rows names the rows below too):

=============  ===========================================================================================
block          roles (label words, NFKC, spaces and quotes ignored)
=============  ===========================================================================================
funding        年初 (年初预算数, 年初…预算安排金额) · 调整 · 全年预算 / 小计 · 执行数 / 拨付金额 / 支出数 · 执行率 /
               实现率 · 结余金额 · 结余率 · 分值 · 得分 (the rows below: 合计 / 年度资金总额, 财政资金小计 …)
goal           预期目标 / 年度目标 · 实际完成情况 (the row below holds the two texts)
indicators     一级指标 · 二级指标 · 三级指标 · 年度指标值 / 指标值 · 实际完成值 / 实际值 · 分值 / 权重 · 得分 ·
               偏差原因 / 改进措施
score list     项目名称 · 自评分数 / 自评得分 / 得分 (one project's evaluation per row)
=============  ===========================================================================================

Rows outside the blocks are label–value pairs (项目名称 / 专项名称, 部门（单位）名称 / 主管部门 / 实施单位, 评价等级)
or the total row (总分, 评价总分, 合计): its numbers are Σ 分值 or Σ 得分 — the arithmetic decides which, then the
column's label, then the row's words. Every other non-empty cell is named in an ``evaluation_cells_not_read``
event, so nothing of the table is dropped.

The document's arithmetic judges the reading, each rule one event with the page (a difference is a finding,
never a reason to drop the document): ``evaluation_score_over_weight`` (得分 > 分值, per indicator and funding
row), ``evaluation_weights_checked`` / ``evaluation_weights_not_100`` (Σ 分值 of the funds and indicators = the
printed total, else 100), ``evaluation_score_total_checked`` / ``evaluation_score_total_difference`` (Σ 得分 =
the printed 总分), ``evaluation_execution_rate_checked`` / ``evaluation_execution_rate_difference`` (执行率 =
执行数 / 全年预算数 × 100 at the printed precision, per funding row).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..evaluation_records import EvaluationFunding, EvaluationSet, IndicatorOutcome, SelfEvaluation
from ..formats.grid import GridCell, GridTable
from ..outcomes import outcome_status, parse_outcome
from ..records import ParseEvent
from ..targets import parse_target
from ..text_common import EMPTY_AMOUNT_MARKS
from ..vocabulary import category_code

_IGNORED = re.compile(r"[\s“”\"'‘’「」]")
#: Role → label words, per block; within a block the first role whose word a label holds wins.
FUNDING_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("execution_rate", ("执行率", "实现率", "支出率")),
    ("balance_rate", ("结余率",)),
    ("budget_initial", ("年初",)),
    ("balance", ("结余金额", "结余数")),
    ("adjustment", ("调整",)),
    ("budget_full", ("全年预算", "小计", "调整后预算")),
    ("executed", ("执行数", "拨付金额", "支出数", "实际支出")),
    ("weight", ("分值",)),
    ("score", ("得分",)),
)
INDICATOR_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("level1", ("一级指标",)),
    ("level2", ("二级指标",)),
    ("level3", ("三级指标",)),
    ("outcome", ("实际完成值", "实际值", "完成值", "实际完成")),
    ("target", ("年度指标值", "指标值", "目标值", "预期值")),
    ("weight", ("分值", "权重")),
    ("score", ("得分",)),
    ("deviation", ("偏差", "改进措施")),
)
GOAL_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("actual", ("实际完成情况", "完成情况")),
    ("goal", ("预期目标", "年度目标", "绩效目标")),
)
LIST_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("project", ("项目名称",)),
    ("score", ("自评分数", "自评得分", "得分", "分数")),
)
#: Roles that make a row the header of its block (two of them at least, or the pairs named).
_BLOCK_KEYS = {
    "funding": {"budget_initial", "budget_full", "executed", "execution_rate", "adjustment"},
    "indicators": {"level3", "target", "outcome"},
    "goal": {"goal", "actual"},
    "list": {"project", "score"},
}
_BLOCK_ROLES = {"funding": FUNDING_ROLES, "indicators": INDICATOR_ROLES, "goal": GOAL_ROLES, "list": LIST_ROLES}
#: Labels of a label–value row: field → words.
_FACT_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("project_name", ("项目名称", "专项名称")),
    ("unit_name", ("部门（单位）名称", "部门(单位)名称", "单位名称", "部门名称", "主管部门", "实施单位", "预算单位")),
    ("unit_code", ("部门预算编码", "预算编码", "单位编码", "部门编码")),
    ("grade", ("评价等级", "自评等级", "等级")),
)
_TOTAL_WORDS = ("总分", "评价总分", "自评得分", "合计", "总计")
_UNIT = re.compile(r"[（(]\s*(万元|元)\s*[)）]|单位\s*[:：]\s*(万元|元)")


def squeeze(text: str | None) -> str:
    """``text`` NFKC-normalised, white space and quotes removed (``'“三公” 经费'`` → ``'三公经费'``)."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text or ""))


def role_of(label: str, roles: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    """The first role whose words ``label`` holds (squeezed), else ``None``."""
    text = squeeze(label)
    return next((role for role, words in roles if any(word in text for word in words)), None)


#: Numbers the raw columns hold (DECIMAL(18, 6)): a larger one is a misprint, left in the cell (reported).
MAX_NUMBER = Decimal(10) ** 12


def number(text: str | None) -> Decimal | None:
    """A printed number (``'9,209.55'``, ``'88.75%'``, ``'１０'``) → ``Decimal``; ``None`` when the cell is empty, not
    a number, or not below :data:`MAX_NUMBER` (then the cell is named in ``evaluation_cells_not_read``)."""
    cleaned = re.sub(r"[,\s%％]", "", unicodedata.normalize("NFKC", text or ""))
    if not re.fullmatch(r"-?\d{1,30}(?:\.\d{1,6})?", cleaned):
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None
    return value if abs(value) < MAX_NUMBER else None


def is_self_evaluation_label(text: str | None) -> bool:
    """True for a cell that is a self-evaluation score label (自评得分, 自评分数, 自评分, 自评分值)."""
    return squeeze(text) in ("自评得分", "自评分数", "自评分", "自评分值", "自评总分")


def read_self_evaluation(table: GridTable, title: str | None, first_evaluation_no: int = 1,
                         caption_unit: str | None = None) -> tuple[EvaluationSet, list[ParseEvent]]:
    """Read one self-evaluation table (module docstring) into an :class:`EvaluationSet` and parse events.

    ``title`` is the table's title (``部门整体绩效自评表``; ``None`` for an untitled list); evaluations are numbered
    from ``first_evaluation_no``; ``caption_unit`` is the unit its caption states (``万元`` | ``元``), else a
    ``（万元）`` in a label, else ``None`` (an ``evaluation_unit_not_stated`` event). A table with a score list
    gives one evaluation per listed project; any other table one evaluation. Never raises for a table's content:
    what is not understood is reported in events.
    """
    reader = _TableReader(table, title, first_evaluation_no, caption_unit)
    reader.read()
    return reader.result, reader.events


class _TableReader:
    """The state of reading one table: the current block and its column roles, what was consumed."""

    def __init__(self, table: GridTable, title: str | None, first_no: int, caption_unit: str | None) -> None:
        self.table, self.title, self.first_no = table, title, first_no
        self.result = EvaluationSet()
        self.events: list[ParseEvent] = []
        self.used: set[tuple[int, int]] = set()
        scope = "department" if re.search(r"部门整体|单位整体|整体支出", squeeze(title)) else "project"
        self.evaluation = SelfEvaluation(
            evaluation_no=first_no, table_no=table.table_no, scope=scope, form="evaluation_table", title=title,
            unit=caption_unit, first_page=table.first_page, last_page=table.last_page,
            bbox_x0=table.bbox[0], bbox_top=table.bbox[1], bbox_x1=table.bbox[2], bbox_bottom=table.bbox[3])
        #: the 总分 rows: (their words, [(the column's role or '', number printed)])
        self.totals: list[tuple[str, list[tuple[str, Decimal]]]] = []

    # -- reading -------------------------------------------------------------------------------------
    def read(self) -> None:
        """Walk the rows: a header row opens its block, the rows below are read by it until the next header."""
        block, columns = None, {}
        for r, row in enumerate(self.table.rows):
            found = self._header(row)
            if found is not None:
                block, columns = found
                self._use_row(r, row, columns)
                self._use_labels_above(r)
                continue
            label = self._row_label(row, columns)
            if self._is_total_row(row, label):
                self._read_total(r, row, label, columns)
                block = None
                continue
            if self._read_fact(r, row):
                continue
            if block == "funding":
                self._read_funding(r, row, columns, label)
            elif block == "indicators":
                self._read_indicator(r, row, columns)
            elif block == "goal":
                self._read_goal(r, row, columns)
            elif block == "list":
                self._read_list_row(r, row, columns)
        self._finish()

    def _header(self, row: list[GridCell]) -> tuple[str, dict[int, str]] | None:
        """``(block, {column: role})`` when ``row`` is a block header (two roles of a block, no number); else ``None``."""
        texts = [cell.text for cell in row]
        if any(number(text) is not None for text in texts):
            return None
        for block, roles in _BLOCK_ROLES.items():
            columns = {c: role for c, text in enumerate(texts) if (role := role_of(text, roles))}
            named = set(columns.values())
            if len(named & _BLOCK_KEYS[block]) >= 2 or (block == "indicators" and len(named) >= 3 and named & _BLOCK_KEYS[block]):
                if block == "goal" and not {"goal", "actual"} <= named:
                    continue
                return block, columns
        return None

    def _use_row(self, r: int, row: list[GridCell], columns: dict[int, str]) -> None:
        """Mark the label cells of a header row read (their text is the columns' labels); the unit from a label."""
        for c, cell in enumerate(row):
            if cell.is_origin and (c in columns or not cell.text.strip() or self._is_section(r, c)):
                self.used.add((r, c))
            unit = _UNIT.search(unicodedata.normalize("NFKC", cell.text))
            if unit and self.evaluation.unit is None:
                self.evaluation.unit = unit.group(1) or unit.group(2)
                self.used.add((r, c))

    def _use_labels_above(self, r: int) -> None:
        """The rows of labels right above a header row (预算安排 | 拨付情况 | 结余情况 | 分值 | 得分, a section label
        spanning rows) are the header's upper labels: read as such."""
        for above in range(r - 1, -1, -1):
            row = self.table.rows[above]
            cells = [(above, c) for c, cell in enumerate(row) if cell.is_origin and cell.text.strip()]
            if any(number(self.table.rows[a][c].text) is not None for a, c in cells) or any(k in self.used for k in cells):
                return
            self.used.update(cells)

    def _is_section(self, r: int, c: int) -> bool:
        """A section label (财政资金安排和使用情况, 年度总体目标, 绩效指标): a cell spanning rows in the first column."""
        rows = self.table.rows
        return c == 0 and r + 1 < len(rows) and rows[r + 1][0].covered_by == (r, 0)

    def _row_label(self, row: list[GridCell], columns: dict[int, str]) -> str:
        """The row's label as printed (white space removed): the text of its first origin cell before the block's
        first role column (a section label spanning rows is covered there and passed over)."""
        first = min(columns, default=len(row))
        for c in range(first):
            if row[c].is_origin and row[c].text.strip():
                return re.sub(r"\s+", "", row[c].text)
        return re.sub(r"\s+", "", row[0].text) if row and row[0].is_origin else ""

    def _is_total_row(self, row: list[GridCell], label: str) -> bool:
        """A 总分 row: its first cell's words name a total score and it prints a number."""
        words = squeeze(row[0].text) if row else ""
        return (any(word in words for word in _TOTAL_WORDS) and not words.startswith("合计")
                and any(number(cell.text) is not None for cell in row if cell.is_origin))

    def _read_fact(self, r: int, row: list[GridCell]) -> bool:
        """A label–value row (项目名称 …, 部门（单位）名称 …, 评价等级 …): each known label's next origin cell is its value."""
        origins = [(c, cell) for c, cell in enumerate(row) if cell.is_origin and cell.text.strip()]
        read = False
        for k, (c, cell) in enumerate(origins):
            text = squeeze(cell.text)
            fact = next((name for name, words in _FACT_LABELS if any(text == squeeze(w) for w in words)), None)
            if fact is None or k + 1 >= len(origins):
                continue
            value_c, value = origins[k + 1]
            if getattr(self.evaluation, fact) is None:
                setattr(self.evaluation, fact, value.text.strip())
            self.used.update({(r, c), (r, value_c)})
            read = True
        return read

    def _cell(self, row: list[GridCell], columns: dict[int, str], role: str) -> tuple[int, GridCell] | None:
        """The first position of ``role`` in ``row`` (the cell there, covered or not)."""
        c = next((c for c, name in sorted(columns.items()) if name == role), None)
        return None if c is None or c >= len(row) else (c, row[c])

    def _value(self, r: int, row: list[GridCell], columns: dict[int, str], role: str) -> Decimal | None:
        """The number in ``role``'s origin cell (``None`` when empty, a dash, covered or not a number: then left
        for the ``evaluation_cells_not_read`` event)."""
        found = self._cell(row, columns, role)
        if found is None or not found[1].is_origin:
            return None
        c, cell = found
        value = number(cell.text)
        if value is not None or cell.text.strip() in ("", *EMPTY_AMOUNT_MARKS):
            self.used.add((r, c))  # a number, or an empty cell (blank, or a dash printed for none)
        return value

    def _text(self, r: int, row: list[GridCell], columns: dict[int, str], role: str, carry: bool = False) -> str | None:
        """The text of ``role``'s cell; a covered position gives its merged cell's text only when ``carry``."""
        found = self._cell(row, columns, role)
        if found is None:
            return None
        c, cell = found
        if not cell.is_origin and not carry:
            return None
        if cell.is_origin:
            self.used.add((r, c))
        return cell.text.strip() or None

    def _read_funding(self, r: int, row: list[GridCell], columns: dict[int, str], label: str) -> None:
        """A funding row (合计, 财政资金小计 …): its numbers by the header's roles, its label as printed."""
        values = {role: self._value(r, row, columns, role) for role in dict(FUNDING_ROLES)}
        if all(v is None for v in values.values()):
            return
        first = min(columns)
        for c in range(first):
            if row[c].is_origin:
                self.used.add((r, c))
        cell = row[first]
        self.result.funding.append(EvaluationFunding(
            evaluation_no=self.evaluation.evaluation_no, row_no=len(self.result.funding) + 1,
            row_label=label,
            source_page=cell.page, bbox_x0=row[0].bbox[0], bbox_top=cell.bbox[1], bbox_x1=row[-1].bbox[2],
            bbox_bottom=cell.bbox[3], **values))

    def _read_goal(self, r: int, row: list[GridCell], columns: dict[int, str]) -> None:
        """The row under 预期目标 | 实际完成情况: the two texts (wrapped over rows: joined)."""
        goal, actual = self._text(r, row, columns, "goal"), self._text(r, row, columns, "actual")
        if goal:
            self.evaluation.goal_text = goal if self.evaluation.goal_text is None else self.evaluation.goal_text + goal
        if actual:
            self.evaluation.actual_text = actual if self.evaluation.actual_text is None else self.evaluation.actual_text + actual

    def _read_indicator(self, r: int, row: list[GridCell], columns: dict[int, str]) -> None:
        """An indicator row: levels (a merged 一级/二级 cell's text on every row it spans), target, outcome
        normalised (:func:`..outcomes.parse_outcome`), 分值, 得分, 偏差原因, and the status of the one rule."""
        name = self._text(r, row, columns, "level3")
        target_text = self._text(r, row, columns, "target")
        outcome_text = self._text(r, row, columns, "outcome")
        if name is None and target_text is None and outcome_text is None:
            return
        level1 = self._text(r, row, columns, "level1", carry=True)
        level2 = self._text(r, row, columns, "level2", carry=True)
        target = parse_target(target_text, indicator_name=name)
        outcome, inherited = parse_outcome(outcome_text, target, indicator_name=name)
        cell = (self._cell(row, columns, "level3") or self._cell(row, columns, "target") or (0, row[0]))[1]
        self.result.indicators.append(IndicatorOutcome(
            evaluation_no=self.evaluation.evaluation_no, indicator_no=len(self.result.indicators) + 1,
            level1_code=category_code(level1, 1), level1_name=level1,
            level2_code=category_code(level2, 2), level2_name=level2, indicator_name=name,
            target_text=target_text, outcome_text=outcome_text,
            weight=self._value(r, row, columns, "weight"), score=self._value(r, row, columns, "score"),
            deviation_text=self._text(r, row, columns, "deviation"), status=outcome_status(target, outcome),
            outcome_unit_from_target=inherited, source_page=cell.page, bbox_x0=row[0].bbox[0],
            bbox_top=cell.bbox[1], bbox_x1=row[-1].bbox[2], bbox_bottom=cell.bbox[3], target=target, outcome=outcome))

    def _read_list_row(self, r: int, row: list[GridCell], columns: dict[int, str]) -> None:
        """A row of a 项目名称 | 自评分数 list: one project's evaluation (a score above 100 is a finding)."""
        project = self._text(r, row, columns, "project")
        score = self._value(r, row, columns, "score")
        if project is None and score is None:
            return
        first = self.result.evaluations[-1].evaluation_no + 1 if self.result.evaluations else self.first_no
        cell = row[0]
        self.result.evaluations.append(SelfEvaluation(
            evaluation_no=first, table_no=self.table.table_no, scope="project", form="score_list", title=self.title,
            project_name=project, total_score_printed=score, total_score=score, first_page=cell.page,
            last_page=cell.page, bbox_x0=row[0].bbox[0], bbox_top=cell.bbox[1], bbox_x1=row[-1].bbox[2],
            bbox_bottom=cell.bbox[3]))
        if score is not None and score > 100:
            self.events.append(ParseEvent("evaluation_score_over_weight", f"table {self.table.table_no} "
                                          f"({self.title or '项目名称 | 自评分数'}): {project} 自评分数 {score} > 100",
                                          source_page=cell.page))

    def _read_total(self, r: int, row: list[GridCell], label: str, columns: dict[int, str]) -> None:
        """A 总分 row: its numbers with the role of their column, placed by :meth:`_place_totals`."""
        numbers = []
        for c, cell in enumerate(row):
            if cell.is_origin and (value := number(cell.text)) is not None:
                numbers.append((columns.get(c, ""), value))
                self.used.add((r, c))
        self.used.add((r, 0))
        self.totals.append((squeeze(row[0].text), numbers))

    # -- arithmetic ----------------------------------------------------------------------------------
    def _finish(self) -> None:
        """The evaluation's sums, the printed totals placed by the arithmetic, the checks, the cells not read."""
        if any(e.form == "score_list" for e in self.result.evaluations):
            self._report_unread()
            return
        ev, funds, indicators = self.evaluation, self.result.funding, self.result.indicators
        total_row = funds[0] if funds else None
        if total_row is not None:
            ev.budget_initial, ev.budget_full = total_row.budget_initial, total_row.budget_full or total_row.budget_initial
            ev.executed, ev.execution_rate = total_row.executed, total_row.execution_rate
        weights = [f.weight for f in funds if f.weight is not None] + [i.weight for i in indicators if i.weight is not None]
        scores = [f.score for f in funds if f.score is not None] + [i.score for i in indicators if i.score is not None]
        ev.funding_weight = next((f.weight for f in funds if f.weight is not None), None)
        ev.funding_score = next((f.score for f in funds if f.score is not None), None)
        ev.total_weight = sum(weights, Decimal(0)) if weights else None
        ev.total_score = sum(scores, Decimal(0)) if scores else None
        ev.indicator_count = len(indicators)
        self._place_totals()
        self.result.evaluations.append(ev)
        if ev.unit is None and funds:
            self.events.append(ParseEvent("evaluation_unit_not_stated", f"{self._where()}: no 单位 / （万元） stated; "
                                          "amounts kept as printed without a unit", source_page=self.table.first_page))
        self._check_scores()
        self._check_weights()
        self._check_score_total()
        self._check_execution_rates()
        self._report_unknown_categories()
        self._report_unread()

    def _report_unknown_categories(self) -> None:
        """一级/二级 names outside the taxonomy (kept as printed, without code): one event naming them."""
        unknown = sorted({name for i in self.result.indicators for name, code in (
            (i.level1_name, i.level1_code), (i.level2_name, i.level2_code)) if name and code is None})
        if unknown:
            self.events.append(ParseEvent("indicator_category_unknown", f"{self._where()}: 一级/二级指标 not in the "
                                          f"taxonomy, kept as printed without code: {'、'.join(unknown)}",
                                          source_page=self.table.first_page))

    def _place_totals(self) -> None:
        """Each printed 总分 number is Σ 分值 or Σ 得分: the one it equals, else its column's role, else the row's words."""
        ev = self.evaluation
        for words, numbers in self.totals:
            for column_role, value in numbers:
                if ev.total_score is not None and value == ev.total_score and value != ev.total_weight:
                    ev.total_score_printed = value
                elif ev.total_weight is not None and value == ev.total_weight:
                    ev.total_weight_printed = value
                elif column_role == "score" or (column_role != "weight" and re.search(r"得分|评价总分|自评", words)):
                    ev.total_score_printed = value
                else:
                    ev.total_weight_printed = value

    def _where(self) -> str:
        return f"table {self.table.table_no} ({self.title or '自评表'})"

    def _check_scores(self) -> None:
        for item in [*self.result.funding, *self.result.indicators]:
            if item.weight is not None and item.score is not None and item.score > item.weight:
                name = getattr(item, "indicator_name", None) or getattr(item, "row_label", "")
                self.events.append(ParseEvent("evaluation_score_over_weight", f"{self._where()}: {name} 得分 "
                                              f"{item.score} > 分值 {item.weight}", source_page=item.source_page))

    def _check_weights(self) -> None:
        ev = self.evaluation
        if ev.total_weight is None:
            return
        expected = ev.total_weight_printed if ev.total_weight_printed is not None else Decimal(100)
        source = "printed total" if ev.total_weight_printed is not None else "the form's total"
        kind = "evaluation_weights_checked" if ev.total_weight == expected else "evaluation_weights_not_100"
        self.events.append(ParseEvent(kind, f"{self._where()}: Σ 分值 of {len(self.result.funding)} funding row(s) and "
                                      f"{len(self.result.indicators)} indicator(s) = {ev.total_weight}; {source} "
                                      f"{expected}", source_page=self.table.last_page))

    def _check_score_total(self) -> None:
        ev = self.evaluation
        if ev.total_score is None or ev.total_score_printed is None:
            return
        kind = ("evaluation_score_total_checked" if ev.total_score == ev.total_score_printed
                else "evaluation_score_total_difference")
        self.events.append(ParseEvent(kind, f"{self._where()}: Σ 得分 = {ev.total_score}, 总分 printed "
                                      f"{ev.total_score_printed}", source_page=self.table.last_page))

    def _check_execution_rates(self) -> None:
        for row in self.result.funding:
            budget = row.budget_full if row.budget_full is not None else row.budget_initial
            if row.execution_rate is None or row.executed is None or budget is None:
                continue
            if budget == 0:
                note = "not verifiable (全年预算数 0)"
                kind = "evaluation_execution_rate_checked" if row.execution_rate == 0 and row.executed == 0 else \
                    "evaluation_execution_rate_difference"
            else:
                exponent = row.execution_rate.as_tuple().exponent
                computed = (row.executed / budget * 100).quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)
                kind = ("evaluation_execution_rate_checked" if computed == row.execution_rate
                        else "evaluation_execution_rate_difference")
                note = f"{row.executed} / {budget} × 100 = {computed}"
            self.events.append(ParseEvent(kind, f"{self._where()}: {row.row_label} 执行率 printed {row.execution_rate}, "
                                          f"{note}", source_page=row.source_page))

    def _report_unread(self) -> None:
        """Every non-empty origin cell no field took, in one ``evaluation_cells_not_read`` event (nothing dropped)."""
        left = [(r, c, cell) for r, row in enumerate(self.table.rows) for c, cell in enumerate(row)
                if cell.is_origin and cell.text.strip() and (r, c) not in self.used]
        if left:
            texts = "; ".join(f"r{r + 1}c{c + 1} p{cell.page} {cell.text.strip()[:60]}" for r, c, cell in left)
            self.events.append(ParseEvent("evaluation_cells_not_read", f"{self._where()}: {len(left)} cell(s) kept "
                                          f"here, not read into a field: {texts}", source_page=left[0][2].page))
