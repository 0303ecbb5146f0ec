"""PDF → tables: pdfplumber's ruled-table finder, pages joined into tables.

Pure: an open ``pdfplumber.PDF`` in, :class:`~.grid.DocumentLayout` out. Every
rule here is about drawing, none about budgets (that is
:mod:`orchestration.parsing.tables`):

1. **Text layer** first: the caller's ``check_page`` (for PDFs,
   :func:`orchestration.parsing.pdf_text.check_text_layer`) stops the read on a page whose
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
3b. **Text frames**: strips a few points wide that a producer's frame around each cell text
   cuts out of a ruled cell are no columns or rows (:func:`.pdf_frames.snap_frame_strips`, a
   ``frame_strips_snapped`` event).
4. **Captions**: the text between the previous table (or the page top) and a
   table is its caption (title, ``编制部门：…``, ``单位：元``); leading grid
   rows that hold only a title or a unit statement are caption too. Text
   below a page's last table becomes the table's ``notes``.
   A caption cell may hold the title, a table number, the department and the unit at once
   (``收支预算总表 公开表一 部门：… 单位：万元``), or a ``部门：`` cell be followed by its value
   (:func:`.pdf_captions.split_caption_rows`); a title row drawn inside the grid of the table
   above it starts a table (:func:`.pdf_captions.split_at_titles`, a ``title_inside_grid`` event).
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
   title-like caption (a line ending in ``表`` or stating ``单位：``) or repeats the
   title of the table before (:func:`.pdf_captions.repeats_title`), and
   follows a table that ended the previous page continues that table: its
   columns are mapped onto the first part's columns by their left edges
   (nearest; a column of the part without any text, a stray rule beside it,
   is not mapped), and leading rows equal to one of the first part's first rows
   (a repeated header) are dropped with a ``header_repeated`` event. A part
   with no text at all is dropped with an ``empty_table_part`` event.
7. **Merged cells cut by a page break**: a table printed over several pages
   may draw no rule where the page cuts it (a merged cell — a project's name,
   amount and goal spanning its indicator rows — runs on over the break). Where
   two or more vertical rules end at one height without meeting a horizontal
   rule, without continuing and with no rule beyond them at their x, the cut is
   closed (:func:`cut_lines`, pdfplumber's ``explicit_horizontal_lines``) across
   each column gap one of them ends, so the cut cells exist; a column whose
   rules go on past that height stays whole. A cut cell's text is drawn whole on
   every page it spans, partly beyond the cut (below the table, above it, over
   a repeated header, even off the page): its text is read from the characters
   of its column beyond the cut too (not those of other cells), and those
   characters are no caption or note and count as in the cell for
   conservation. In the rows of a continuation page, a cell cut at the top —
   or the part's first cell, closed by a repeated header's rule — whose
   column's nearest drawn cell above is cut at the bottom is that merged cell:
   it is marked ``covered_by`` it (one origin, so a reader counts it once). Its
   own copy must be equal (cut at the top), contained (under a header) or
   empty, else a ``cut_cell_copies_differ`` event keeps both texts (the first
   is read). A repeated header that such text overprints (its labels' characters
   all present) is still a repeated header; the overprint and any cells drawn
   above it are named in its ``header_repeated`` event.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter

from pdfplumber.utils import extract_text

from .grid import DocumentLayout, GridCell, GridTable, NarrativePage
from .pdf_captions import TITLE_LIKE, repeats_title, split_at_titles, split_caption_rows
from .pdf_frames import FRAME_STRIP, snap_frame_strips
from .pdf_ocr import OCR_FONT, cell_confidence
from .pdf_rules import rules_only_tables

#: A caption line that names a table or states its unit (not a running head).
_TITLE_LIKE = TITLE_LIKE
#: How many leading rows of a table may be repeated on a continuation page.
HEADER_ROWS_MAX = 5
#: A found table with fewer columns cannot hold a header of levels and a value (一级, 二级, 指标值): its rules
#: are read again by :mod:`.pdf_rules` when the caller looks for such a header.
FEWEST_GRID_COLUMNS = 3
#: Lines of page 1 (and 2) kept for document facts (department on the cover).
HEAD_LINES = 12
#: Rule ends and rules closer than this (points) meet.
EDGE_TOLERANCE = 1.5
#: Edges shorter than this (points) are the sides of a thin rectangle drawn as a rule.
MIN_RULE_LENGTH = 3.0


def read_pdf_layout(pdf, check_page=None, is_header=None, close_pages: bool = True) -> DocumentLayout:
    """Read every page of an open pdfplumber PDF into tables and narrative pages.

    ``check_page(page, chars, page_no)`` is called first on every page and
    may raise (text-layer checks). ``is_header(texts) -> bool``, when given,
    recognises the header row of a table ruled with horizontal lines only, which
    is then read too (:mod:`.pdf_rules`, step 5b). Pages are closed after reading unless
    ``close_pages`` is False: their parsed objects then stay cached for a reader that reads
    them again, and the caller closes them (closing made pdfminer parse such pages twice).
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
            ruled = bool(page.rects or page.lines or page.curves)
            cuts = cut_lines(page) if ruled else []
            found = (page.find_tables({"explicit_horizontal_lines": cuts}) if cuts else page.find_tables()) if ruled else []
            if is_header is not None and (page.rects or page.lines):
                found, columns_in_force = _with_rules_only_tables(page, found, is_header, columns_in_force)
            snapped = [snap_frame_strips(page, t) for t in found]
            for before, after in zip(found, snapped):
                if after is not before:
                    events.append(("frame_strips_snapped", f"the grid at y {before.bbox[1]:.0f}–{before.bbox[3]:.0f} draws a frame "
                                   f"around its texts: {len(before.cells)} cells read as {len(after.cells)} (strips of "
                                   f"< {FRAME_STRIP:.0f} pt are no columns or rows)", page_no))
            found = sorted(snapped, key=lambda t: t.bbox[1])
            if not found:
                lines = _lines_of(chars)
                narrative.append(NarrativePage(page_no, lines[0] if lines else "", len(chars), lines))
                last_block_was_table_on = None
                continue
            previous_bottom = 0.0
            visible = _non_space(chars)
            cut_texts = {id(found_table): _cut_cell_texts(page, found_table, cuts) for found_table in found} if cuts else {}
            absorbed = {id(c) for texts in cut_texts.values() for _, _, chars in texts.values() for c in chars}
            for index, found_table in enumerate(found):
                x0, top, x1, bottom = found_table.bbox
                caption = _text_lines(page, previous_bottom, top, absorbed)
                texts = cut_texts.get(id(found_table), {})
                extracted = found_table.extract()  # once: the grid and the conservation count read the same texts
                grid = _grid(found_table, page_no, texts, extracted)
                if chars and chars[0].get("fontname") == OCR_FONT:
                    _mark_confidence(grid, chars)
                counts, lost_events = conserve_chars(page, found_table, page_no,
                                                     {id(c): c for _, _, chars in texts.values() for c in chars},
                                                     extracted, visible)
                previous_bottom = bottom
                for part_no, part in enumerate(split_at_titles(grid)):
                    if part_no:  # a table whose title row is drawn inside the grid of the one above it
                        caption, counts, lost_events = [], (page_no, 0, 0, 0), []
                        top = min(cell.bbox[1] for cell in part[0])
                        lost_events = [("title_inside_grid", f"a title row drawn inside the ruled grid at y {top:.0f} "
                                        f"starts a table: {next(c.text for c in part[0] if c.text)[:80]}", page_no)]
                    inner_caption, part = split_caption_rows(part)
                    caption += inner_caption
                    if not any(cell.text for row in part for cell in row):
                        events.append(("empty_table_part", f"a ruled grid without text at y {top:.0f}–{bottom:.0f} was skipped", page_no))
                        events += lost_events
                        continue
                    continues = (
                        index == 0 and part_no == 0
                        and tables
                        and last_block_was_table_on == page_no - 1
                        and (not any(_TITLE_LIKE.search(line) for line in caption)
                             or repeats_title(caption, tables[-1].caption))
                    )
                    if continues and _append_part(tables[-1], part, page_no, found_table, caption):
                        _join_cut_cells(tables[-1], page_no)
                        tables[-1].char_counts.append(counts)
                        tables[-1].events += lost_events
                        continue
                    column_count = len(part[0]) if part else 0
                    tables.append(GridTable(len(tables) + 1, caption, part, [page_no], (x0, top, x1, bottom),
                                            column_count, column_x=_xs(found_table), char_counts=[counts],
                                            events=list(lost_events)))
            below = _text_lines(page, previous_bottom, page.height, absorbed)
            if below:
                tables[-1].notes += below
            last_block_was_table_on = page_no if not below or not any(len(line) > 12 for line in below) else None
        finally:
            if close_pages:
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


