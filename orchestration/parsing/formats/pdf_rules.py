"""Tables ruled with horizontal lines only: columns from the header labels, cells by pdfplumber.

A table printed with horizontal borders only (a Word or Excel table whose vertical
borders are off) has no vertical edge, so pdfplumber's lines strategy finds no
cell in it. This module gives pdfplumber the vertical lines the drawing lacks, as
``explicit_vertical_lines`` with the page's horizontal rules (``horizontal_strategy
"lines"``), and lets :meth:`pdfplumber.page.Page.find_tables` form the cells:

1. **rules**: the horizontal edges of the page outside the tables already found;
   with at least :data:`MIN_RULES` distinct rows they make a region (their box) and
   its bands (between two consecutive rule positions);
2. **header band**: the first band whose label texts (characters grouped into runs
   that overlap horizontally) satisfy the caller's ``is_header`` (the grid reader's
   rule: level labels and a value column); on a page without one (a continuation
   page), the column strips of the previous page stay in force; else no table;
3. **column boundaries**, decided by the header's labels, never by coordinates:
   one between two neighbouring labels, and one before the first label (after the
   last) only when characters lie wholly in that margin (a column whose header cell
   is blank or covered by a cell spanning from above). Where it lies: at the end of
   a rule inside that strip (a rule broken by a cell spanning rows ends exactly on
   a column edge), else in the middle of the strip where the fewest characters of
   the other bands lie;
4. **vertical segments**: in each band, one at every boundary that no line of text
   crosses (a text running across a boundary is one cell spanning columns), plus the
   region's left and right edges. A rule that stops at a cell spanning rows leaves
   that cell whole, as in a full grid.

Character conservation holds as for any table: the cells tile the region, and
:func:`.pdf.conserve_chars` counts them.
"""

from __future__ import annotations

from dataclasses import dataclass

#: A region needs this many distinct horizontal rules (a header band and one body band).
MIN_RULES = 3
#: Rules shorter than this (points) are underlines or marks, not table rules.
MIN_RULE_LENGTH = 40.0
#: Two rules closer than this (points) are one.
RULE_TOLERANCE = 1.5
#: Characters of one label (spaces included) are at most this many font sizes apart.
LABEL_GAP_EM = 0.3


@dataclass
class Run:
    """Characters whose horizontal extents overlap or nearly touch: one label, its text in reading order."""

    x0: float
    x1: float
    chars: list[dict]

    @property
    def text(self) -> str:
        """The run's characters in reading order (line by line, left to right)."""
        ordered = sorted(self.chars, key=lambda c: (round(c["top"]), c["x0"]))
        return "".join(c["text"] for c in ordered).strip()


def rules_only_tables(page, taken: list[tuple], is_header, columns_in_force: list[tuple[float, float]] | None):
    """Tables of ``page`` drawn with horizontal rules only (module steps).

    ``taken`` are the boxes of tables already found (their rules are not looked at);
    ``is_header(texts) -> bool`` recognises the header band; ``columns_in_force`` are
    the boundary strips of a rules-only table on the previous page (used when no band is a
    header). Returns ``(tables, zones)``: pdfplumber ``Table`` objects (empty when
    no region has a header) and the strips where the column boundaries lie (the
    columns in force for the next page), ``None`` when none.
    """
    rules = horizontal_rules(page, taken)
    ys = rule_positions(rules)
    if len(ys) < MIN_RULES:
        return [], None
    left, right = min(e["x0"] for e in rules), max(e["x1"] for e in rules)
    chars = [c for c in page.chars if left <= _mid_x(c) <= right and ys[0] <= _mid_y(c) <= ys[-1]]
    bands = list(zip(ys, ys[1:]))
    header = next((k for k, band in enumerate(bands) if is_header([r.text for r in label_runs(_in_band(chars, band))])),
                  None)
    others = _visible([c for c in chars if header is None or not ys[header] <= _mid_y(c) <= ys[header + 1]])
    if header is not None:
        zones = column_zones(label_runs(_in_band(chars, bands[header])), others, left, right)
    elif columns_in_force:
        zones = [(lo, hi) for lo, hi in columns_in_force if left < lo and hi < right]
    else:
        return [], None
    ends = [x for e in rules for x in (e["x0"], e["x1"]) if left + 2 < x < right - 2]
    segments = vertical_segments(bands, chars, [place_boundary(zone, others, ends) for zone in zones], left, right)
    settings = {"vertical_strategy": "explicit", "explicit_vertical_lines": segments, "horizontal_strategy": "lines"}
    tables = [t for t in page.find_tables(settings) if t.bbox[0] >= left - 2 and t.bbox[2] <= right + 2]
    return tables, zones


def horizontal_rules(page, taken: list[tuple]) -> list[dict]:
    """pdfplumber's horizontal edges of ``page`` at least :data:`MIN_RULE_LENGTH` long, outside the ``taken`` boxes."""
    def inside(edge, box):
        return box[0] - 2 <= edge["x0"] and edge["x1"] <= box[2] + 2 and box[1] - 2 <= edge["top"] <= box[3] + 2

    return [e for e in page.horizontal_edges
            if e["x1"] - e["x0"] >= MIN_RULE_LENGTH and not any(inside(e, box) for box in taken)]


