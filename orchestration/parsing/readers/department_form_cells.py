"""The cells of a 部门整体绩效目标 form: its vocabulary, a row of cells, and what a cell holds.

Shared by the form's reader (:mod:`.department_targets_text`, fed by a text extract or by
:mod:`.department_targets_pdf`): the header labels of an indicator table, the task markers and
profile labels, one :class:`CellRow` per form row from either source, and the small readers of a
cell (a 元 amount, a date, the 主要实施项目 list, whether a cell is a 一级/二级指标 label).
Amounts in 元 as printed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..records import ParseError
from ..text_common import SourceLine, normalise_spaces
from ..vocabulary import DEPARTMENT_LEVEL2_VARIANTS, EMPTY_CELL_MARKS, LEVEL1_CODES, LEVEL2_CODES

# --------------------------------------------------------------------------
# Vocabulary of the form
# --------------------------------------------------------------------------

#: 一级指标 labels of the official taxonomy.
LEVEL1_LABELS = frozenset(LEVEL1_CODES)

#: 二级指标 labels of the official taxonomy and the variants seen in the seeds.
LEVEL2_LABELS = frozenset(LEVEL2_CODES) | DEPARTMENT_LEVEL2_VARIANTS

#: Indicator-table header cells → record field. The 说明及公式 header is matched
#: on a fragment because it is printed truncated (``说明及公式``, ``说明及公``).
CANONICAL_FORMULA_HEADER = "指标说明及公式"
HEADER_FIELDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("level1_name", re.compile(r"^一级指标$")),
    ("level2_name", re.compile(r"^二级指标$")),
    ("indicator_name", re.compile(r"^三级指标$")),
    ("explanation", re.compile(r"^指标解释$")),
    ("formula", re.compile(r"说明及公")),
    ("expected_value", re.compile(r"预期")),
    ("calculation_unit", re.compile(r"^计算单位$")),
)
FIELD_LABELS = {
    "level1_name": "一级指标",
    "level2_name": "二级指标",
    "indicator_name": "三级指标",
    "explanation": "指标解释",
    "formula": "指标说明及公式",
    "expected_value": "预期指标",
    "calculation_unit": "计算单位",
}
TEXT_FIELDS = ("indicator_name", "explanation", "formula")

TASK_MARKER = re.compile(r"^任务\s*(\d+)$")
TASK_HEADER_FIELDS = (("task_name", "任务名称"), ("goal_text", "绩效目标"), ("projects_text", "实施项目"))
LABEL_VALUE = re.compile(r"^(?P<label>[^：:]{1,30}?)\s*[：:]\s*(?P<value>.*)$", re.S)
AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
PROJECT_SEPARATORS = re.compile(r"[、，,；;]")
#: A 计算单位 cell is short and has no digit (``个``, ``%``, ``万元``); anything else is a value.
UNIT_LIKE = re.compile(r"^\D{1,4}$")

#: Footer / profile labels → profile field (the first label contained in the cell's label wins).
PROFILE_LABELS: tuple[tuple[str, str], ...] = (
    ("财政主管处室", "finance_office"),
    ("部门职能概述", "function_summary"),
    ("总额", "income_total_yuan"),
    ("财政拨款", "income_fiscal_appropriation_yuan"),
    ("财政专户", "income_special_account_yuan"),
    ("其他收入", "income_other_yuan"),
    ("部门整体支出目标", "overall_goal"),
    ("其他需要说明", "other_notes"),
    ("填报人", "filler_named"),
    ("填报日期", "filled_on"),
    ("联系电话", "contact_phone_given"),
)
INCOME_FIELDS = (
    "income_total_yuan",
    "income_fiscal_appropriation_yuan",
    "income_special_account_yuan",
    "income_other_yuan",
)



@dataclass
class CellRow:
    """One row of the form as cells, from either source.

    - text extract: one line split on tabs; ``number`` is its line number,
      ``text`` the line as extracted, ``page`` ``None``;
    - PDF: one ruled table row (or a text line outside the table), cells in
      the table's column positions (a merged or empty cell is ``''``);
      ``number`` is the row's ordinal in reading order (page by page, top to
      bottom), ``text`` the cells joined by tabs, ``page`` the 1-based page.

    A row without cells (``cells == []``) is a page break.
    """

    number: int
    cells: list[str]
    text: str
    page: int | None = None

    @classmethod
    def from_line(cls, line: SourceLine) -> "CellRow":
        """A text line: a blank line becomes a page break (no cells)."""
        cells = line.text.split("\t")
        return cls(line.number, cells if any(c.strip() for c in cells) else [], line.text)

    def where(self) -> str:
        """``'line 13'`` (text) or ``'page 2, row 13'`` (PDF), for messages."""
        return where_text(self.number, self.page)

    @classmethod
    def page_break(cls, page: int | None = None) -> "CellRow":
        return cls(0, [], "", page)


def split_projects(text: str | None) -> list[str]:
    """主要实施项目 cell → list of project names.

    ``'网络信息工作、网络外宣专项工作、两新组织区域党委工作。'`` →
    ``['网络信息工作', '网络外宣专项工作', '两新组织区域党委工作']``.
    Separators: ``、，,；;``; a closing ``。`` and blanks are dropped; ``及``/``和``
    are part of a name (``扫黄打非及版权工作``) and never split.
    """
    if not text:
        return []
    parts = (p.strip().rstrip("。.").strip() for p in PROJECT_SEPARATORS.split(text))
    return [p for p in parts if p]


def parse_yuan(text: str, label: str) -> Decimal | None:
    """``'28,036,202.00'`` → ``Decimal('28036202.00')`` (元); blank → ``None``.

    Raises :class:`ParseError` naming ``label`` when the cell is not a number.
    """
    cleaned = text.strip().replace("，", ",")
    if not cleaned:
        return None
    if not AMOUNT.match(cleaned):
        raise ParseError(f"{label}: {text!r} is not an amount in 元")
    try:
        return Decimal(cleaned.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex guarantees a number
        raise ParseError(f"{label}: {text!r} is not an amount in 元") from None


def parse_form_date(text: str) -> dt.date | None:
    """``'2023/1/4'``, ``'2023-01-04'``, ``'2023年1月4日'`` → ``date(2023, 1, 4)``; else ``None``."""
    match = DATE.match(text.strip())
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


# --------------------------------------------------------------------------
# Cell classification
# --------------------------------------------------------------------------


def clean_cell(text: str) -> str:
    """A cell's text with PDF spacing normalised (see :func:`.text_common.normalise_spaces`)."""
    return normalise_spaces(text)