def conserve_chars(page, found_table, page_no: int, absorbed: dict | None = None,
                   extracted: list[list[str | None]] | None = None,
                   visible: list[dict] | None = None) -> tuple[tuple[int, int, int, int], list[tuple[str, str, int]]]:
    """Character conservation of one table part: every non-space character whose centre lies in
    the table's region is counted in a cell of ``Table.extract()`` or reported.

    Returns ``((page, region, in_cells, reported), events)``. A character in the region
    but in no cell (between cells of a grid with missing rules, or overhanging a cell's
    edge) gives a ``chars_outside_cells`` event with its text and position; should
    ``Table.extract()`` give fewer characters than the cells hold (a dropped duplicate),
    a ``chars_not_extracted`` event gives the difference. ``in_cells`` is counted from the
    extracted cell texts, so ``region == in_cells + reported`` is a check (the property
    tests assert it), not a definition: a character counted in two cells breaks it.
    ``absorbed`` (``id`` → character) are the characters read into cut cells from beyond their
    drawn box (step 7): those outside the table's box count in the region, and all of them in the
    cells (not as outside any cell). ``extracted`` is ``found_table.extract()`` when the caller
    already has it (it is extracted once per table part), ``visible`` the page's non-space characters
    (computed once per page).
    """
    absorbed = absorbed or {}
    bbox = found_table.bbox  # a property pdfplumber computes from all the cells on every access: read once
    region = [c for c in (_non_space(page.chars) if visible is None else visible) if _centre_in(c, bbox)]
    in_no_cell = _in_no_cell(region, found_table.cells)
    outside = [c for c in in_no_cell if id(c) not in absorbed]
    beyond = sum(1 for c in absorbed.values() if not _centre_in(c, bbox))
    texts = found_table.extract() if extracted is None else extracted
    extracted = sum(len("".join((text or "").split())) for row in texts for text in row)
    extracted += beyond + (len(in_no_cell) - len(outside))
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
                       f"{bbox[1]:.0f}–{bbox[3]:.0f} did not come out of the cell text "
                       "(overlapping or duplicated glyphs)", page_no))
        reported += missing
    # ``extracted`` is measured, not derived: a character counted in two cells breaks the equality
    return (page_no, len(region) + beyond, extracted, reported), events


