"""Column geometry of a table ruled with horizontal lines (the 项目支出绩效目标表 band reader's columns).

Pure pdfplumber geometry, no budget words: the table's rules, one band of x per header label
tiling the table's width, and per-column character conservation. The reader that names the
columns is :mod:`orchestration.parsing.readers.project_targets_pdf` (steps 2, 4 and 10 of its docstring).
Points, origin top-left.
"""

from __future__ import annotations

import bisect
import statistics
from dataclasses import dataclass, field

from ..records import ParseEvent

#: Edges closer than this (points) are one rule.
RULE_TOLERANCE = 1.0
#: A rule must cover this share of the widest rule of the page.
RULE_MIN_COVERAGE = 0.5


@dataclass
class ColumnBands:
    """The columns of the table: one band (x-range, points) per header label, the bands tiling the table's width.

    ``boundaries`` are the inner edges (``len(keys) - 1``), read from vertical rules, else from the
    header cells, else (last resort) guessed from the text's gaps (:func:`column_bands`); ``left`` and
    ``right`` are the table's outer edges (the ends of its horizontal rules).
    """

    keys: list[str | None]
    boundaries: list[float]  # inner boundaries, len(keys) - 1
    labels: list[str]  # the header labels as printed (white space removed)
    left: float
    right: float

    def index(self, x: float) -> int:
        """Index of the column whose band holds ``x`` (the first and last band reach past the table's edges)."""
        return bisect.bisect_right(self.boundaries, x)

    def band(self, index: int) -> tuple[float, float]:
        """``(x0, x1)`` of column ``index``."""
        edges = [self.left, *self.boundaries, self.right]
        return edges[index], edges[index + 1]


@dataclass
class Label:
    """One header label: its column key (``None``: a column this reader does not read), text and extent."""

    key: str | None
    text: str
    x0: float
    x1: float
    chars: list[dict] = field(default_factory=list)

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2



def horizontal_rules(page) -> tuple[list[float], float, float]:
    """Heights (top) of the table rules of a page, and the table's left and right x."""
    edges = sorted(page.horizontal_edges, key=lambda e: e["top"])
    clusters: list[list[dict]] = []
    for edge in edges:
        if clusters and edge["top"] - clusters[-1][0]["top"] <= RULE_TOLERANCE:
            clusters[-1].append(edge)
        else:
            clusters.append([edge])
    if not clusters:
        return [], 0.0, 0.0
    coverage = [covered_length([(e["x0"], e["x1"]) for e in cluster]) for cluster in clusters]
    widest = max(coverage)
    kept = [cl for cl, cov in zip(clusters, coverage) if cov >= RULE_MIN_COVERAGE * widest and cov > 0]
    left = min(e["x0"] for cl in kept for e in cl)
    right = max(e["x1"] for cl in kept for e in cl)
    return [statistics.fmean(e["top"] for e in cl) for cl in kept], left, right


def covered_length(intervals: list[tuple[float, float]]) -> float:
    total, end = 0.0, float("-inf")
    for a, b in sorted(intervals):
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total


