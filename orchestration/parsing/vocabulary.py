"""The words of the domain, each in one place.

What a file must start with to be a PDF, the marks that stand for "no value"
(three, on purpose: each form has its own), where the first performance
indicator of a cell begins, and the official indicator taxonomy
(一级指标 / 二级指标 names and codes). The taxonomy is read from
``indicator_category.csv`` next to this module, the file the dbt seed
``indicator_category`` is (``dbt_project/seeds/indicator_category.csv`` links
here), shipped in the wheel as package data.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# --------------------------------------------------------------------------
# File formats
# --------------------------------------------------------------------------

#: The header a PDF file starts with (after any leading white space).
PDF_HEADER = b"%PDF-"


def starts_with_pdf_header(data: bytes) -> bool:
    """True when ``data`` (leading white space ignored) starts with the ``%PDF-`` header."""
    return data.lstrip()[: len(PDF_HEADER)] == PDF_HEADER


# --------------------------------------------------------------------------
# "No value" marks: three different things, each compared its own way
# --------------------------------------------------------------------------

#: A target value (实施周期指标值 / 年度指标值) that says there is none
#: (``/``, ``待定``, ``n/a``…): compared with the normalised text lowercased;
#: :func:`orchestration.parsing.targets.parse_target` classes it ``placeholder``.
TARGET_VALUE_PLACEHOLDERS = frozenset(
    {"/", "-", "--", "—", "——", "n/a", "na", "null", "待定", "不适用", "暂无", "xx", "***"}
)

#: A cell of the 部门整体绩效目标 indicator table left empty with a dash or 无:
#: compared with the cell's squeezed text (white space removed).
EMPTY_CELL_MARKS = frozenset({"-", "—", "－", "/", "无"})

#: The fund types (资金性质) a 部门预算/决算 table names in a column, row or title label, as
#: (word, fund_type): 一般公共预算 / 政府性基金 / 国有资本经营预算. One list for every reader
#: (budget table column roles, “三公”经费 funds, the narrative's figures); a new fund word is added here.
FUND_TYPE_WORDS: tuple[tuple[str, str], ...] = (
    ("一般公共预算", "general_public"),
    ("政府性基金", "government_fund"),
    ("国有资本经营", "state_capital"),
)
#: 财政拨款 (fiscal appropriation): the sum of the fund types above, named where a label has no single fund.
FISCAL_APPROPRIATION_WORD: tuple[str, str] = ("财政拨款", "fiscal_appropriation")

#: An ellipsis a blank 部门预算/决算 form prints where rows go (``…``, ``………``): an empty cell.
BLANK_FORM_ELLIPSIS = re.compile(r"^[…\.。·]+$")

# --------------------------------------------------------------------------
# The total row of a 项目支出绩效目标表
# --------------------------------------------------------------------------

#: What the first row of a 项目支出绩效目标表 prints as its name: the document total.
TOTAL_ROW_LABELS = frozenset({"合计", "总计"})


def is_total_label(text: str | None) -> bool:
    """True when ``text`` is the total row's label read by meaning: 合计 or 总计 in any width, spaced out
    by justification (``合 计``) or followed by a colon (``总计：``, ``合计:``), as departments print it."""
    if not text:
        return False
    return re.sub(r"[\s:：]", "", unicodedata.normalize("NFKC", text)) in TOTAL_ROW_LABELS


# --------------------------------------------------------------------------
# Indicator items of a 项目支出绩效目标 cell: ``1、1-产出指标；11-数量指标；…``
# --------------------------------------------------------------------------

#: The dashes printed between a category code and its name: ASCII ``-``, full-width ``－``,
#: em/en dashes and the hyphen (``1-产出指标``, ``1－产出指标``, ``22—社会效益``).
CODE_DASH = r"[-－—–‐‑]"
#: The separators printed between the parts of one item: ``；`` ``;`` and, in some
#: departments' files, ``，`` ``,`` (``1.1－产出指标，11－数量指标，…``).
ITEM_PART_SEPARATOR = r"[；;，,]"
#: A level-1 category as printed right after an item number: code, dash, a name ending in 指标.
_LEVEL1_AHEAD = rf"\d\s*{CODE_DASH}\s*[^\d\s；;，,]{{1,12}}?指标"

#: Start of one item: its number and ``、`` (or ``.``/``．`` when a ``d-…指标`` category
#: follows, so that a decimal such as ``99.5`` never starts an item), followed by a
#: level-1 code ``d-``.
INDICATOR_ITEM_START = re.compile(
    rf"(\d+)\s*(?:、|[.．](?=\s*{_LEVEL1_AHEAD}))\s*(?=\d\s*{CODE_DASH}\s*[^\d\s])"
)
#: The first item of a cell (where indicator text begins inside a longer text).
FIRST_INDICATOR_START = re.compile(rf"1\s*[、.．]\s*{_LEVEL1_AHEAD}")
#: A line that starts with the first item of a cell (``1、1-``, ``1.1－产出指标``).
LINE_STARTS_WITH_FIRST_INDICATOR = re.compile(rf"^1\s*(?:、\s*\d\s*{CODE_DASH}|[.．]\s*{_LEVEL1_AHEAD})")

# --------------------------------------------------------------------------
# The official indicator taxonomy (the dbt seed indicator_category)
# --------------------------------------------------------------------------

#: The seed file: one row per category (code, level, parent code, Chinese and English names).
TAXONOMY_SEED = Path(__file__).with_name("indicator_category.csv")


@dataclass(frozen=True)
class IndicatorCategory:
    """One row of the taxonomy: ``code`` ``'1'`` or ``'11'``, ``level`` 1 or 2, ``parent_code`` of a level-2 one."""

    code: str
    level: int
    parent_code: str | None
    name_zh: str
    name_en: str


def read_taxonomy(path: Path = TAXONOMY_SEED) -> tuple[IndicatorCategory, ...]:
    """The categories of the seed file at ``path``, in file order."""
    with open(path, encoding="utf-8", newline="") as handle:
        return tuple(
            IndicatorCategory(row["category_code"], int(row["category_level"]), row["parent_code"] or None,
                              row["category_name_zh"], row["category_name_en"])
            for row in csv.DictReader(handle)
        )


#: Every category of the official taxonomy.
INDICATOR_CATEGORIES = read_taxonomy()
#: 一级指标 official name → code (产出指标 → 1).
LEVEL1_CODES: dict[str, str] = {c.name_zh: c.code for c in INDICATOR_CATEGORIES if c.level == 1}
#: 二级指标 official name → code (数量指标 → 11).
LEVEL2_CODES: dict[str, str] = {c.name_zh: c.code for c in INDICATOR_CATEGORIES if c.level == 2}

#: 二级指标 names the national grid templates print besides the official ones → code.
GRID_LEVEL2_VARIANTS: dict[str, str] = {
    "社会公众或服务对象满意度指标": "31", "社会公众满意度指标": "31", "满意度": "31",
}
#: 二级指标 names seen in 部门整体绩效目标 tables besides the official ones.
DEPARTMENT_LEVEL2_VARIANTS = frozenset({"环境效益指标", "服务满意度指标", "满意度"})


def category_key(name: str) -> str:
    """The comparable form of a printed category name: NFKC width folding, white space removed, a
    trailing 指标 dropped (``22-社会效益`` and ``社会效益指标`` print one category; ``经    济 成本指标``
    from a justified PDF line is ``经济成本``)."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    return key[: -len("指标")] if key.endswith("指标") and len(key) > len("指标") else key