def _in_no_cell(chars: list[dict], cells) -> list[dict]:
    """The characters of ``chars`` whose centre lies in none of ``cells`` (pdfplumber's rule,
    :func:`_centre_in`), found through a :class:`CellIndex` (a character is tested only against the
    cells spanning its height, not against every cell)."""
    index = CellIndex(cells)
    return [char for char in chars if not index.containing(char)]


class CellIndex:
    """The cells of one table indexed by height, for the question "which cells hold this character's centre".

    The cells' tops and bottoms cut the table's height into bands; each band lists the cells spanning
    it (found once). A character's vertical centre is located among the bands by bisection; a centre
    lying exactly on a cut (a rule) is tested against every cell, so the answer is always that of
    :func:`_centre_in` over all cells (edges included), in the order of ``cells``.
    """

    def __init__(self, cells) -> None:
        self.cells = list(cells)
        self.cuts = sorted({y for cell in self.cells for y in (cell[1], cell[3])})
        self.bands = [[cell for cell in self.cells if cell[1] <= low and cell[3] >= high]
                      for low, high in zip(self.cuts, self.cuts[1:])]
        self.on_cut = set(self.cuts)

    def containing(self, char: dict) -> list:
        """The cells (in the order given) whose box holds ``char``'s centre, edges included."""
        v = (char["top"] + char["bottom"]) / 2
        if v in self.on_cut:
            candidates = self.cells
        else:
            k = bisect_left(self.cuts, v)
            if k == 0 or k == len(self.cuts):
                return []
            candidates = self.bands[k - 1]
        h = (char["x0"] + char["x1"]) / 2
        return [cell for cell in candidates if cell[0] <= h <= cell[2] and cell[1] <= v <= cell[3]]


