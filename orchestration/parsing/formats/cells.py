"""Build a :class:`~.grid.GridTable` from a rectangle of texts and merged ranges (Excel, Word, HTML).

The three non-PDF format readers all end in the same shape: a list of rows of
cell texts where a merged range's text sits on its top-left position, plus the
merged ranges. :func:`grid_table` expands them the way :mod:`.pdf` does: every
position of a merged range gets the spanning cell's text and ``covered_by``
pointing at its origin, so header labels read column by column and body readers
count a merged value once.
"""

from __future__ import annotations

from .grid import GridCell, GridTable

#: A merged range: ``(first_row, first_col, last_row, last_col)``, 0-based, inclusive.
Span = tuple[int, int, int, int]


def clean_text(value) -> str:
    """A cell value as text: ``None`` → ``''``; numbers as Excel shows them (``250.0`` → ``'250'``);
    wrapped lines joined without separator, runs of spaces kept as one space, ends stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r", "\n").replace("\u3000", " ").replace("\xa0", " ")
    lines = [line.strip() for line in text.split("\n")]
    return " ".join(" ".join(lines).split()) if _all_ascii_words(lines) else "".join(lines).strip()


def _all_ascii_words(lines: list[str]) -> bool:
    """True when the wrapped lines are Latin words (join with a space), False for CJK (join without)."""
    return len(lines) > 1 and all(line.isascii() for line in lines if line)


def grid_table(table_no: int, page: int, texts: list[list[str]], spans: list[Span], address,
               caption: list[str] | None = None, notes: list[str] | None = None) -> GridTable:
    """Rows of texts + merged ranges → a :class:`GridTable`.

    ``texts`` may be ragged (padded with ``''``); ``address(row, col)`` names a
    cell (``'Sheet1!B7'``); ``page`` is the sheet / table number (1-based).
    Rows that are empty in every column are dropped (blank spacer rows).
    """
    width = max((len(row) for row in texts), default=0)
    for first_row, first_col, last_row, last_col in spans:
        width = max(width, last_col + 1)
    height = max(len(texts), max((s[2] + 1 for s in spans), default=0))
    grid = [[GridCell(_at(texts, i, j), page, (j, i, j, i), address=address(i, j)) for j in range(width)]
            for i in range(height)]
    for first_row, first_col, last_row, last_col in spans:
        origin_text = grid[first_row][first_col].text
        for i in range(first_row, last_row + 1):
            for j in range(first_col, last_col + 1):
                if (i, j) != (first_row, first_col):
                    grid[i][j].text = origin_text
                    grid[i][j].covered_by = (first_row, first_col)
    keep = [i for i, row in enumerate(grid) if any(cell.text for cell in row)]
    new_index = {old: new for new, old in enumerate(keep)}
    rows = [grid[i] for i in keep]
    for row in rows:
        for cell in row:
            if cell.covered_by is not None:
                oi, oj = cell.covered_by
                cell.covered_by = (new_index.get(oi, -1), oj)
    return GridTable(table_no=table_no, caption=list(caption or []), rows=rows, pages=[page],
                     bbox=(0, 0, width, len(rows)), column_count=width, notes=list(notes or []),
                     column_x=[float(j) for j in range(width)])


def _at(texts: list[list[str]], i: int, j: int) -> str:
    return texts[i][j] if i < len(texts) and j < len(texts[i]) else ""
