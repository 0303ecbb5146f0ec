"""Text frames drawn inside ruled cells (step 3b of :mod:`.pdf`): the strips a few points wide they cut out
of a cell are no columns or rows of the table.
"""

from __future__ import annotations

from bisect import bisect_left

from pdfplumber.table import Table


def snap_frame_strips(page, found_table):
    """The table with the strips of its text frames removed (step 3b), else the table itself.

    Some producers (a Word table exported cell by cell) draw a frame around each cell's text inside the
    ruled cell: pdfplumber then finds strips a few points wide or high beside every text (columns at
    x 85–90, 196–203 of a cell 85–203) and a value drawn a little lower than its row's label becomes a
    row of its own (``204 公共安全支出`` above ``16,444.36``). A boundary that closes such a strip
    (narrower than :data:`FRAME_STRIP` points) and is drawn in fewer than half of the table's rows
    (columns, for a horizontal boundary) is no rule of the table: every cell is snapped to the rules
    kept, and cells that become the same are one (pdfplumber's ``Table`` of the snapped cells reads
    their text). A table without such strips is returned unchanged.
    """
    cells = [tuple(cell) for cell in found_table.cells]
    bounds = {c[0] for c in cells} | {c[2] for c in cells}
    if not any(b - a < FRAME_STRIP for a, b in zip(sorted(bounds), sorted(bounds)[1:])):
        return found_table  # the usual case: no strip, nothing to look at
    x0, top, x1, bottom = found_table.bbox
    chars = [c for c in page.chars if c["text"].strip() and x0 <= (c["x0"] + c["x1"]) / 2 <= x1
             and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
    xs = _weak_boundaries(cells, 0, 2, 1, [(c["x0"] + c["x1"]) / 2 for c in chars])
    if xs:  # columns first; the rows' boundaries are then counted across the columns kept
        keep_x = sorted(({c[0] for c in cells} | {c[2] for c in cells}) - xs)
        cells = _unique([(_snap_down(keep_x, c[0]), c[1], _snap_up(keep_x, c[2]), c[3]) for c in cells])
    ys = _weak_boundaries(cells, 1, 3, 0, [(c["top"] + c["bottom"]) / 2 for c in chars])
    if ys:
        keep_y = sorted(({c[1] for c in cells} | {c[3] for c in cells}) - ys)
        cells = _unique([(c[0], _snap_down(keep_y, c[1]), c[2], _snap_up(keep_y, c[3])) for c in cells])
    return Table(page, cells) if xs or ys else found_table


def _unique(boxes: list[tuple]) -> list[tuple]:
    """The boxes of positive size, each once, in their order."""
    out: list[tuple] = []
    for box in boxes:
        if box[0] < box[2] and box[1] < box[3] and box not in out:
            out.append(box)
    return out


#: Strips of a text frame inside a ruled cell are narrower than this (points).
FRAME_STRIP = 8.0


def _weak_boundaries(cells: list[tuple], lo: int, hi: int, across: int, centres: list[float]) -> set[float]:
    """Boundaries (x for ``lo, hi = 0, 2``; y for ``1, 3``) that close a band narrower than
    :data:`FRAME_STRIP` holding no character (``centres``: the characters' centres on that axis), are
    drawn in fewer than half of the bands across (rows for x) and run inside a cell of the table that
    spans them (the ruled cell around a text frame; an empty margin column at the table's edge stays)."""
    bounds = sorted({c[lo] for c in cells} | {c[hi] for c in cells})
    if len(bounds) < 3:
        return set()
    outer = (bounds[0], bounds[-1])
    lines = {c[across] for c in cells}
    weak = set()
    for a, b in zip(bounds, bounds[1:]):
        if b - a >= FRAME_STRIP or any(a < centre < b for centre in centres):
            continue
        for bound in (a, b):
            if bound in outer:
                continue
            drawn = {c[across] for c in cells if c[lo] == bound or c[hi] == bound}
            spanned = any(c[lo] < bound < c[hi] for c in cells)  # a ruled cell around the frame runs across it
            if spanned and len(drawn) * 2 < len(lines):
                weak.add(bound)
    return weak


def _snap_down(bounds: list[float], value: float) -> float:
    """The largest boundary at or below ``value``."""
    k = bisect_left(bounds, value + 1e-6)
    return bounds[max(k - 1, 0)]


def _snap_up(bounds: list[float], value: float) -> float:
    """The smallest boundary at or above ``value``."""
    k = bisect_left(bounds, value - 1e-6)
    return bounds[min(k, len(bounds) - 1)]