def _xs(found_table) -> list[float]:
    return sorted({cell[0] for cell in found_table.cells})


def _grid(found_table, page_no: int, cut_texts: dict | None = None,
          extracted: list[list[str | None]] | None = None) -> list[list[GridCell]]:
    """The table's cells as a full grid; merged positions point at their spanning cell.

    ``cut_texts`` maps a cut cell's bbox to ``(side, text, chars)`` (:func:`_cut_cell_texts`):
    its text replaces the text inside the cell and its side is kept in ``GridCell.cut``.
    ``extracted`` is ``found_table.extract()`` when the caller already has it.
    """
    cut_texts = cut_texts or {}
    texts = found_table.extract() if extracted is None else extracted
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
                side = None
                if tuple(cell) in cut_texts:
                    side, cut_text, _ = cut_texts[tuple(cell)]
                    text = _join(cut_text)
                row.append(GridCell(text, page_no, tuple(cell), cut=side))
                continue
            owner = _cell_containing(found_table.cells, x + 0.5, top + 0.5)
            if owner is None:
                row.append(GridCell("", page_no, (x, top, x, top)))
                continue
            oi, oj = tops.index(owner[1]), xs.index(owner[0])
            owner_text = _join(cut_texts[tuple(owner)][1]) if tuple(owner) in cut_texts else _join(texts[oi][oj] or "")
            row.append(GridCell(owner_text, page_no, tuple(owner), covered_by=(oi, oj)))
        grid.append(row)
    return grid


def _mark_confidence(grid: list[list[GridCell]], chars: list[dict]) -> None:
    """On a page read by OCR (:mod:`.pdf_ocr`), every cell where a merged cell starts gets the lowest
    recogniser score of the characters inside it (``GridCell.confidence``); positions it spans share it."""
    for row in grid:
        for cell in row:
            if cell.is_origin and cell.text:
                cell.confidence = cell_confidence(cell.bbox, chars)
    for row in grid:
        for cell in row:
            if not cell.is_origin:
                cell.confidence = grid[cell.covered_by[0]][cell.covered_by[1]].confidence


def _cell_containing(cells, x: float, y: float):
    for cell in cells:
        if cell[0] <= x <= cell[2] and cell[1] <= y <= cell[3]:
            return cell
    return None


def _join(text: str | None) -> str:
    """A cell's text with wrapped lines joined without separator (CJK labels wrap mid-word)."""
    return "".join((text or "").split("\n")).strip()


