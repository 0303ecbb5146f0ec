"""PDF → tables: pdfplumber's ruled-table finder, pages joined into tables.

Pure: an open ``pdfplumber.PDF`` in, :class:`~.grid.DocumentLayout` out. Every
rule here is about drawing, none about budgets (that is
:mod:`orchestration.parsing.tables`):

1. **Text layer** first: the caller's ``check_page`` (for PDFs,
   :func:`orchestration.parsing.pdf_tables.check_text_layer`) stops the read on a page whose
   text comes out as ``(cid:N)`` or that is an image only.
2. **Narrative pages pay nothing for tables**: a page without any drawn line,
   rectangle or curve cannot hold a ruled table and is recorded as a
   :class:`~.grid.NarrativePage` from its characters (``find_tables`` is not
   called). A page with rules but no table found is narrative too.
3. **Tables** are ``page.find_tables()`` (lines strategy, pdfplumber's
   defaults); ``Table.extract()`` gives each cell's text (wrapped lines joined
   without separator) and ``Table.cells`` the merged cells: a grid position
   without its own cell gets the text of the cell that spans it
   (``covered_by``), so a header label spanning three columns labels all three.
4. **Captions**: the text between the previous table (or the page top) and a
   table is its caption (title, ``编制部门：…``, ``单位：元``); leading grid
   rows that hold only a title or a unit statement are caption too. Text
   below a page's last table becomes the table's ``notes``.
5. **Character conservation**: every non-space character whose centre lies in a
   table's box ends in exactly one cell or is reported in a ``chars_outside_cells``
   / ``chars_not_extracted`` event with page and position (:func:`conserve_chars`;
   counts per part in ``GridTable.char_counts``).
5b. **Horizontal rules only** (when the caller gives ``is_header``): a region of
   horizontal rules outside the tables found (or inside a found table of fewer
   than three columns: a frame with rules), whose header row the caller recognises, gets
   vertical lines at the boundaries of the header's labels (:mod:`.pdf_rules`),
   and pdfplumber's ``find_tables`` forms its cells.
6. **Page breaks**: a table that is the first thing on its page, has no
   title-like caption (a line ending in ``表`` or stating ``单位：``) and
   follows a table that ended the previous page continues that table: its
   columns are mapped onto the first part's columns by their left edges
   (nearest), and leading rows equal to one of the first part's first rows
   (a repeated header) are dropped with a ``header_repeated`` event. A part
   with no text at all is dropped with an ``empty_table_part`` event.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from .grid import DocumentLayout, GridCell, GridTable, NarrativePage
from .pdf_rules import rules_only_tables

#: A caption line that names a table or states its unit (not a running head).
_TITLE_LIKE = re.compile(r"(表\s*$|表[（(].*[)）]\s*$|单位\s*[:：])")
#: A text inside the grid that is a caption, not a header label.
_CAPTION_CELL = re.compile(r"(表\s*$|^\s*编制(部门|单位)\s*[:：]|^\s*(金额)?单位\s*[:：])")
#: How many leading rows of a table may be repeated on a continuation page.
HEADER_ROWS_MAX = 5
#: A found table with fewer columns cannot hold a header of levels and a value (一级, 二级, 指标值): its rules
#: are read again by :mod:`.pdf_rules` when the caller looks for such a header.
FEWEST_GRID_COLUMNS = 3
#: Lines of page 1 (and 2) kept for document facts (department on the cover).
HEAD_LINES = 12


def read_pdf_layout(pdf, check_page=None, is_header=None) -> DocumentLayout:
    """Read every page of an open pdfplumber PDF into tables and narrative pages.

    ``check_page(page, chars, page_no)`` is called first on every page and
    may raise (text-layer checks). ``is_header(texts) -> bool``, when given,
    recognises the header row of a table ruled with horizontal lines only, which
    is then read too (:mod:`.pdf_rules`, step 5b). Pages are closed after reading.
    Returns a :class:`~.grid.DocumentLayout`; never raises for a page without tables.
    """
    tables: list[GridTable] = []
    narrative: list[NarrativePage] = []
    head: list[str] = []
    events: list[tuple[str, str, int | None]] = []
    last_block_was_table_on: int | None = None  # page of the table that ended the previous page
    columns_in_force: list[float] | None = None  # boundaries of a rules-only table on the previous page
    for page_no, page in enumerate(pdf.pages, start=1):
        try:
            chars = page.chars
            if check_page is not None:
                check_page(page, chars, page_no)
            if page_no <= 2 and len(head) < HEAD_LINES:
                head += _lines_of(chars)[: HEAD_LINES - len(head)]
            found = page.find_tables() if (page.rects or page.lines or page.curves) else []
            if is_header is not None and (page.rects or page.lines):
                found, columns_in_force = _with_rules_only_tables(page, found, is_header, columns_in_force)
            found = sorted(found, key=lambda t: t.bbox[1])
            if not found:
                lines = _lines_of(chars)
                narrative.append(NarrativePage(page_no, lines[0] if lines else "", len(chars)))
                last_block_was_table_on = None
                continue
            previous_bottom = 0.0
            for index, found_table in enumerate(found):
                x0, top, x1, bottom = found_table.bbox
                caption = _text_lines(page, previous_bottom, top)
                grid = _grid(found_table, page_no)
                counts, lost_events = conserve_chars(page, found_table, page_no)
                inner_caption, grid = _split_caption_rows(grid)
                caption += inner_caption
                previous_bottom = bottom
                if not any(cell.text for row in grid for cell in row):
                    events.append(("empty_table_part", f"a ruled grid without text at y {top:.0f}–{bottom:.0f} was skipped", page_no))
                    events += lost_events
                    continue
                continues = (
                    index == 0
                    and tables
                    and last_block_was_table_on == page_no - 1
                    and not any(_TITLE_LIKE.search(line) for line in caption)
                )
                if continues and _append_part(tables[-1], grid, page_no, found_table, caption):
                    tables[-1].char_counts.append(counts)
                    tables[-1].events += lost_events
                    continue
                column_count = len(grid[0]) if grid else 0
                tables.append(GridTable(len(tables) + 1, caption, grid, [page_no], (x0, top, x1, bottom),
                                        column_count, column_x=_xs(found_table), char_counts=[counts],
                                        events=list(lost_events)))
            below = _text_lines(page, previous_bottom, page.height)
            if below:
                tables[-1].notes += below
            last_block_was_table_on = page_no if not below or not any(len(line) > 12 for line in below) else None
        finally:
            page.close()
    return DocumentLayout(len(pdf.pages), tables, narrative, head, events)


def _with_rules_only_tables(page, found: list, is_header, columns_in_force):
    """``found`` with the tables of horizontal rules only (:mod:`.pdf_rules`) added: the rules outside the
    tables found are looked at, and so are those of a found table of fewer than
    :data:`FEWEST_GRID_COLUMNS` columns (a frame and horizontal rules, one inner vertical at most: too few
    vertical edges for a grid of levels and a value), which a rules-only table read from its header replaces.
    Returns ``(tables, column strips in force)``."""
    framed = [t for t in found if len(_xs(t)) < FEWEST_GRID_COLUMNS]
    kept = [t for t in found if t not in framed]
    extra, columns_in_force = rules_only_tables(page, [t.bbox for t in kept], is_header, columns_in_force)
    if not extra:
        return found, columns_in_force
    replaced = [t for t in framed if any(_overlap(t.bbox, e.bbox) for e in extra)]
    return [t for t in found if t not in replaced] + extra, columns_in_force


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _non_space(chars) -> list[dict]:
    return [c for c in chars if c["text"].strip()]


def _centre_in(char: dict, bbox) -> bool:
    """pdfplumber's rule for a character in a cell: its centre lies inside the box (edges included)."""
    h = (char["x0"] + char["x1"]) / 2
    v = (char["top"] + char["bottom"]) / 2
    return bbox[0] <= h <= bbox[2] and bbox[1] <= v <= bbox[3]


