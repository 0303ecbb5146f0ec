"""Captions printed inside a ruled grid (step 4 of :mod:`.pdf`): a table's title, its number, department and
unit drawn as the grid's first row(s), or as a row inside the grid of the table above it.

Pure functions of :class:`~.grid.GridCell` rows; nothing here reads a page. A caption row's cells become
caption lines (``收支预算总表`` / ``公开表一`` / ``部门：江苏省人大常委会办公厅`` / ``单位：万元``), never header
labels; its characters are counted in the cells they were drawn in (conservation is unchanged).
"""

from __future__ import annotations

import re

from .grid import GridCell

#: A caption line that names a table or states its unit (not a running head).
TITLE_LIKE = re.compile(r"(表\s*$|表[（(].*[)）]\s*$|单位\s*[:：])")
#: A text inside the grid that is a caption, not a header label.
_CAPTION_CELL = re.compile(r"(表\s*$|^\s*(编制|预算)?(部门|单位)(名称)?\s*[:：]|^\s*(金额)?单位\s*[:：])")
#: Where a caption cell holding several statements (``收支预算总表 部门：… 单位：万元``, wrapped lines
#: joined) is cut into lines: before a department or unit statement and around a table number.
_CAPTION_PARTS = re.compile(r"(?<![编制预算金额])(?=(?:编制|预算)?(?:部门|单位)(?:名称)?\s*[:：])|(?<=[表)）])(?=公开表)")
#: A table number (``公开01表``, ``公开 02 表：``, ``公开表一``, ``预算03表``), not a title.
TABLE_NUMBER = re.compile(r"^\s*(?:(?:公开|预算|决算)\s*(?:\d+|[一二三四五六七八九十]+)\s*表|公开表\s*(?:\d+|[一二三四五六七八九十]+))\s*[:：]?\s*")


def caption_lines(text: str) -> list[str] | None:
    """The caption lines of a grid cell printed as a caption (title, table number, ``部门：…``,
    ``单位：万元``), else ``None`` (a header label).

    A title printed inside the ruled grid fills its first row, often with the department and
    the unit in the same cell (``收支预算总表`` / ``部门：江苏省政协办公厅 单位：万元``, read as
    one text). The text is cut before each department or unit statement and after a table number
    (``公开03表支出预算总表``); it is a caption when every part is a title (ends in ``表`` or
    ``表（…）``), a table number or such a statement.
    """
    text = text.strip()
    if not text:
        return None
    parts = [part.strip() for part in _CAPTION_PARTS.split(text) if part and part.strip()]
    if all(_CAPTION_CELL.search(part) or TITLE_LIKE.search(part) or TABLE_NUMBER.fullmatch(part) for part in parts):
        return parts
    return None


def _caption_row(row: list[GridCell]) -> list[str] | None:
    """The caption lines of a leading grid row, else ``None``: every cell with text is a caption
    (:func:`caption_lines`) or the value after a cell ending in ``部门：`` (``部门：`` | ``江苏省人民检察院``
    | ``单位：万元`` drawn as three cells)."""
    lines: list[str] = []
    after_label = False
    for cell in row:
        if not cell.is_origin or not cell.text:
            continue
        parts = caption_lines(cell.text)
        if parts is not None:
            lines += parts
            after_label = bool(re.search(r"(部门|单位)(名称)?\s*[:：]\s*$", cell.text))
        elif after_label:
            lines[-1] = f"{lines[-1]}{cell.text}"
            after_label = False
        else:
            return None
    return lines


def repeats_title(caption: list[str], previous: list[str]) -> bool:
    """True when ``caption`` names the same table as ``previous`` (the caption of the table that ended
    the page before): a title printed again on every page of a table (``表2`` / ``收入决算表`` above both
    parts of the 佛山 决算's 收入决算表), white space ignored. The title nearest each grid is compared: the
    first page may print a part heading above it (``第二部分 …部门决算表``) that the next pages do not."""
    def titles(lines: list[str]) -> list[str]:
        return ["".join(line.split()) for line in lines if re.search(r"表\s*$|表[（(].*[)）]\s*$", line)]
    named, before = titles(caption), titles(previous)
    return bool(named) and bool(before) and named[-1] == before[-1]


def split_at_titles(grid: list[list[GridCell]]) -> list[list[list[GridCell]]]:
    """The grid cut before each row after the first that is a table's title drawn inside the grid:
    one full-width cell whose text is a caption (:func:`caption_lines`) naming a table (a part ending
    in 表 or 表（…）: ``财政拨款政府性基金支出预算表`` below the last rows of the table above it, both
    drawn as one ruled grid), stating a department or unit itself or in the row below it. Row indices of merged cells are recomputed per part."""
    cuts = [i for i, row in enumerate(grid) if i > 0 and _is_title_row(row) and _states_scope(grid[i:i + 2])]
    if not cuts:
        return [grid]
    bounds = [0, *cuts, len(grid)]
    return [_reindex(grid[a:b]) for a, b in zip(bounds, bounds[1:]) if b > a]


def _states_scope(rows: list[list[GridCell]]) -> bool:
    """True when the title row, or the row below it, states a department or a unit (``部门：…``,
    ``单位：万元``) as a table's caption does (a table of contents lists titles without)."""
    for row in rows:
        lines = _caption_row(row) or []
        if any(re.match(r"\s*(编制|预算)?(部门|单位)(名称)?\s*[:：]|\s*(金额)?单位\s*[:：]", line) for line in lines):
            return True
    return False


def _is_title_row(row: list[GridCell]) -> bool:
    """True for a grid row holding one text, a caption that names a table (:func:`split_at_titles`)."""
    texts = {cell.text for cell in row if cell.text}
    if len(texts) != 1 or sum(1 for cell in row if cell.is_origin and cell.text) != 1:
        return False
    parts = caption_lines(texts.pop())
    return bool(parts) and any(re.search(r"表\s*$|表[（(].*[)）]\s*$", part) and not TABLE_NUMBER.fullmatch(part)
                               for part in parts)


def split_caption_rows(grid: list[list[GridCell]]) -> tuple[list[str], list[list[GridCell]]]:
    """Leading rows that are empty or hold only a title, table number, department or unit
    statement (:func:`_caption_row`) → caption lines."""
    caption: list[str] = []
    while grid:
        lines = _caption_row(grid[0])
        if lines is None:
            break
        caption += lines
        grid = grid[1:]
    # a caption row covering a spanning cell shifts the row indices of covered_by
    return caption, _reindex(grid)


def _reindex(grid: list[list[GridCell]]) -> list[list[GridCell]]:
    """Recompute ``covered_by`` row indices after leading rows were removed."""
    if not grid:
        return grid
    origin_rows = {}
    for i, row in enumerate(grid):
        for j, cell in enumerate(row):
            if cell.is_origin:
                origin_rows[(cell.bbox[1], cell.bbox[0])] = (i, j)
    for row in grid:
        for cell in row:
            if not cell.is_origin:
                cell.covered_by = origin_rows.get((cell.bbox[1], cell.bbox[0]), None) or (-1, -1)
                if cell.covered_by == (-1, -1):
                    cell.text = ""  # covered by a caption cell: its text is in the caption, not a label here
    return grid