def _append_part(table: GridTable, grid: list[list[GridCell]], page_no: int, found_table, caption: list[str]) -> bool:
    """Append a continuation part to ``table`` (columns mapped by left edge). False when it cannot be mapped."""
    primary_xs = table.column_x
    part_xs = _xs(found_table)
    kept = list(range(len(part_xs)))
    if len(part_xs) > len(primary_xs):
        # a column without any text (a stray rule beside the table) carries nothing to map
        kept = [j for j in kept if any(j < len(row) and row[j].text for row in grid)]
        if len(kept) > len(primary_xs):
            return False
    mapping = {j: _nearest(primary_xs, part_xs[j]) for j in kept}
    if len(set(mapping.values())) != len(mapping):
        return False
    offset = len(table.rows)
    head = [_row_key(row) for row in table.rows[:HEADER_ROWS_MAX]]
    full_rows: list[list[GridCell]] = []
    for row in grid:
        full = [GridCell("", page_no, (primary_xs[k], row[0].bbox[1], primary_xs[k], row[0].bbox[3]))
                for k in range(table.column_count)]
        for j, cell in enumerate(row):
            if j not in mapping:
                continue
            if cell.covered_by is not None:
                oi, oj = cell.covered_by
                cell.covered_by = (oi, mapping[oj]) if oi >= 0 and oj in mapping else None
            full[mapping[j]] = cell
        full_rows.append(full)
    drop, above, overprinted = _header_rows(full_rows, head)
    kept_rows = [i for i in range(len(full_rows)) if i not in drop]
    new_index = {i: offset + n for n, i in enumerate(kept_rows)}
    mapped_rows = []
    for i in kept_rows:
        for cell in full_rows[i]:
            if cell.covered_by is not None:
                oi, oj = cell.covered_by
                cell.covered_by = (new_index[oi], oj) if oi in new_index else None
        mapped_rows.append(full_rows[i])
    dropped = len(drop) - len(above)
    if drop:
        table.events.append(("header_repeated", f"{dropped} header row(s) printed again on page {page_no} were skipped"
                             + (f"; text of merged cells drawn over or above them (copies of text read from the cells "
                                f"themselves): {' | '.join(above + overprinted)[:600]}" if above or overprinted else ""),
                             page_no))
    if caption:
        table.events.append(("continuation_caption", f"text above the continuation on page {page_no}: {' '.join(caption)[:120]}", page_no))
    table.rows += mapped_rows
    table.pages.append(page_no)
    return True


def _header_rows(rows: list[list[GridCell]], head: list[tuple[str, ...]]) -> tuple[set[int], list[str], list[str]]:
    """The leading rows of a continuation part that repeat the table's header, ``(indices, texts above, overprints)``.

    The repeated header is looked for in the part's first rows: consecutive rows from the first one
    that :func:`_repeated_header` accepts. Rows before it (cells drawn above the page's header, at or
    beyond the page's top: copies of a cut cell's text, step 7) are dropped with it; their texts
    are returned for the event. No repeated header: nothing is dropped.
    """
    for start in range(min(len(rows), 2)):
        found: list[int] = []
        overprinted: list[str] = []
        for i in range(start, min(len(rows), start + HEADER_ROWS_MAX)):
            extra = _repeated_header(rows[i], head)
            if extra is None:
                break
            found.append(i)
            overprinted += extra
        if found:
            above = [" ".join(c.text for c in rows[i] if c.is_origin and c.text) for i in range(start)]
            return set(range(start)) | set(found), [t for t in above if t], overprinted
    return set(), [], []


def _repeated_header(row: list[GridCell], head: list[tuple[str, ...]]) -> list[str] | None:
    """``None`` unless ``row`` repeats one of the table's first rows; else the texts drawn over it.

    A row repeats a header row when it equals it, or when every header cell's characters are among
    the row cell's characters (as a multiset) and at least one cell is equal: the extra characters
    are a merged cell's text drawn over the header on a page that cuts the cell (step 7). Returns
    the cell texts holding extra characters (empty list for an exact repeat).
    """
    key = _row_key(row)
    if key in head:
        return []
    for header in head:
        if len(header) != len(key) or not any(h and h == k for h, k in zip(header, key)):
            continue
        if all(_contains_chars(k, h) for h, k in zip(header, key)):
            return [k for h, k in zip(header, key) if k != h]
    return None