def conserve_chars(page, found_table, page_no: int) -> tuple[tuple[int, int, int, int], list[tuple[str, str, int]]]:
    """Character conservation of one table part: every non-space character whose centre lies in
    the table's region is counted in a cell of ``Table.extract()`` or reported.

    Returns ``((page, region, in_cells, reported), events)``. A character in the region
    but in no cell (between cells of a grid with missing rules, or overhanging a cell's
    edge) gives a ``chars_outside_cells`` event with its text and position; should
    ``Table.extract()`` give fewer characters than the cells hold (a dropped duplicate),
    a ``chars_not_extracted`` event gives the difference. ``in_cells`` is counted from the
    extracted cell texts, so ``region == in_cells + reported`` is a check (the property
    tests assert it), not a definition: a character counted in two cells breaks it.
    """
    region = [c for c in _non_space(page.chars) if _centre_in(c, found_table.bbox)]
    cells = found_table.cells
    outside = [c for c in region if not any(_centre_in(c, cell) for cell in cells)]
    extracted = sum(len("".join((text or "").split())) for row in found_table.extract() for text in row)
    events: list[tuple[str, str, int]] = []
    reported = 0
    if outside:
        outside.sort(key=lambda c: (round(c["top"]), c["x0"]))
        text = "".join(c["text"] for c in outside)
        first = outside[0]
        events.append(("chars_outside_cells",
                       f"{len(outside)} character(s) inside the table at x {first['x0']:.0f}, y {first['top']:.0f} "
                       f"lie in no cell of its grid and are not in any cell: {text[:300]!r}", page_no))
        reported += len(outside)
    missing = len(region) - reported - extracted
    if missing > 0:
        events.append(("chars_not_extracted", f"{missing} character(s) of the table's cells at y "
                       f"{found_table.bbox[1]:.0f}–{found_table.bbox[3]:.0f} did not come out of the cell text "
                       "(overlapping or duplicated glyphs)", page_no))
        reported += missing
    # ``extracted`` is measured, not derived: a character counted in two cells breaks the equality
    return (page_no, len(region), extracted, reported), events


