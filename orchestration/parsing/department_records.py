"""Typed records of a 部门整体绩效目标 (department-wide performance targets) document.

The contract between :mod:`.readers.department_targets_text` (the reader, fed by
the text extract or by :mod:`.readers.department_targets_pdf`) and the
warehouse writer, which maps each dataclass 1:1 onto a raw table (one
column per field, in field order, plus ``document_id``):

- :class:`DepartmentTargetsProfile` → ``raw.department_targets`` (one row per document);
- :class:`DepartmentTask` → ``raw.department_tasks``;
- :class:`DepartmentIndicator` → ``raw.department_indicators``.

Units: budget income is a ``decimal.Decimal`` in **元 (CNY)** as the form
prints it (``总额(元)：28,036,202.00``) — unlike the 项目支出绩效目标表,
whose amounts are in 万元. ``None`` means the cell is absent or empty.

Scope numbering: ``task_no`` is the number of ``任务N``; ``0`` stands for the
department-wide (``overall``) goal and indicator table that precede the
tasks. A key never holds NULL that way.

Adding normalized target columns later (issue 4): the raw 预期指标 text stays
in :attr:`DepartmentIndicator.expected_value`; new fields appended to
:class:`DepartmentIndicator` (filled from ``parse_target(expected_value)``)
and the matching columns in ``raw_schema.sql`` are picked up by the
writer without further code, exactly as for ``PerformanceIndicator``. The
unit printed in the 计算单位 column is therefore named ``calculation_unit``,
so that a normalized ``unit`` column cannot collide with it.

Personal data: the form's 填报人 (name of the person who filled it) and
联系电话 (their phone) are deliberately *not* part of these records — only
whether they were given. The original file is kept, so nothing is lost;
the warehouse just does not spread a person's name and number into tables
that are copied to BI readers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from .records import ParseEvent
from .targets import TargetValue, parse_target
from .vocabulary import INDICATOR_CATEGORIES, category_code

#: ``task_no`` of the department-wide goal and its indicator table.
OVERALL_TASK_NO = 0


@dataclass
class DepartmentTargetsProfile:
    """The facts of the form outside the tables (one per document).

    - ``finance_office``: 财政主管处室, e.g. ``行政政法科``;
    - ``function_summary``: 部门职能概述;
    - ``income_*_yuan``: 本年度部门预算收入 in 元 — 总额 (total),
      财政拨款收入 (fiscal appropriation), 财政专户管理资金 (special
      account), 其他收入 (other); ``Decimal`` with two decimals;
    - ``overall_goal``: 年度目标 / 部门整体支出目标 text;
    - ``other_notes``: 其他需要说明的情况 (``None`` when left blank);
    - ``filled_on``: 填报日期 as a date;
    - ``filler_named`` / ``contact_phone_given``: whether 填报人 / 联系电话
      were filled in (their values are not stored, see the module docstring);
    - ``source_line``: line of 部门名称 in the text extract (PDF: the row's
      ordinal in reading order).

    The 预算整体情况 block of the 2026 部门整体预算绩效目标申报表 (and the 支出构成 of
    the national 部门整体支出绩效目标申报表) splits the budget further; each amount in
    **元**, converted once from the 万元 the form prints (``amount_unit_printed``):

    - ``expenditure_basic_yuan`` 基本支出 / ``expenditure_project_yuan`` 项目支出
      (部门预算支出, by kind of spending);
    - ``development_special_funds_yuan`` 财政专项资金 / ``development_other_yuan``
      其他事业发展性支出 (事业发展性支出);
    - ``own_level_use_yuan`` 市本级使用资金 / ``transfer_to_lower_levels_yuan``
      拟用于对下转移支付资金 (按预算级次划分);
    - ``amount_unit_printed``: ``'万元'`` or ``'元'``, the unit the form printed its
      amounts in (``None`` where the form states none: the 元 of the seed form).

    ``income_total_yuan`` is the 总额 / 合计 as printed; a form that prints no total
    (the 2026 form) gets the sum of its income sources, with an ``income_total_derived`` event.
    """

    department: str | None
    fiscal_year: int | None
    finance_office: str | None = None
    function_summary: str | None = None
    income_total_yuan: Decimal | None = None
    income_fiscal_appropriation_yuan: Decimal | None = None
    income_special_account_yuan: Decimal | None = None
    income_other_yuan: Decimal | None = None
    overall_goal: str | None = None
    other_notes: str | None = None
    filled_on: dt.date | None = None
    filler_named: bool = False
    contact_phone_given: bool = False
    source_line: int | None = None
    expenditure_basic_yuan: Decimal | None = None
    expenditure_project_yuan: Decimal | None = None
    development_special_funds_yuan: Decimal | None = None
    development_other_yuan: Decimal | None = None
    own_level_use_yuan: Decimal | None = None
    transfer_to_lower_levels_yuan: Decimal | None = None
    amount_unit_printed: str | None = None


@dataclass
class DepartmentTask:
    """One 任务N block: name, performance goal and main implementing projects.

    - ``task_no``: N of ``任务N`` (1-based, as printed);
    - ``task_name``: 任务名称; ``goal_text``: 任务的绩效目标;
    - ``projects``: 主要实施项目 split into a list on ``、，,；;`` with the
      closing ``。`` removed; ``projects_text`` the cell as written;
    - ``source_line``: line of the values row (PDF: the row's ordinal in reading order);
    - ``content_text``: 主要实施内容 (what will be done), ``amount_yuan``: 拟投入的资金 in
      **元** (converted once from the 万元 printed) — the 年度重点工作任务 rows of the
      national and 2026 forms; ``None`` on the seed form, which prints neither.
    """

    task_no: int
    task_name: str | None
    goal_text: str | None
    projects: list[str] = field(default_factory=list)
    projects_text: str | None = None
    source_line: int | None = None
    content_text: str | None = None
    amount_yuan: Decimal | None = None


@dataclass
class DepartmentIndicator:
    """One row of an indicator table (overall or of a task).

    - ``task_no``: the task (``0`` = overall); ``seq``: 1-based row within it;
    - ``level1_name`` 一级指标, ``level2_name`` 二级指标 (often a category
      description such as ``数量、质量、时效、成本方面的指标``),
      ``indicator_name`` 三级指标, ``explanation`` 指标解释, ``formula``
      指标说明及公式, ``expected_value`` 预期指标 / 预期达到目标 (raw text),
      ``calculation_unit`` 计算单位;
    - ``expected_target``: ``expected_value`` normalized by the same
      :func:`.targets.parse_target` as project indicators (a bare number
      takes its unit from 计算单位); flattened to ``expected_target_<field>`` columns;
    - ``level1_carried`` / ``level2_carried``: the value was blank on this
      row (a merged cell) and carried down from the row above;
    - ``repairs``: codes of the repairs applied to this row (the matching
      ``ParseEvent`` explains each one); empty when the row was read as laid out;
    - ``raw_row``: the source line exactly as extracted (tab-separated); for a
      PDF, the table row's cells joined by tabs (merged/empty cells empty);
    - ``source_line`` / ``source_page``: provenance — text extract: the line
      number, page ``None``; PDF: the row's ordinal in reading order (page by
      page, top to bottom) and the 1-based page;
    - ``weight`` 权重 / 分值 (points; the table's weights should add up to 100,
      else a ``weights_not_100`` event), ``direction`` 指标方向性 (``positive`` 正向 |
      ``negative`` 反向), ``standard`` 绩效标准 as printed: the national grid's own
      columns, as on project indicators (:mod:`.readers.grid_targets`); ``None``
      where the form has no such column (the 部门整体绩效目标 text and PDF forms);
    - ``level1_code`` / ``level2_code``: the taxonomy codes (dbt seed ``indicator_category``) of the
      printed categories, the 二级 deciding the 一级 (``社会效益指标`` → 22 → 2 even where the printed
      一级 is 产出指标: a ``level1_differs_from_level2`` event); ``None`` for a name the taxonomy does
      not know (an ``indicator_category_unknown`` event) and on the seed form (whose 二级 cells are
      descriptions such as ``数量、质量、时效、成本方面的指标``);
    - ``period_value``: 实施周期指标值 as printed (the grid's implementation-period value;
      ``expected_value`` is then its 年度指标值).
    """

    task_no: int
    seq: int
    level1_name: str | None
    level2_name: str | None
    indicator_name: str | None
    explanation: str | None = None
    formula: str | None = None
    expected_value: str | None = None
    calculation_unit: str | None = None
    level1_carried: bool = False
    level2_carried: bool = False
    repairs: list[str] = field(default_factory=list)
    raw_row: str = ""
    source_line: int | None = None
    source_page: int | None = None
    weight: float | None = None
    direction: str | None = None
    standard: str | None = None
    level1_code: str | None = None
    level2_code: str | None = None
    period_value: str | None = None
    expected_target: TargetValue | None = field(default=None, metadata={"flatten": TargetValue})

    def __post_init__(self) -> None:
        if self.expected_target is None:
            text = self.expected_value
            if text and self.calculation_unit and _BARE_NUMBER.fullmatch(text.strip()):
                text = text.strip() + self.calculation_unit.strip()
            self.expected_target = parse_target(text, indicator_name=self.indicator_name)


_BARE_NUMBER = re.compile(r"[0-9０-９.,，]+")


@dataclass
class DepartmentTargets:
    """Everything specific to a 部门整体绩效目标 document."""

    profile: DepartmentTargetsProfile
    tasks: list[DepartmentTask] = field(default_factory=list)
    indicators: list[DepartmentIndicator] = field(default_factory=list)

    def indicators_of(self, task_no: int) -> list[DepartmentIndicator]:
        """The indicator rows of one task (``0`` = overall), in order."""
        return [i for i in self.indicators if i.task_no == task_no]


#: Level-2 code → its level-1 (parent) code, from the taxonomy (41 → 4, 22 → 2).
_PARENT_CODES: dict[str, str] = {c.code: c.parent_code for c in INDICATOR_CATEGORIES if c.parent_code}


def department_indicator_codes(indicators: list[DepartmentIndicator], events: list[ParseEvent]) -> None:
    """Set ``level1_code`` / ``level2_code`` of department indicators from their printed names.

    Rule: each name is read by meaning at its own level (:func:`~orchestration.parsing.vocabulary.category_code`:
    成本指标 printed as 一级 is 4, as 二级 14); the 二级 code decides the 一级 code (its parent: 社会效益指标
    22 → 2), since the 二级 is the finer statement. A printed 一级 that disagrees with it (产出指标 over
    社会效益指标 rows, a merged 一级 cell spanning another category's rows) is kept as printed in
    ``level1_name`` and reported once per (一级, 二级) pair in a ``level1_differs_from_level2`` event;
    a name the taxonomy does not know keeps ``None`` and is reported once per name
    (``indicator_category_unknown``). Nothing is dropped.
    """
    differs: dict[tuple[str, str], list[DepartmentIndicator]] = {}
    unknown: dict[tuple[str, str], list[DepartmentIndicator]] = {}
    for indicator in indicators:
        printed1 = category_code(indicator.level1_name, 1)
        code2 = category_code(indicator.level2_name, 2)
        parent = _PARENT_CODES.get(code2) if code2 else None
        indicator.level2_code = code2
        indicator.level1_code = parent or printed1
        for level, name, code in (("一级", indicator.level1_name, printed1), ("二级", indicator.level2_name, code2)):
            if name and code is None:
                unknown.setdefault((level, name), []).append(indicator)
        if parent and indicator.level1_name and printed1 != parent:
            differs.setdefault((indicator.level1_name, indicator.level2_name), []).append(indicator)
    for (level, name), rows in unknown.items():
        events.append(ParseEvent("indicator_category_unknown",
                                 f"department: {level}指标 {name!r} is not a category of the taxonomy; kept as printed, "
                                 f"no code ({len(rows)} indicator(s), {_seqs(rows)})", source_page=rows[0].source_page))
    for (name1, name2), rows in differs.items():
        code2 = rows[0].level2_code
        events.append(ParseEvent("level1_differs_from_level2",
                                 f"department: 二级指标 {name2!r} ({code2}) belongs to 一级 {_PARENT_CODES[code2]}, but the "
                                 f"一级 cell printed over its {len(rows)} indicator(s) ({_seqs(rows)}) is {name1!r} "
                                 f"({category_code(name1, 1) or 'unknown'}): level1_code {_PARENT_CODES[code2]} from the "
                                 "二级, the printed name kept", source_page=rows[0].source_page))


def _seqs(rows: list[DepartmentIndicator]) -> str:
    """Where rows are: ``'seq 11-17'`` (one table), ``'task 0 seq 1-4; task 1 seq 1-3'`` (several)."""
    by_task: dict[int, list[int]] = {}
    for row in rows:
        by_task.setdefault(row.task_no, []).append(row.seq)
    parts = []
    for task_no, seqs in by_task.items():
        run = f"{seqs[0]}-{seqs[-1]}" if len(seqs) > 1 and seqs == list(range(seqs[0], seqs[-1] + 1)) else ", ".join(map(str, seqs))
        parts.append(f"seq {run}" if len(by_task) == 1 else f"task {task_no} seq {run}")
    return "; ".join(parts)