def _contains_chars(text: str, part: str) -> bool:
    """True when every non-space character of ``part`` occurs in ``text`` at least as often."""
    have = Counter("".join(text.split()))
    return all(have[c] >= n for c, n in Counter("".join(part.split())).items())


def _nearest(xs: list[float], x: float) -> int:
    k = bisect_left(xs, x)
    candidates = [c for c in (k - 1, k) if 0 <= c < len(xs)]
    return min(candidates, key=lambda c: abs(xs[c] - x))


def _row_key(row: list[GridCell]) -> tuple[str, ...]:
    return tuple(cell.text for cell in row)


def _text_lines(page, top: float, bottom: float, exclude: set[int] | None = None) -> list[str]:
    """Text lines of the characters whose vertical centre lies in ``top``–``bottom`` (empty lines dropped).

    By centre, like pdfplumber's cell text, so a character of a table's last
    row that overhangs the bottom rule stays in its cell and is not read again here.
    Characters whose ``id`` is in ``exclude`` (read into a cut cell, step 7) are left out.
    """
    if bottom - top < 1:
        return []
    exclude = exclude or set()
    strip = page.filter(lambda obj: obj.get("object_type") == "char" and top <= (obj["top"] + obj["bottom"]) / 2 < bottom
                        and id(obj) not in exclude)
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


def cut_lines(page) -> list[dict]:
    """Rules closing the page's tables where the page cuts them (step 7), as pdfplumber line objects.

    Wherever two or more vertical rules (at different x) end at one height without meeting a
    horizontal rule, without a vertical rule continuing them and with no other rule at their x
    beyond that end (a drawn grid has no such ends but where something cuts it), a horizontal line
    across each gap between neighbouring vertical rules at that height that one of them ends openly
    and no horizontal rule covers (a column whose two rules go on past the cut stays open). Rules are edges of at least :data:`MIN_RULE_LENGTH` points. Returns ``[]``
    for a page whose tables are closed (the usual case: nothing changes for it).
    """
    edges = page.edges
    verticals = [e for e in edges if e["orientation"] == "v" and e["height"] >= MIN_RULE_LENGTH]
    horizontals = [e for e in edges if e["orientation"] == "h" and e["width"] >= MIN_RULE_LENGTH]
    if not verticals:
        return []
    ends: dict[tuple[str, int], list[float]] = {}
    by_height = _by_height(horizontals)
    by_x = _by_x(verticals)
    for e in verticals:
        near = by_x[math.floor(e["x0"])]  # every other rule within EDGE_TOLERANCE of its x, in page order
        for side in ("top", "bottom"):
            if (not _meets_horizontal(e["x0"], e[side], by_height) and not _continued(e, side, near)
                    and not _ruled_beyond(e, side, near)):
                ends.setdefault((side, round(e[side])), []).append(e["x0"])
    lines = []
    for (side, y), xs in sorted(ends.items(), key=lambda item: item[0][1]):
        if len({round(x) for x in xs}) < 2:
            continue
        # close each gap between neighbouring vertical rules present at y that one of them ends openly,
        # where no horizontal rule runs: a column going on past y (both rules continue) stays open
        present = sorted({round(e["x0"], 1) for e in verticals
                          if e["top"] - EDGE_TOLERANCE <= y <= e["bottom"] + EDGE_TOLERANCE})
        present = [x for k, x in enumerate(present) if k == 0 or x - present[k - 1] > EDGE_TOLERANCE]
        for a, b in zip(present, present[1:]):
            opens = any(abs(x - a) <= EDGE_TOLERANCE or abs(x - b) <= EDGE_TOLERANCE for x in xs)
            if opens and not _ruled_along(a, b, y, by_height.get(math.floor(y), ())):
                lines.append({"object_type": "line", "x0": a, "x1": b, "top": float(y), "bottom": float(y),
                              "width": b - a, "height": 0.0})
    return lines


