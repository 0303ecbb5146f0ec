"""Category names of a national grid → taxonomy codes; a name's level is the column it is printed in.

成本指标 is both the 2026 framework's level-1 category (code 4, with 41 经济成本指标,
42 社会成本指标, 43 生态环境成本指标) and the older level-2 成本指标 (14) under 产出指标:
a name alone does not give its level. Rules:

- a grid **with** a 三级指标 column: the 一级 cell is a level-1 name and the 二级 cell a
  level-2 name, each looked up at its column's level (成本指标 in the 一级 column → 4, in
  the 二级 column → 14);
- a grid **without** one (Hubei's 一级指标 / 二级指标 / 绩效标准 / 当年预期实现值), whose
  一级 column may hold 二级 names: a name of one level only is read at that level (a
  level-2 name in the 一级 column marks that column as holding level-2 names for the rest
  of the grid); a name of both levels (成本指标) is read at its column's level — level 2
  in a 一级 column that holds level-2 names; the last level cell that is no category name is
  the indicator; a 二级 name found without its 一级 gets its taxonomy parent (``inferred``).

Names are resolved by :func:`orchestration.parsing.vocabulary.category_code` (by meaning:
NFKC, spaces, with or without the trailing 指标, the grid variants such as
社会公众或服务对象满意度指标); an unknown name has no code.
"""

from __future__ import annotations

from ..vocabulary import LEVEL1_CODES, category_code


def category_codes(level1: str | None, level2: str | None) -> tuple[str | None, str | None]:
    """Codes of a 一级 name (at level 1) and a 二级 name (at level 2); ``None`` for an unknown or empty name."""
    return (category_code(level1, level=1) if level1 else None,
            category_code(level2, level=2) if level2 else None)


def level1_name_of(code2: str) -> str | None:
    """The official 一级 name of a level-2 code's parent (``'31'`` → ``'满意度指标'``)."""
    return next((name for name, code in LEVEL1_CODES.items() if code == code2[:1]), None)


def split_levels(cells: list[tuple[str, str]], has_level3: bool, state: dict) -> tuple[str | None, str | None,
                                                                                          str | None, bool]:
    """(一级, 二级, indicator name, 一级 inferred) of one grid row (module rules).

    ``cells`` are ``(column, text)`` for the row's level columns in order (``'level1'``,
    ``'level2'``, ``'level3'``), blank cells already carried down; ``state`` is kept by the
    caller per grid (it remembers a 一级 column that holds level-2 names).
    """
    if has_level3 and len(cells) == 3:
        return cells[0][1] or None, cells[1][1] or None, cells[2][1] or None, False
    l1 = l2 = name = None
    for column, text in cells:
        if not text:
            continue
        level = _level_of(text, column, state)
        if level == 1 and l1 is None:
            l1 = text
        elif level == 2 and l2 is None:
            l2 = text
        elif level is None:
            name = text
    inferred = False
    if l1 is None and l2 is not None:
        code2 = category_code(l2, level=2)
        l1 = level1_name_of(code2)
        inferred = l1 is not None
    return l1, l2, name, inferred


def _level_of(text: str, column: str, state: dict) -> int | None:
    """1, 2 or ``None`` (not a category name) for a level cell of a grid without 三级指标 column."""
    as1, as2 = category_code(text, level=1), category_code(text, level=2)
    if as2 and not as1:
        if column == "level1":
            state["level1_holds_level2"] = True
        return 2
    if as1 and not as2:
        return 1
    if as1 and as2:
        return 2 if column == "level2" or state.get("level1_holds_level2") else 1
    return None