def _xs(found_table) -> list[float]:
    return sorted({cell[0] for cell in found_table.cells})


def _grid(found_table, page_no: int) -> list[list[GridCell]]:
    """The table's cells as a full grid; merged positions point at their spanning cell."""
    texts = found_table.extract()
    xs = _xs(found_table)
    tops = sorted({cell[1] for cell in found_table.cells})
    origin_of = {(cell[1], cell[0]): cell for cell in found_table.cells}
    grid: list[list[GridCell]] = []
    for i, top in enumerate(tops):
        row: list[GridCell] = []
        for j, x in enumerate(xs):
            cell = origin_of.get((top, x))
            if cell is not None:
                text = _join(texts[i][j] if i < len(texts) and j < len(texts[i]) else "")
                row.append(GridCell(text, page_no, tuple(cell)))
                continue
            owner = _cell_containing(found_table.cells, x + 0.5, top + 0.5)
            if owner is None:
                row.append(GridCell("", page_no, (x, top, x, top)))
                continue
            oi, oj = tops.index(owner[1]), xs.index(owner[0])
            row.append(GridCell(_join(texts[oi][oj] or ""), page_no, tuple(owner), covered_by=(oi, oj)))
        grid.append(row)
    return grid


def _cell_containing(cells, x: float, y: float):
    for cell in cells:
        if cell[0] <= x <= cell[2] and cell[1] <= y <= cell[3]:
            return cell
    return None


def _join(text: str | None) -> str:
    """A cell's text with wrapped lines joined without separator (CJK labels wrap mid-word)."""
    return "".join((text or "").split("\n")).strip()


def _split_caption_rows(grid: list[list[GridCell]]) -> tuple[list[str], list[list[GridCell]]]:
    """Leading rows that are empty or hold only a title / unit statement → caption lines."""
    caption: list[str] = []
    while grid:
        texts = [cell.text for cell in grid[0] if cell.is_origin and cell.text]
        if texts and not all(_CAPTION_CELL.search(text) for text in texts):
            break
        caption += texts
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
    return grid


def _append_part(table: GridTable, grid: list[list[GridCell]], page_no: int, found_table, caption: list[str]) -> bool:
    """Append a continuation part to ``table`` (columns mapped by left edge). False when it cannot be mapped."""
    primary_xs = table.column_x
    part_xs = _xs(found_table)
    if len(part_xs) > len(primary_xs):
        return False
    mapping = [_nearest(primary_xs, x) for x in part_xs]
    if len(set(mapping)) != len(mapping):
        return False
    offset = len(table.rows)
    head = [_row_key(row) for row in table.rows[:HEADER_ROWS_MAX]]
    dropped = 0
    mapped_rows: list[list[GridCell]] = []
    for row in grid:
        full = [GridCell("", page_no, (primary_xs[k], row[0].bbox[1], primary_xs[k], row[0].bbox[3]))
                for k in range(table.column_count)]
        for j, cell in enumerate(row):
            if cell.covered_by is not None:
                oi, oj = cell.covered_by
                cell.covered_by = (offset + oi - dropped, mapping[oj]) if oi >= 0 else None
            full[mapping[j]] = cell
        if not mapped_rows and _row_key(full) in head:
            dropped += 1
            continue
        mapped_rows.append(full)
    if dropped:
        table.events.append(("header_repeated", f"{dropped} header row(s) printed again on page {page_no} were skipped", page_no))
    if caption:
        table.events.append(("continuation_caption", f"text above the continuation on page {page_no}: {' '.join(caption)[:120]}", page_no))
    table.rows += mapped_rows
    table.pages.append(page_no)
    return True


def _nearest(xs: list[float], x: float) -> int:
    k = bisect_left(xs, x)
    candidates = [c for c in (k - 1, k) if 0 <= c < len(xs)]
    return min(candidates, key=lambda c: abs(xs[c] - x))


def _row_key(row: list[GridCell]) -> tuple[str, ...]:
    return tuple(cell.text for cell in row)


def _text_lines(page, top: float, bottom: float) -> list[str]:
    """Text lines of the characters whose vertical centre lies in ``top``–``bottom`` (empty lines dropped).

    By centre, like pdfplumber's cell text, so a character of a table's last
    row that overhangs the bottom rule stays in its cell and is not read again here.
    """
    if bottom - top < 1:
        return []
    strip = page.filter(lambda obj: obj.get("object_type") == "char" and top <= (obj["top"] + obj["bottom"]) / 2 < bottom)
    return [line.strip() for line in (strip.extract_text() or "").split("\n") if line.strip()]


def _lines_of(chars: list[dict], tolerance: float = 2.0) -> list[str]:
    """Characters grouped into lines by their top (cheap; no layout analysis), top to bottom."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(lines[-1][0]["top"] - char["top"]) <= tolerance:
            lines[-1].append(char)
        else:
            lines.append([char])
    out = []
    for line in lines:
        text = "".join(c["text"] for c in sorted(line, key=lambda c: c["x0"])).strip()
        if text:
            out.append(text)
    return out
