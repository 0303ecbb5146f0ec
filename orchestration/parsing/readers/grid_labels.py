"""The labels of the national grid templates: which row opens an indicator grid, what a column or a form cell is.

Everything here is decided by a label's words (NFKC, spaces, colons and brackets
ignored), never by its position:

- a **grid header** (:func:`is_grid_header`) is a row with the level labels —
  三级指标, or 一级指标 and 二级指标 — *and* a value column (指标值, 年度指标值,
  预期实现值, 目标值 …); a row of level labels and nothing else (a header cut
  after its levels) is one too. Other columns do not decide it: a 部门整体 grid with
  指标值类型 / 计量单位 / 指标解释 / 评(扣)分标准 is a grid like any other. The
  Guangzhou 部门整体绩效目标 form (一级/二级/三级指标, 指标解释, 指标说明及公式,
  预期指标 / 预期达到目标, 计算单位) has no value column of these names: it is read by
  :mod:`orchestration.parsing.readers.department_targets_text`;
- a **column type** (:func:`column_type`) comes from :data:`COLUMN_LABELS`, first match
  wins (so ``指标值类型`` is the comparator column and ``指标值及单位`` the value);
  a label of no known type is kept and reported by the reader, not dropped;
- a **form label** (:func:`form_label`) comes from :data:`FORM_LABELS`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Column types of a grid header, by label (first match wins).
COLUMN_LABELS: tuple[tuple[str, str], ...] = (
    ("level1", r"^一级指标$"),
    ("level2", r"^二级指标$"),
    ("level3", r"^三级指标$|^指标名称$|^绩效指标名称$"),
    # the form's section label beside the grid (本年度绩效指标, spanning its rows): known, holds no field
    ("section", r"^(本|本年|本年度|年度|实施期)?绩效指标$"),
    # before the value patterns: 指标值类型 is the comparator / nature column (≥, ≤, =, 定性), like 指标性质
    ("operator", r"^(绩效)?指标性质$|^指标值类型$"),
    ("explanation", r"^指标解释$|^指标说明$"),
    ("period_value", r"实施期.*指标值|实施周期.*指标值|实施期目标值"),
    ("value", r"指标值|预期实现值|预期值|目标值|预期目标"),
    ("unit", r"度量单位|计量单位|计算单位|^单位$"),
    ("weight", r"^权重|^(指标)?分值"),
    ("direction", r"方向"),
    # 绩效标准, 评价标准, 评分标准, 评(扣)分标准 (the brackets are ignored)
    ("standard", r"标准$"),
    ("unit_name", r"^单位名称$|^预算单位$"),
    ("project", r"^项目名称$"),
    ("budget", r"^预算数|^预算金额|^资金总额|^年度资金|^项目总额"),
    # 年度目标, 绩效目标, 年度绩效目标; not 保障绩效目标实现措施 (a column of its own, of no known type)
    ("goal", r"^(本|本年|本年度|年度|实施期)?(绩效)?目标$"),
)

#: Labels of a form's label–value block (spaces, colons and brackets ignored), first match wins.
FORM_LABELS: tuple[tuple[str, str], ...] = (
    ("review", r"审核意见"),
    # the department-wide budget split (预算整体情况 of the 2026 form, 支出构成 of the national one)
    ("expenditure_basic", r"^基本支出$"),
    ("expenditure_project", r"^项目支出$"),
    ("development_special_funds", r"^财政专项资金$"),
    ("development_other", r"^其他事业发展性支出$"),
    ("own_level_use", r"本级使用资金"),
    ("transfer_to_lower_levels", r"对下转移支付"),
    ("other_tasks", r"^其他需(要)?完成的(工作)?任务"),
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
    ("annual_goal", r"^(本)?年度(总体|绩效)?目标$|^绩效目标$|^年度总体目标$|^总体(绩效)?目标$"),
    # last: a 合计 row (项目预算成本构成 of a project form, 收入构成 of a department form) is the total
    # when no 资金总额 / 预算数 label gave it (facts keep their first value)
    ("total", r"^合计$"),
)

#: Section labels: the merged cell at the left of a block of a department-wide form, naming the block
#: (spaces and brackets ignored). Set aside before a row is read (:mod:`.grid_targets`).
SECTION_LABELS = re.compile(r"^(预算|资金)?整体情况$|^年度(重点|主要)(工作)?任务$|^绩效指标$")
#: An amount column header stating its unit (``预算金额（万元）``; spaces and brackets ignored).
AMOUNT_HEADER = re.compile(r"^(预算)?(金额|资金)(万元|元)$")
#: Task header labels → task field (first match wins; spaces and brackets ignored).
TASK_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", r"名称|^任务$"), ("content", r"内容"), ("amount", r"金额|资金|预算"), ("goal", r"目标"),
)

_IGNORED = re.compile(r"[\s:：()（）]")
#: Column types that hold an indicator's value: one of them must be in a grid header.
VALUE_COLUMNS = ("value", "period_value")


@lru_cache(maxsize=8192)
def label_key(text: str) -> str:
    """A label as compared: NFKC (full-width forms folded), white space, colons and brackets removed.
    Cached: the same header labels are looked at on every row of every table."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text or ""))


def form_label(text: str) -> str | None:
    """The form field a cell's text labels (``'项目名称'`` → ``'project_name'``), else ``None``."""
    key = label_key(text)
    if not key or len(key) > 16:
        return None
    for name, pattern in FORM_LABELS:
        if re.search(pattern, key):
            return name
    return None


def is_section_label(text: str) -> bool:
    """True for a cell naming a block of a department-wide form (:data:`SECTION_LABELS`: 预算整体情况,
    年度重点工作任务, 年度主要任务, 绩效指标), not a field."""
    return bool(SECTION_LABELS.match(label_key(text)))


def task_field(label: str) -> str | None:
    """The task field a header label names (``'拟投入的资金（万元）'`` → ``'amount'``), else ``None``."""
    key = label_key(label)
    return next((name for name, pattern in TASK_FIELDS if re.search(pattern, key)), None)


def column_type(label: str) -> str | None:
    """The type of a grid column from its header label (:data:`COLUMN_LABELS`), else ``None``."""
    key = label_key(label)
    if not key:
        return None
    for name, pattern in COLUMN_LABELS:
        if re.search(pattern, key):
            return name
    return None


def has_level_labels(texts: list[str]) -> bool:
    """True when the labels name the indicator levels of a grid: 三级指标, or 一级指标 and 二级指标."""
    keys = {label_key(t) for t in texts}
    return "三级指标" in keys or ("一级指标" in keys and "二级指标" in keys)


def is_grid_header(texts: list[str]) -> bool:
    """True for a row of labels that opens an indicator grid: 三级指标 (or 一级指标 and 二级指标) and a
    value column, or nothing but level labels (a header cut after its levels; module rules)."""
    if not has_level_labels(texts):  # most rows of most tables: their columns' types are not needed
        return False
    types = {column_type(t) for t in texts if label_key(t)}
    return bool(types & set(VALUE_COLUMNS)) or types <= {"level1", "level2", "level3"}


def has_national_grid(layout) -> bool:
    """True when some row among the first 60 of a table of ``layout`` (a
    :class:`~orchestration.parsing.formats.grid.DocumentLayout`) is a grid header (:func:`is_grid_header`)."""
    return any(is_grid_header([c.text for c in row]) for table in layout.tables for row in table.rows[:60])