def is_level1_label(text: str) -> bool:
    """True for a 一级指标 label (产出指标, 效益指标, 满意度指标)."""
    return squeeze(text) in LEVEL1_LABELS


def is_category(text: str) -> bool:
    """True for a 二级指标 value: a taxonomy label, a ``…方面的指标`` description or a placeholder."""
    squeezed = squeeze(text)
    return squeezed in LEVEL2_LABELS or squeezed.endswith("方面的指标") or squeezed in EMPTY_CELL_MARKS


def is_complete_category(text: str) -> bool:
    """A category that stands on its own: a label, a placeholder or a description listing ``、`` items."""
    squeezed = squeeze(text)
    return squeezed in LEVEL2_LABELS or squeezed in EMPTY_CELL_MARKS or (
        squeezed.endswith("方面的指标") and "、" in squeezed
    )


def looks_cut_off(text: str) -> bool:
    """A 二级指标 description cut short: lists ``、`` items but does not end with 指标 (``数量、质量、时效、成``)."""
    squeezed = squeeze(text)
    return "、" in squeezed and not squeezed.endswith("指标")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def where_text(number: int, page: int | None) -> str:
    """``'line 13'`` (text) or ``'page 2, row 13'`` (PDF): where a row is, for messages."""
    return f"line {number}" if page is None else f"page {page}, row {number}"