def _by_height(horizontals) -> dict[int, list[dict]]:
    """Horizontal rules indexed by every whole point of height within :data:`EDGE_TOLERANCE` of them, so a
    rule near a height is found by one lookup (a page of a large table has hundreds of rules)."""
    index: dict[int, list[dict]] = {}
    for h in horizontals:
        for key in range(math.floor(h["top"] - EDGE_TOLERANCE), math.floor(h["top"] + EDGE_TOLERANCE) + 1):
            index.setdefault(key, []).append(h)
    return index


def _by_x(verticals) -> dict[int, list[dict]]:
    """Vertical rules indexed by every whole point of x within :data:`EDGE_TOLERANCE` of them (like
    :func:`_by_height`): the rules at a rule's x, looked for from each end of each rule, are one lookup."""
    index: dict[int, list[dict]] = {}
    for v in verticals:
        for key in range(math.floor(v["x0"] - EDGE_TOLERANCE), math.floor(v["x0"] + EDGE_TOLERANCE) + 1):
            index.setdefault(key, []).append(v)
    return index


def _meets_horizontal(x: float, y: float, by_height: dict[int, list[dict]]) -> bool:
    return any(abs(h["top"] - y) <= EDGE_TOLERANCE and h["x0"] - EDGE_TOLERANCE <= x <= h["x1"] + EDGE_TOLERANCE
               for h in by_height.get(math.floor(y), ()))


def _ruled_beyond(edge, side: str, verticals) -> bool:
    """True when the page has another vertical rule at ``edge``'s x beyond its ``side`` end (below a
    bottom end, above a top end): the rule stops inside the page's drawing (a title frame), not at a cut."""
    for other in verticals:
        if other is edge or abs(other["x0"] - edge["x0"]) > EDGE_TOLERANCE:
            continue
        if (side == "bottom" and other["top"] > edge["bottom"]) or (side == "top" and other["bottom"] < edge["top"]):
            return True
    return False


def _continued(edge, side: str, verticals) -> bool:
    """True when another vertical rule at the same x goes on beyond ``edge``'s ``side`` end."""
    y = edge[side]
    for other in verticals:
        if other is edge or abs(other["x0"] - edge["x0"]) > EDGE_TOLERANCE:
            continue
        if side == "top" and other["top"] < y - EDGE_TOLERANCE and other["bottom"] >= y - EDGE_TOLERANCE:
            return True
        if side == "bottom" and other["bottom"] > y + EDGE_TOLERANCE and other["top"] <= y + EDGE_TOLERANCE:
            return True
    return False


def _cut_cell_texts(page, found_table, cuts: list[dict]) -> dict[tuple, tuple[str, str, list[dict]]]:
    """The cells of ``found_table`` cut by the page (step 7): bbox → ``(side, text, chars)``.

    A cell is cut on a side when that side lies on a cut line and no drawn horizontal rule runs
    along it. Its characters are those whose centre lies in its column (between its left and right
    rules) and in the cell or beyond the cut side — also above or below the page — except those
    inside another cell of the table; the text is pdfplumber's :func:`extract_text` of them.
    """
    by_height = _by_height([e for e in page.edges if e["orientation"] == "h" and e["width"] >= MIN_RULE_LENGTH])
    others = found_table.cells
    index = CellIndex(others)
    visible = None
    out: dict[tuple, tuple[str, str, list[dict]]] = {}
    for cell in others:
        x0, top, x1, bottom = cell
        sides = [side for side, y in (("top", top), ("bottom", bottom))
                 if _ruled_along(x0, x1, y, cuts) and not _ruled_along(x0, x1, y, by_height.get(math.floor(y), ()))]
        if not sides:
            continue
        side = sides[0] if len(sides) == 1 else "both"
        low = float("-inf") if side in ("top", "both") else top
        high = float("inf") if side in ("bottom", "both") else bottom
        if visible is None:  # the page's non-space characters, looked at only once a cut cell is found
            visible = _non_space(page.chars)
        chars = [c for c in visible if x0 <= (c["x0"] + c["x1"]) / 2 <= x1
                 and low <= (c["top"] + c["bottom"]) / 2 <= high
                 and not any(other is not cell for other in index.containing(c))]
        out[tuple(cell)] = (side, extract_text(chars) if chars else "", chars)
    return out


