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
economic_expenditure              title or header has 经济分类 (一般公共预算基本支出经济分类预算表; 决算:
                                  一般公共预算财政拨款基本支出决算表, whose header says 经济分类)
government_procurement            title has 政府采购
fiscal_appropriation_summary      title has 财政拨款, 收 and 支, and 总表 (财政拨款收支预算总表 / 收入支出决算总表)
function_expenditure              title has 政府性基金 → fund ``government_fund``; 国有资本经营 → ``state_capital``;
                                  一般公共预算 and (功能分类 or 支出) → ``general_public``
income_expenditure_summary        title has 收支 or 收入支出, and 总表 (财务收支预算总表, 收支总表, 收入支出决算总表)
income_summary                    title has 收入 and not 支出 (收入预算总表, 收入决算表)
expenditure_summary               title has 支出 and not 收入, and 总表 or 决算表 (支出预算总表, 支出决算表)
project_expenditure               title has 项目支出 (项目支出表 / 项目支出预算表)
project_goals                     no title of a kind above, and the header is a goal table's (广州 / 珠海
                                  重点项目预算绩效目标情况: 项目 | 预算数（单位：万元） | 绩效目标)
contents                          title or first cell is 目录
unknown                           anything else (kept in the inventory with its title and pages)
================================  =====================================================================

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


def table_title(caption: list[str]) -> str | None:
    """The title among a table's caption lines: the last line ending in 表 (or 表（…）), else ``None``."""
    titles = [line for line in caption if _TITLE_WORD.search(line) and not _UNIT.search(line)]
    return titles[-1].strip() if titles else None


def table_unit(caption: list[str]) -> str | None:
    """The unit a table states in its caption (``单位：元`` → ``'元'``, ``单位:万元`` → ``'万元'``), else ``None``."""
    for line in caption:
        match = _UNIT.search(line)
        if match:
            return match.group(1)
    return None


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
    if any(is_indicator_grid_row(row) for row in [header_labels, *(rows or [])]) or (
            "绩效" in t and "整体" not in t and _names_indicator_levels(header_labels)):
        return TableKind("performance_target_grid", stage=stage)
    if "绩效" in t and "项目" in t and "整体" not in t and "自评" not in t:
        return TableKind("project_goals" if goal_header else "project_targets", stage=stage)
    if "绩效目标" in t and ("部门整体" in t or "整体支出" in t):
        return TableKind("department_targets", stage=stage)
    if "三公" in t:
        return TableKind("three_public_expenses", stage=stage)
    if "经济分类" in t or "经济分类" in header:
        return TableKind("economic_expenditure", stage=stage)
    if "政府采购" in t:
        return TableKind("government_procurement", stage=stage)
    if "财政拨款" in t and "收" in t and "支" in t and "总表" in t:
        return TableKind("fiscal_appropriation_summary", stage=stage)
    if "政府性基金" in t:
        return TableKind("function_expenditure", "government_fund", stage)
    if "国有资本经营" in t:
        return TableKind("function_expenditure", "state_capital", stage)
    if "一般公共预算" in t and ("功能分类" in t or "支出" in t):
        return TableKind("function_expenditure", "general_public", stage)
    if ("收支" in t or "收入支出" in t) and "总表" in t:
        return TableKind("income_expenditure_summary", stage=stage)
    if "收入" in t and "支出" not in t and t.endswith("表"):
        return TableKind("income_summary", stage=stage)
    if "支出" in t and "收入" not in t and ("总表" in t or "决算表" in t) and "项目支出" not in t:
        return TableKind("expenditure_summary", stage=stage)
    if "项目支出" in t:
        return TableKind("project_expenditure", stage=stage)
    if goal_header:
        return TableKind("project_goals", stage=stage)
    if t.startswith("目录") or header.startswith("目录"):
        return TableKind("contents", stage=stage)
    return TableKind("unknown", stage=stage)