def column_bands(labels: list[Label], body: list[dict], page, table: tuple[float, float, float, float], page_no: int,
                 events: list[ParseEvent]) -> ColumnBands:
    """The column bands of the table from its header row (step 4 of :mod:`orchestration.parsing.readers.project_targets_pdf`).

    ``table`` is ``(left, top, right, bottom)`` of the header row: the table's outer edges (the
    ends of its horizontal rules) and the rules above and below the header. Each boundary
    between two neighbouring labels is, in this order: a vertical rule crossing the header
    between them; else the edge of the header cells, read from the labels: the labels are
    centred in their cells and the cells fill the table, so between two known edges ``e0`` and
    ``en`` every cell's far edge is ``2 × centre − near edge`` (:func:`_centred_edges`: chained
    from both ends, the two chains must meet within ``CENTRED_TOLERANCE`` characters, the
    table's own arithmetic); else, last resort, the middle of the widest empty strip of the
    page's body text between the two labels (or half-way between them), with a
    ``pdf_column_boundary_guessed`` event naming the boundary.
    """
    left, top, right, bottom = table
    verticals = [e["x0"] for e in page.vertical_edges if e["top"] <= top + 2 and e["bottom"] >= bottom - 2]
    size = statistics.median(c["size"] for label in labels for c in label.chars)
    known: dict[int, float] = {0: left, len(labels): right}  # edge index → x
    for index, (before, after) in enumerate(zip(labels, labels[1:]), start=1):
        rules = sorted(x for x in verticals if before.x1 < x < after.x0)
        if rules:
            known[index] = rules[len(rules) // 2]
    for start, end in zip(sorted(known), sorted(known)[1:]):
        if end - start < 2:
            continue
        edges = centred_edges(labels[start:end], known[start], known[end], size)
        for index in range(start + 1, end):
            known[index] = (edges[index - start - 1] if edges is not None
                            else gap_boundary(labels[index - 1], labels[index], body, page_no, events))
    return ColumnBands([label.key for label in labels], [known[index] for index in range(1, len(labels))],
                       [label.text for label in labels], left, right)


#: The two chains of centred header cells must meet within this many characters (× size).
CENTRED_TOLERANCE = 0.5


def centred_edges(labels: list[Label], start: float, end: float, size: float) -> list[float] | None:
    """Inner edges of the header cells between the known edges ``start`` and ``end`` (points), or ``None``.

    A header label is centred in its cell, so a cell's far edge is twice the label's centre minus
    its near edge. Chained from ``start`` the last cell must end at ``end`` (and chained from
    ``end`` the first must begin at ``start``) within ``CENTRED_TOLERANCE`` × ``size``; every edge
    found must lie between the two labels it separates. The edges returned are the mean of the two
    chains. ``None`` when the labels are not centred in cells that fill the table (left-aligned
    labels, a label outside its cell): the caller then falls back to the text's gaps.
    """
    forward = [start]
    for label in labels:
        forward.append(2 * label.centre - forward[-1])
    if abs(forward[-1] - end) > CENTRED_TOLERANCE * size:
        return None
    backward = [end]
    for label in reversed(labels):
        backward.append(2 * label.centre - backward[-1])
    backward.reverse()
    edges = [(f + b) / 2 for f, b in zip(forward[1:-1], backward[1:-1])]
    slack = 0.1 * size
    for edge, before, after in zip(edges, labels, labels[1:]):
        if not before.x1 - slack <= edge <= after.x0 + slack:
            return None
    return edges


def gap_boundary(before: Label, after: Label, body: list[dict], page_no: int, events: list[ParseEvent]) -> float:
    """Last resort: the middle of the widest strip between two labels that no body character touches
    (half-way between the labels when there is none), reported as ``pdf_column_boundary_guessed``."""
    a, b = before.x1, after.x0
    gap = widest_free_strip([(c["x0"], c["x1"]) for c in body if c["x1"] > a and c["x0"] < b], a, b)
    if gap is None:
        boundary, how = (a + b) / 2, "no empty strip between their texts: put half-way between the labels"
    else:
        boundary, how = (gap[0] + gap[1]) / 2, f"the middle of the empty strip x {gap[0]:.1f}–{gap[1]:.1f}"
    events.append(ParseEvent(
        "pdf_column_boundary_guessed",
        f"page {page_no}: no vertical rule between {before.text} and {after.text} and the header labels are not "
        f"centred in cells filling the table; boundary at x {boundary:.1f}, {how}", source_page=page_no))
    return boundary


def widest_free_strip(intervals, a: float, b: float) -> tuple[float, float] | None:
    """Widest sub-interval of (a, b) that no interval touches, or ``None``."""
    best, cursor = None, a
    for x0, x1 in sorted(intervals):
        if x0 > cursor and (best is None or x0 - cursor > best[1] - best[0]):
            best = (cursor, min(x0, b))
        cursor = max(cursor, x1)
    if b > cursor and (best is None or b - cursor > best[1] - best[0]):
        best = (cursor, b)
    return best


def chars_by_column(chars: list[dict], columns: ColumnBands) -> dict[int, list[dict]]:
    """The characters of one band grouped by the column whose band holds each one's horizontal centre.

    Character by character, never a whole word or line by where it starts: a wrapped line of the
    绩效指标 cell that begins right at the boundary (``22-…``) stays in its column.
    """
    by_column: dict[int, list[dict]] = {}
    for c in chars:
        by_column.setdefault(columns.index((c["x0"] + c["x1"]) / 2), []).append(c)
    return by_column


def conserve_columns(page_no: int, columns: ColumnBands, region_chars: list[dict], held: list[list[dict]],
                     read: list[int], reported: list[dict],
                     events: list[ParseEvent]) -> list[tuple[int, str, int, int, int]]:
    """Per-column character conservation of one page (step 10 of :mod:`orchestration.parsing.readers.project_targets_pdf`).

    A character belongs to the column whose band (``columns``) holds its horizontal centre. For
    each column: the non-space characters of ``region_chars`` (the table's region on the page) in
    its band must equal the non-space characters read into its cells' text (``read[i]``: header
    label and body cells) plus those of ``reported`` (characters reported in other events, such as
    an overprint read once) in its band; and no character its cells hold (``held[i]``) may lie in
    another column's band. A column where either fails gets a ``column_chars_not_conserved`` event
    naming the page, the column, its band and the characters of other bands its cells hold (the
    first characters of wrapped 绩效指标 lines read into the 绩效目标 cell, say): the page's total
    can balance while a column does not.

    Returns one ``(page_no, label, region, in_cells, reported)`` per column, left to right;
    ``label`` is the column's header label as printed (white space removed).
    """
    count = len(columns.keys)
    in_band, reported_in_band = [0] * count, [0] * count
    for c in region_chars:
        in_band[columns.index((c["x0"] + c["x1"]) / 2)] += 1
    for c in reported:
        if c["text"].strip():
            reported_in_band[columns.index((c["x0"] + c["x1"]) / 2)] += 1
    counts = []
    for index in range(count):
        label = columns.labels[index]
        strays = sorted((c for c in held[index] if c["text"].strip()
                         and columns.index((c["x0"] + c["x1"]) / 2) != index),
                        key=lambda c: (round(c["top"]), c["x0"]))
        difference = in_band[index] - read[index] - reported_in_band[index]
        if difference or strays:
            x0, x1 = columns.band(index)
            detail = (f"page {page_no}: column {label} (x {x0:.0f}–{x1:.0f}): {in_band[index]} character(s) in its "
                      f"band, {read[index]} in its cells and {reported_in_band[index]} reported ({difference:+d})")
            if strays:
                detail += (f"; its cells hold {len(strays)} character(s) of other columns' bands (first at x "
                           f"{strays[0]['x0']:.0f}, y {strays[0]['top']:.0f}): "
                           f"{''.join(c['text'] for c in strays)[:300]!r}")
            events.append(ParseEvent("column_chars_not_conserved", detail, source_page=page_no))
        counts.append((page_no, label, in_band[index], read[index], reported_in_band[index]))
    return counts