def _keyed(names: dict[str, str]) -> dict[str, str]:
    return {category_key(name): code for name, code in names.items()}


#: Category names by level, keyed by :func:`category_key`: the official names and the variants
#: the national grid templates print (one map per level: 成本指标 is level-1 code 4 and level-2 code
#: 14, 满意度 names level-1 3 and, in some grids, level-2 31).
_CATEGORY_KEYS: dict[int, dict[str, str]] = {
    1: _keyed(LEVEL1_CODES),
    2: {**_keyed(LEVEL2_CODES), **_keyed(GRID_LEVEL2_VARIANTS)},
}


def category_code(name: str | None, level: int | None = None) -> str | None:
    """The taxonomy code of a printed 一级/二级指标 name, read by meaning; ``None`` when unknown.

    ``level`` (1 or 2) is the column or position the name was printed in; without it a name
    that exists at both levels (成本指标: 4 and 14; 满意度: 3 and 31) gives ``None``, so
    that the caller decides by where the name stands. Examples: ``category_code('社会效益', 2)``
    → ``'22'``; ``category_code('经济成本指标')`` → ``'41'``; ``category_code('成本指标', 1)`` →
    ``'4'``. A name outside the taxonomy is the caller's finding (loaded, reported), never an error.
    """
    if not name:
        return None
    key = category_key(name)
    if level is not None:
        return _CATEGORY_KEYS.get(level, {}).get(key)
    found = {codes[key] for codes in _CATEGORY_KEYS.values() if key in codes}
    return found.pop() if len(found) == 1 else None


def taxonomy_codes() -> tuple[list[str], list[str]]:
    """Level-1 and level-2 codes of the official taxonomy, in seed order."""
    level1 = [c.code for c in INDICATOR_CATEGORIES if c.level == 1]
    level2 = [c.code for c in INDICATOR_CATEGORIES if c.level == 2]
    return level1, level2
