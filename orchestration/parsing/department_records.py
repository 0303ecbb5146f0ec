"""Typed records of a 部门整体绩效目标 (department-wide performance targets) document.

The contract between :mod:`.department_targets_text` (the reader, fed by
the text extract or by :mod:`.department_targets_pdf`) and the
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

from .targets import TargetValue, parse_target

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


@dataclass
class DepartmentTask:
    """One 任务N block: name, performance goal and main implementing projects.

    - ``task_no``: N of ``任务N`` (1-based, as printed);
    - ``task_name``: 任务名称; ``goal_text``: 任务的绩效目标;
    - ``projects``: 主要实施项目 split into a list on ``、，,；;`` with the
      closing ``。`` removed; ``projects_text`` the cell as written;
    - ``source_line``: line of the values row (PDF: the row's ordinal in reading order).
    """

    task_no: int
    task_name: str | None
    goal_text: str | None
    projects: list[str] = field(default_factory=list)
    projects_text: str | None = None
    source_line: int | None = None


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
      where the form has no such column (the 部门整体绩效目标 text and PDF forms).
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