def rule_positions(rules: list[dict]) -> list[float]:
    """Distinct vertical positions of ``rules``, top to bottom (rules within :data:`RULE_TOLERANCE` are one)."""
    ys: list[float] = []
    for y in sorted(e["top"] for e in rules):
        if not ys or y - ys[-1] > RULE_TOLERANCE:
            ys.append(y)
    return ys


def label_runs(chars: list[dict]) -> list[Run]:
    """Characters grouped into runs whose horizontal extents overlap (gap under :data:`LABEL_GAP_EM`
    font sizes; a space inside a label joins its words), left to right: the labels of a header band.
    Runs of spaces only are dropped."""
    runs: list[Run] = []
    for char in sorted(chars, key=lambda c: c["x0"]):
        gap = LABEL_GAP_EM * char.get("size", 8)
        if runs and char["x0"] <= runs[-1].x1 + gap:
            runs[-1].x1 = max(runs[-1].x1, char["x1"])
            runs[-1].chars.append(char)
        else:
            runs.append(Run(char["x0"], char["x1"], [char]))
    return [run for run in runs if run.text]


def column_zones(labels: list[Run], others: list[dict], left: float, right: float) -> list[tuple[float, float]]:
    """The strips where a column boundary lies (module step 3): between neighbouring header ``labels``,
    and in a margin before the first / after the last where characters of the other bands lie wholly."""
    zones = [(a.x1, b.x0) for a, b in zip(labels, labels[1:])]
    if labels:
        before = [c for c in others if c["x0"] >= left and c["x1"] <= labels[0].x0]
        if before:
            zones.insert(0, (max(c["x1"] for c in before), labels[0].x0))
        after = [c for c in others if c["x0"] >= labels[-1].x1 and c["x1"] <= right]
        if after:
            zones.append((labels[-1].x1, min(c["x0"] for c in after)))
    return zones


def place_boundary(zone: tuple[float, float], others: list[dict], rule_ends: list[float]) -> float:
    """Where a boundary lies in its ``zone``: the end of a rule there (the most rules ending at it), else
    the middle of the strip the fewest characters cover (:func:`emptiest_x`)."""
    lo, hi = zone
    inside = [x for x in rule_ends if lo <= x <= hi]
    if inside:
        return max(inside, key=lambda x: (sum(abs(y - x) < 1 for y in rule_ends), -x))
    return emptiest_x(lo, hi, others)


def emptiest_x(lo: float, hi: float, chars: list[dict], step: float = 0.25) -> float:
    """The middle of the longest strip of ``lo``–``hi`` that the fewest ``chars`` cover."""
    if hi - lo <= step:
        return (lo + hi) / 2
    xs = [lo + step * k for k in range(int((hi - lo) / step) + 1)]
    near = [c for c in chars if c["x0"] < hi and c["x1"] > lo]
    cover = [sum(1 for c in near if c["x0"] < x < c["x1"]) for x in xs]
    least = min(cover)
    best, start = (0, 0), None
    for k, n in enumerate(cover + [least + 1]):
        if n == least and start is None:
            start = k
        elif n != least and start is not None:
            best = max(best, (k - start, start))
            start = None
    length, first = best
    return xs[first + (length - 1) // 2] if length % 2 else (xs[first + length // 2 - 1] + xs[first + length // 2]) / 2


def vertical_segments(bands, chars: list[dict], boundaries: list[float], left: float, right: float) -> list[dict]:
    """Explicit vertical edges for pdfplumber: the region's sides, and per band each boundary no text crosses."""
    top, bottom = bands[0][0], bands[-1][1]
    segments = [_edge(left, top, bottom), _edge(right, top, bottom)]
    for band in bands:
        inside = _in_band(chars, band)
        segments += [_edge(x, band[0], band[1]) for x in boundaries if not crosses(inside, x)]
    return segments


def crosses(chars: list[dict], x: float) -> bool:
    """True when a line of text runs across ``x``: a character over it, or two neighbours on one line on
    either side of it closer than half a font size (spaces included)."""
    if any(c["x0"] + 0.1 < x < c["x1"] - 0.1 for c in chars):
        return True
    lines: dict[int, list[dict]] = {}
    for c in chars:
        lines.setdefault(round(c["top"]), []).append(c)
    for line in lines.values():
        line.sort(key=lambda c: c["x0"])
        for a, b in zip(line, line[1:]):
            if a["x1"] <= x <= b["x0"] and b["x0"] - a["x1"] < 0.5 * a.get("size", 8):
                return True
    return False


def _edge(x: float, top: float, bottom: float) -> dict:
    return {"object_type": "explicit_edge", "orientation": "v", "x0": x, "x1": x, "top": top, "bottom": bottom,
            "width": 0.0, "height": bottom - top}


def _in_band(chars: list[dict], band) -> list[dict]:
    return [c for c in chars if band[0] <= _mid_y(c) < band[1]]


def _visible(chars: list[dict]) -> list[dict]:
    return [c for c in chars if c["text"].strip()]


def _mid_x(char: dict) -> float:
    return (char["x0"] + char["x1"]) / 2


def _mid_y(char: dict) -> float:
    return (char["top"] + char["bottom"]) / 2