def _ruled_along(x0: float, x1: float, y: float, horizontals) -> bool:
    """True when horizontal rules (drawn, or cut lines) at ``y`` cover at least half of ``x0``–``x1``.
    ``horizontals`` may be all rules or only those near ``y`` (:func:`_by_height`): the same rules count."""
    covered = sum(max(0.0, min(h["x1"], x1) - max(h["x0"], x0)) for h in horizontals if abs(h["top"] - y) <= EDGE_TOLERANCE)
    return covered >= (x1 - x0) / 2


def _join_cut_cells(table: GridTable, page_no: int) -> None:
    """Join the cells cut by a page break in the rows of ``page_no`` (step 7).

    A cell of these rows that is cut at the top, or the first row's cell of a continuation part
    (closed by a repeated header's rule), whose column's nearest drawn cell above is cut at the
    bottom, is that cell: it and the positions it spans are marked covered by it. Its text must be
    the former's (cut at the top: a whole copy) or a part of it (under a header: the characters of
    the copy inside the cell) or empty (no copy drawn there), else a ``cut_cell_copies_differ`` event
    keeps both (the first is read).
    """
    first = next((i for i, row in enumerate(table.rows) if row and row[0].page == page_no), None)
    if first is None or first == 0:
        return
    remap: dict[tuple[int, int], tuple[int, int]] = {}
    for i in range(first, len(table.rows)):
        for k, cell in enumerate(table.rows[i]):
            if not cell.is_origin or not (cell.cut in ("top", "both") or i == first):
                continue
            origin_at = _text_above(table, i, k, remap)
            if origin_at is None:
                continue
            origin = table.rows[origin_at[0]][origin_at[1]]
            if origin.cut not in ("bottom", "both") or origin_at[1] != k:
                continue
            # cut at the top too: a whole copy; under a repeated header: the part of the copy inside the cell
            same = not cell.text or (cell.text == origin.text if cell.cut in ("top", "both")
                                     else _contains_chars(origin.text, cell.text))
            if not same:
                table.events.append(("cut_cell_copies_differ",
                                     f"column {k + 1}: the cell cut by the page break reads {origin.text[:150]!r} on page "
                                     f"{origin.page} and {cell.text[:150]!r} on page {cell.page}; the first is kept", cell.page))
            remap[(i, k)] = origin_at
    if not remap:
        return
    for i, row in enumerate(table.rows[first:], start=first):
        for j, cell in enumerate(row):
            key = (i, j) if cell.is_origin else cell.covered_by
            if key in remap:
                target = remap[key]
                cell.covered_by = target
                cell.text = table.rows[target[0]][target[1]].text


def _text_above(table: GridTable, i: int, k: int, remap: dict) -> tuple[int, int] | None:
    """``(row, col)`` of the origin of the nearest drawn cell above row ``i`` in column ``k`` (positions
    where the grid has no cell, zero-width fillers, are passed over), else ``None``."""
    for r in range(i - 1, -1, -1):
        cell = table.rows[r][k]
        if cell.is_origin and cell.bbox[0] == cell.bbox[2] and (r, k) not in remap:
            continue
        at = remap.get((r, k)) or (cell.covered_by if cell.covered_by is not None else (r, k))
        return at if at[0] >= 0 else None
    return None