"""Classify a table of a 部门预算 / 部门决算 disclosure by the words of its title and header.

Titles vary by place and year (``2026年部门财务收支预算总表``, ``部门收支总表``,
``收入支出决算总表``, ``预算单位收入预算总表``…), so a kind is decided by the
words that matter, never by page position, order or coordinates. Spaces and
quotes are ignored (``财政拨款 三公 经费支出决算表`` = ``财政拨款“三公”经费支出决算表``).
The rules, first match wins (title words; ``header`` = the joined header labels; ``rows`` =
the texts of the table's rows, when the caller gives them):

================================  =====================================================================
kind                              rule
================================  =====================================================================
transfer_payment_targets          title has 转移支付 and 绩效 outside brackets (专项转移支付绩效目标表: the targets of a transfer
                                  payment, not of the department's projects; kept in the inventory, not read)
self_evaluation                   title has 自评 (项目支出绩效自评表, 部门整体绩效自评表), or the header or a row has a cell
                                  that is a self-evaluation score label (自评得分, 自评分数: the 佛山 决算's untitled
                                  项目名称 | 自评分数 list); read by :mod:`..readers.self_evaluation` (before the grid
                                  rule: a 自评表 prints the national grid's labels beside 实际完成值 and 得分)
performance_target_grid           the header or a row has the national indicator grid's labels: 三级指标,
                                  or 一级指标 and 二级指标 (项目支出绩效目标申报表, the multi-project
                                  部门预算项目绩效目标申报表 grid, 部门整体支出绩效目标申报表), and a value
                                  column (指标值 …; the 部门整体绩效目标 form of :mod:`..readers.department_targets_pdf`
                                  has 预期指标 instead, whatever 指标解释 column either has);
                                  whatever the title says (read by :mod:`..readers.grid_targets`)
project_goals                     title has 绩效 and 项目 (项目支出绩效表, 项目支出绩效目标表, 重点项目绩效目标)
                                  and the header is a goal table's: 项目 / 金额 / 绩效目标 columns, no 指标 column
                                  (read by :mod:`..readers.project_goals`)
project_targets                   title has 绩效 and 项目, not 整体 or 自评 (项目支出绩效目标表 of the Guangzhou form, whose
                                  绩效指标 column holds the indicators)
department_targets                title has 绩效目标 and 部门整体 or 整体支出
three_public_expenses             title has 三公 (“三公”经费和机关运行经费预算表 / 决算表)
administrative_operating_expenses title has 机关运行经费 (一般公共预算机关运行经费支出预算表: economic rows of
                                  the 机关运行经费, not a function table; kept in the inventory, not read)
government_procurement            title has 政府采购 (whose header may name a 经济科目 column)
economic_expenditure              title or header has 经济分类 or 经济科目 (科目 = 分类: 一般公共预算基本支出经济分类预算表,
                                  一般公共预算基本支出预算表（经济科目）; 决算: 一般公共预算财政拨款基本支出决算表, whose
                                  header says 经济分类), or title has 基本支出, is no 总表 and the header names 科目 but
                                  not 功能 (财政拨款基本支出预算表 | 科目编码 | 科目名称 | 金额); a title of 财政拨款 without
                                  a fund (一般公共预算 …) → fund ``fiscal_appropriation`` (all funds: not read beside the
                                  一般公共预算 table of the same rows)
fiscal_appropriation_summary      title has 财政拨款, 收 and 支, and 总表 or 总体情况表 (财政拨款收支预算总表 / 收入支出决算总表 /
                                  财政拨款收支总体情况表)
function_expenditure              title has 政府性基金 → fund ``government_fund``; 国有资本经营 → ``state_capital``;
                                  一般公共预算 and (功能分类, 功能科目 or 支出) → ``general_public``; 财政拨款 and 支出, no
                                  收入, no 总表 → ``fiscal_appropriation`` (财政拨款支出预算表（功能科目）: all funds, not read)
income_expenditure_summary        title has 收支 or 收入支出, and 总表 or 总体情况表 (财务收支预算总表, 收支总表, 收入支出决算总表,
                                  收支总体情况表)
income_summary                    title has 收入 and not 支出 (收入预算总表, 收入决算表, 收入总体情况表)
expenditure_summary               title has 支出 and not 收入, and 总表, 总体情况表 or 决算表 (支出预算总表, 支出决算表,
                                  本年支出总体情况表)
project_expenditure               title has 项目支出 (项目支出表 / 项目支出预算表)
project_goals                     no title of a kind above, and the header is a goal table's (广州 / 珠海
                                  重点项目预算绩效目标情况: 项目 | 预算数（单位：万元） | 绩效目标)
contents                          title or first cell is 目录
unknown                           anything else (kept in the inventory with its title and pages)
================================  =====================================================================

A table number printed beside the title (``公开01表``, ``公开表一``) is not the title (:func:`table_title`).

Stage: 决算 in the title → ``final_accounts``, 预算 → ``budget``, else ``None``
(the document's stage applies).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..readers.project_goals import is_goal_header

#: The standard tables of a disclosure (预算 and 决算 alike), in their usual order.
STANDARD_KINDS: tuple[str, ...] = (
    "income_expenditure_summary",
    "income_summary",
    "expenditure_summary",
    "fiscal_appropriation_summary",
    "function_expenditure:general_public",
    "function_expenditure:government_fund",
    "function_expenditure:state_capital",
    "economic_expenditure",
    "three_public_expenses",
)
#: Kinds read by the standard-table reader: the standard tables, and where present 项目支出表 and 政府采购预算表.
READ_KINDS: tuple[str, ...] = STANDARD_KINDS + ("project_expenditure", "government_procurement")
_IGNORED = re.compile(r"[\s“”\"'‘’「」]")
_UNIT = re.compile(r"单位\s*[:：]\s*(万元|千元|元)")
_TITLE_WORD = re.compile(r"表\s*([（(].*[)）])?\s*$")


@dataclass(frozen=True)
class TableKind:
    """What a table is: ``kind`` (see the module table), ``fund_type`` for a
    function_expenditure table (``general_public`` | ``government_fund`` |
    ``state_capital``), ``stage`` (``budget`` | ``final_accounts`` | ``None``)."""

    kind: str
    fund_type: str | None = None
    stage: str | None = None

    @property
    def key(self) -> str:
        """``kind`` or ``kind:fund_type`` — the names of :data:`STANDARD_KINDS`."""
        return f"{self.kind}:{self.fund_type}" if self.fund_type else self.kind


#: The labels of the national indicator grid, one of which opens it (spaces ignored).
GRID_LEVEL_LABELS = ("一级指标", "二级指标", "三级指标")
def is_indicator_grid_row(texts: list[str]) -> bool:
    """True for a row of labels that opens a national indicator grid: a cell 三级指标, or cells 一级指标 and
    二级指标, and a value column (指标值, 年度指标值, 预期实现值 …; quotes ignored), the rule of
    :func:`..readers.grid_labels.is_grid_header`. The 部门整体绩效目标 form of :mod:`..readers.department_targets_pdf`
    (预期指标 / 预期达到目标 beside 指标解释 and 指标说明及公式) has no such value column."""
    from ..readers.grid_labels import is_grid_header

    return is_grid_header([_IGNORED.sub("", text) for text in texts])


def _names_indicator_levels(header_labels: list[str]) -> bool:
    """A 绩效 table whose header names the indicator levels is a grid, even when the header found stops
    before its value columns (a header cut over two rows): the title and the levels say so."""
    from ..readers.grid_labels import has_level_labels

    return has_level_labels([_IGNORED.sub("", text) for text in header_labels])


#: A table number printed beside the title (``公开01表``, ``公开 02 表：``, ``公开表一``, ``预算03表``): a
#: number, not a title.
_TABLE_NUMBER = re.compile(r"^\s*(?:(?:公开|预算|决算)\s*(?:\d+|[一二三四五六七八九十]+)\s*表|公开表\s*(?:\d+|[一二三四五六七八九十]+))\s*[:：]?\s*$")
#: The start of a numbered title (``公开 09 表：…``, ``十一、…``).
_NUMBERED = re.compile(r"^\s*((?:公开|预算)\s*\d+\s*表\s*[:：]|[一二三四五六七八九十]+、)")
#: A caption line that is a statement, not the start of a wrapped title.
_STATEMENT = re.compile(r"(部门|单位)(名称)?\s*[:：]|表\s*$|[。；]$")


def table_title(caption: list[str]) -> str | None:
    """The title among a table's caption lines: the last line ending in 表 (or 表（…）) that is not a bare
    table number (``公开01表`` numbers the table; the title is ``收支预算总表`` beside it), else ``None``.
    A title wrapped over two lines is joined with the line above it (lines of quotes only between them
    passed over): when the line ending in 表 has three characters or fewer (``…培训费支出预`` / ``算表``) or
    the line above starts with a table number or an ordinal (``公开 09 表：一般公共预算“三公”经费、会议费、培训费``
    / ``支出预算表``) and is no statement itself (``部门：``, ``单位：``, a line ending in 表)."""
    lines = [line.strip() for line in caption]
    for k in range(len(lines) - 1, -1, -1):
        line = lines[k]
        if not _TITLE_WORD.search(line) or _UNIT.search(line) or _TABLE_NUMBER.match(line):
            continue
        above = k - 1
        while above >= 0 and not _IGNORED.sub("", lines[above]):
            above -= 1  # a line of quotes only (“ ” printed apart from the title's words)
        if above >= 0 and not _STATEMENT.search(lines[above]) and not _TABLE_NUMBER.match(lines[above]) and (
                len(_IGNORED.sub("", line)) <= 3 or _NUMBERED.match(lines[above])):
            return f"{lines[above]}{line}"
        return line
    return None


def table_unit(caption: list[str]) -> str | None:
    """The unit a table states in its caption (``单位：元`` → ``'元'``, ``单位:万元`` → ``'万元'``), else ``None``."""
    for line in caption:
        match = _UNIT.search(line)
        if match:
            return match.group(1)
    return None


def _is_economic(t: str, header: str, whole: bool) -> bool:
    """An economic-class table (经济分类 / 经济科目 in title or header; or a 基本支出 table that is not a
    总表 and whose header names 科目 but not 功能: Jiangsu's 财政拨款基本支出预算表 | 科目编码 | 科目名称 | 金额
    lists 301 工资福利支出 …)."""
    if any(word in t or word in header for word in ("经济分类", "经济科目")):
        return True
    return "基本支出" in t and not whole and "功能" not in t + header and "科目" in header


def _only_fiscal_appropriation(t: str) -> str | None:
    """``fiscal_appropriation`` for a table of all 财政拨款 funds (财政拨款基本支出预算表, not split by fund), which
    is kept apart from the 一般公共预算 table of the same rows (not read twice); else ``None``."""
    if "财政拨款" in t and not any(fund in t for fund in ("一般公共预算", "政府性基金", "国有资本经营")):
        return "fiscal_appropriation"
    return None


def _is_self_evaluation(title: str, header_labels: list[str], rows: list[list[str]] | None) -> bool:
    """A 绩效自评表: 自评 in the (squeezed) title, or a header or row cell that is a self-evaluation score label
    (:func:`..readers.self_evaluation.is_self_evaluation_label`: 自评得分, 自评分数 …; an indicator named
    绩效自评审核及评价项目数量 is no label)."""
    from ..readers.self_evaluation import is_self_evaluation_label

    return "自评" in title or any(is_self_evaluation_label(text) for row in [header_labels, *(rows or [])] for text in row)


def classify_table(title: str | None, header_labels: list[str], rows: list[list[str]] | None = None) -> TableKind:
    """Kind of a table from its ``title`` (may be ``None``), ``header_labels`` and, optionally, the texts of
    its ``rows`` (a national grid's label row may follow a block of label–value rows); rules in the module
    docstring."""
    t = _IGNORED.sub("", title or "")
    header = _IGNORED.sub("", " ".join(header_labels))
    stage = "final_accounts" if "决算" in t else "budget" if "预算" in t else None
    goal_header = is_goal_header(header_labels)
    core = re.sub(r"[（(][^)）]*[)）]", "", t)  # 项目支出绩效目标表（含转移支付项目） is a project table
    if "转移支付" in core and "绩效" in core:
        return TableKind("transfer_payment_targets", stage=stage)
    if _is_self_evaluation(t, header_labels, rows):
        return TableKind("self_evaluation", stage=stage)
    if any(is_indicator_grid_row(row) for row in [header_labels, *(rows or [])]) or (
            "绩效" in t and "整体" not in t and _names_indicator_levels(header_labels)):
        return TableKind("performance_target_grid", stage=stage)
    if "绩效" in t and "项目" in t and "整体" not in t and "自评" not in t:
        return TableKind("project_goals" if goal_header else "project_targets", stage=stage)
    if "绩效目标" in t and ("部门整体" in t or "整体支出" in t):
        return TableKind("department_targets", stage=stage)
    if "三公" in t:
        return TableKind("three_public_expenses", stage=stage)
    if "机关运行经费" in t:
        return TableKind("administrative_operating_expenses", stage=stage)
    whole = "总表" in t or "总体情况表" in t
    if "政府采购" in t:  # before 经济分类: its header names the 经济科目 of each purchase
        return TableKind("government_procurement", stage=stage)
    if _is_economic(t, header, whole):
        return TableKind("economic_expenditure", _only_fiscal_appropriation(t), stage)
    if "财政拨款" in t and "收" in t and "支" in t and whole:
        return TableKind("fiscal_appropriation_summary", stage=stage)
    if "政府性基金" in t:
        return TableKind("function_expenditure", "government_fund", stage)
    if "国有资本经营" in t:
        return TableKind("function_expenditure", "state_capital", stage)
    if "一般公共预算" in t and ("功能分类" in t or "功能科目" in t or "支出" in t):
        return TableKind("function_expenditure", "general_public", stage)
    if "财政拨款" in t and "支出" in t and "收入" not in t and not whole:
        return TableKind("function_expenditure", "fiscal_appropriation", stage)
    if ("收支" in t or "收入支出" in t) and whole:
        return TableKind("income_expenditure_summary", stage=stage)
    if "收入" in t and "支出" not in t and t.endswith("表"):
        return TableKind("income_summary", stage=stage)
    if "支出" in t and "收入" not in t and (whole or "决算表" in t) and "项目支出" not in t:
        return TableKind("expenditure_summary", stage=stage)
    if "项目支出" in t:
        return TableKind("project_expenditure", stage=stage)
    if goal_header:
        return TableKind("project_goals", stage=stage)
    if t.startswith("目录") or header.startswith("目录"):
        return TableKind("contents", stage=stage)
    return TableKind("unknown", stage=stage)
