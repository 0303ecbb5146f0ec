"""The 类/款/项 levels of a class table printed with names only, proved by its own arithmetic.

Some producers (浙江's 杭州 and 湖州 2026 部门预算, 表3 支出预算总表 and 表5…9 功能分类 tables) print a
function- or economic-class table with the 科目名称 and no 科目编码: the level of each row shows only
in the indentation. The level is what the tree sums and the code need, and the table proves it: in a
class table every 类 equals the sum of its 款 and every 款 the sum of its 项 (rule ``code_tree_sum``),
and the 合计 row equals the sum of the 类. :func:`infer_levels` finds the one assignment of levels
to the rows, in printed order, under which all these sums hold; when none or more than one does, it
says so and the rows keep no level (the caller reports it, nothing is guessed).

A row's amount is its 合计 / 总计 column (the ``total`` role) as printed, in the table's unit
(元 or 万元); sums are compared within the rounding the printed precision allows (each printed
amount may be off by half a unit of its last digit).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

#: The most levels a class table prints: 类 / 款 / 项 (功能分类), 类 / 款 (经济分类).
MAX_LEVELS = 3
#: Search steps allowed per table before giving up (a table of zeros can have very many readings).
STEP_BUDGET = 50_000


class _OutOfSteps(Exception):
    pass


@dataclass(frozen=True)
class Outline:
    """A proved reading: ``levels[i]`` (1 = 类, 2 = 款, 3 = 项) of the i-th row; ``depth`` the leaves' level."""

    levels: list[int]
    depth: int


def infer_levels(amounts: list[Decimal], total: Decimal) -> Outline | None:
    """The levels of rows printed in tree order (each parent followed by its children) whose amounts
    are ``amounts`` and whose 类 sum to ``total`` (the table's 合计), or ``None``.

    Every leaf is at the same depth (a 功能分类 table prints every branch down to its 项, an 经济分类
    table down to its 款); depths 3, then 2, are tried, and a depth is accepted only when exactly
    one assignment satisfies every sum. ``None`` when no depth has exactly one (no reading, or
    several that the amounts cannot tell apart), or when the search exceeds :data:`STEP_BUDGET`.
    Amounts are Decimals in one unit; the tolerance is half a unit of the finest printed digit per
    amount summed.
    """
    if len(amounts) < 2:
        return None
    exponent = min((a.as_tuple().exponent for a in [*amounts, total] if isinstance(a.as_tuple().exponent, int)), default=0)
    half_unit = Decimal(1).scaleb(exponent) / 2
    for depth in range(MAX_LEVELS, 1, -1):
        found = _unique_reading(amounts, total, depth, half_unit)
        if found is not None:
            return Outline(found, depth)
    return None


def _unique_reading(amounts: list[Decimal], total: Decimal, depth: int, half_unit: Decimal) -> list[int] | None:
    n = len(amounts)
    steps = [0]

    def node(i: int, level: int) -> Iterator[tuple[int, list[int]]]:
        steps[0] += 1
        if steps[0] > STEP_BUDGET:
            raise _OutOfSteps
        if level == depth:
            yield i + 1, [level]
            return
        if i + 1 < n:
            for end, levels in sequence(i + 1, level + 1, amounts[i], 0):
                yield end, [level, *levels]

    def sequence(i: int, level: int, target: Decimal, count: int) -> Iterator[tuple[int, list[int]]]:
        for end, levels in node(i, level):
            rest = target - amounts[i]
            if abs(rest) <= half_unit * (count + 2):
                yield end, levels
            if end < n:
                for end2, more in sequence(end, level, rest, count + 1):
                    yield end2, [*levels, *more]

    readings = []
    try:
        for end, levels in sequence(0, 1, total, 0):
            if end == n:
                readings.append(levels)
                if len(readings) > 1:
                    return None
    except _OutOfSteps:
        return None
    return readings[0] if readings else None
