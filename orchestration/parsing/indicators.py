"""Parse a project's 绩效指标 cell into :class:`PerformanceIndicator` records.

Document rule (项目支出绩效目标表, column 绩效指标): the cell is a numbered
list, each item written as::

    N、<一级代码>-<一级指标>；<二级代码>-<二级指标>；<三级指标>；实施周期指标值:<X>；年度指标值:<Y>。

e.g. ``1、1-产出指标；11-数量指标；文化活动场次；实施周期指标值:不少于4场；年度指标值:不少于4场。``

Tolerated quirks seen in the published extracts:

- the text wraps anywhere, also inside ``实施周期指标值`` or between ``7`` and
  ``、`` — callers pass a :class:`JoinedText` (lines joined without spaces);
- ``：`` or ``:`` or no colon at all after the labels (``实施周期指标值≥8个``);
- the spelling of another department or year: ``1.1－产出指标，11－数量指标，…`` (``.`` after
  the item number, a full-width dash, commas between the parts), codes spaced out by
  justification (``4  1  -  经    济 成本指标``);
- spaces from PDF justification (``达到 2.4万人次``), see ``normalise_spaces``;
- an indicator name that itself ends with ``。`` (``打造高水平两新组织书记队伍。；``)
  or with a doubled ``；；``;
- a value that contains ``；`` (the annual label, not ``；``, ends the period value);
- numbering that restarts at ``1、`` inside one cell: items are renumbered
  1..n (``seq``), the printed number is kept (``seq_as_written``), the item is
  flagged ``renumbered`` and an ``indicator_renumbered`` event is emitted.

Decision: trailing ``。``/``；`` are removed from the indicator name and from both
targets (``打造高水平两新组织书记队伍。`` → ``打造高水平两新组织书记队伍``); the
item as printed stays in ``raw_text``.

Nothing is dropped: an item whose parts cannot be found keeps its
``raw_text`` and ``None`` in the fields that could not be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .records import ParseEvent, PerformanceIndicator
from .text_common import JoinedText, normalise_spaces
from .vocabulary import CODE_DASH, INDICATOR_ITEM_START, ITEM_PART_SEPARATOR

# A category as printed: code (digits, maybe spaced out by justification: ``4  1``), a dash of any
# width, the name, a separator (``；`` ``;`` or, in some files, ``，``).
_LEVEL = re.compile(
    rf"^\s*(?P<code>\d(?:\s*\d)*)\s*{CODE_DASH}\s*(?P<name>[^；;，,]*?)\s*{ITEM_PART_SEPARATOR}+"
)
_PERIOD_LABEL = re.compile(rf"{ITEM_PART_SEPARATOR}*\s*实施周期指标值\s*[:：]?")
_ANNUAL_LABEL = re.compile(rf"{ITEM_PART_SEPARATOR}*\s*年度指标值\s*[:：]?")
_TRAILING_PUNCT = "。；;，, "


@dataclass
class _ItemSpan:
    """Where one numbered item sits in the joined text."""

    number: int | None  # None: an item whose number was not read (parse_indicator_cell)
    start: int  # offset of the item number
    body_start: int  # offset just after ``N、``
    end: int


def parse_indicator_cell(
    cell: JoinedText, line_no: int, project_label: str
) -> tuple[list[PerformanceIndicator], list[ParseEvent]]:
    """Parse one project's joined 绩效指标 text.

    ``line_no`` is the ``BudgetLine.line_no`` of the project (copied into
    every record); ``project_label`` names the project in event details.

    Returns ``(indicators, events)``; indicators are in source order with
    ``seq`` 1..n. Callers pass the cell starting at its first item; text before
    the first ``N、`` that begins like an item body (a category: ``2-效益指标；``)
    is the first item whose number was not read (an OCR'd cell, where the
    recogniser can miss a ``1、`` against the cell's rule): it is read as an
    unnumbered item (``seq_as_written`` ``None``) with an
    ``indicator_number_missing`` event; other text there is reported in an
    ``indicator_text_before_first_item`` event (nothing dropped silently).
    Never raises on content: unreadable parts become ``None``.
    """
    spans = _find_item_spans(cell.text)
    indicators: list[PerformanceIndicator] = []
    events: list[ParseEvent] = []
    leading = cell.text[:spans[0].start if spans else len(cell.text)]
    if leading.strip() and _LEVEL.match(leading):
        spans.insert(0, _ItemSpan(number=None, start=0, body_start=0, end=spans[0].start if spans else len(cell.text)))
        events.append(ParseEvent("indicator_number_missing", f"{project_label}: the cell's first indicator has no item "
                                 f"number ({leading.strip()[:40]}…): read as item 1", source_line=cell.line_at(0)))
    elif leading.strip():
        events.append(ParseEvent("indicator_text_before_first_item", f"{project_label}: text before the cell's first "
                                 f"numbered indicator, not read as one: {leading.strip()}", source_line=cell.line_at(0)))
    for seq, span in enumerate(spans, start=1):
        raw = cell.text[span.start:span.end].strip()
        body = cell.text[span.body_start:span.end]
        indicator = _parse_item_body(body)
        indicator.line_no = line_no
        indicator.seq = seq
        indicator.seq_as_written = span.number
        indicator.raw_text = raw
        indicator.source_line = cell.line_at(span.start)
        indicator.renumbered = span.number is not None and span.number != seq
        indicators.append(indicator)
    events.extend(_renumbering_events(indicators, project_label))
    return indicators, events


def _find_item_spans(text: str) -> list[_ItemSpan]:
    """Locate every ``N、d-`` item start and cut the text between them.

    The digits before ``、`` can be glued to the previous value when the
    source omits the closing ``。`` (``年度指标值:1002、1-…``); the item number is
    then the shortest trailing digit group that continues the numbering
    (previous + 1) or restarts it (1), and the leading digits stay with the
    previous item.
    """
    spans: list[_ItemSpan] = []
    previous_number = 0
    for match in INDICATOR_ITEM_START.finditer(text):
        digits = match.group(1)
        number, start = _item_number(digits, match.start(1), previous_number)
        if spans:
            spans[-1].end = start
        spans.append(_ItemSpan(number=number, start=start, body_start=match.end(), end=len(text)))
        previous_number = number
    return spans


def _item_number(digits: str, offset: int, previous: int) -> tuple[int, int]:
    """Pick the item number out of ``digits`` found at ``offset`` (see above)."""
    for wanted in (previous + 1, 1):
        suffix = str(wanted)
        if digits == suffix:
            return wanted, offset
        if digits.endswith(suffix):
            return wanted, offset + len(digits) - len(suffix)
    return int(digits), offset


def _parse_item_body(body: str) -> PerformanceIndicator:
    """Split ``1-产出指标；11-数量指标；名称；实施周期指标值:X；年度指标值:Y。``."""
    level1_code = level1_name = level2_code = level2_name = None
    rest = body
    level1 = _LEVEL.match(rest)
    if level1:
        level1_code, level1_name = _category(level1)
        rest = rest[level1.end():]
        level2 = _LEVEL.match(rest)
        if level2:
            level2_code, level2_name = _category(level2)
            rest = rest[level2.end():]
    name, period, annual = _split_name_and_targets(rest)
    return PerformanceIndicator(
        line_no=0,
        seq=0,
        seq_as_written=None,
        level1_code=level1_code,
        level1_name=level1_name or None,
        level2_code=level2_code,
        level2_name=level2_name or None,
        indicator_name=name,
        period_target=period,
        annual_target=annual,
    )


def _category(match: re.Match) -> tuple[str, str]:
    """Code and name of a printed category, white space removed from both: a category name has no
    real space, and justification spaces out both (``4  1  -  经    济 成本指标`` → ``41``, ``经济成本指标``)."""
    return re.sub(r"\s+", "", match.group("code")), re.sub(r"\s+", "", match.group("name"))


def _split_name_and_targets(rest: str) -> tuple[str | None, str | None, str | None]:
    """``名称；实施周期指标值:X；年度指标值:Y。`` → ``(名称, X, Y)``, trailing 。 removed."""
    period_label = _PERIOD_LABEL.search(rest)
    search_from = period_label.end() if period_label else 0
    annual_label = _ANNUAL_LABEL.search(rest, search_from)
    name_end = len(rest)
    if period_label:
        name_end = period_label.start()
    elif annual_label:
        name_end = annual_label.start()
    name = _clean_field(rest[:name_end])
    period = None
    if period_label:
        period_end = annual_label.start() if annual_label else len(rest)
        period = _clean_field(rest[period_label.end():period_end])
    annual = _clean_field(rest[annual_label.end():]) if annual_label else None
    return name, period, annual


def _clean_field(text: str) -> str | None:
    """Normalise spaces and strip trailing ``。``/``；``; empty → ``None``."""
    cleaned = normalise_spaces(text).rstrip(_TRAILING_PUNCT).strip()
    return cleaned or None


def _renumbering_events(indicators: list[PerformanceIndicator], project_label: str) -> list[ParseEvent]:
    """One ``indicator_renumbered`` event per item whose printed number differs from its position."""
    return [
        ParseEvent(
            kind="indicator_renumbered",
            detail=(
                f"{project_label}: indicator printed as {ind.seq_as_written}、 is item {ind.seq} "
                "of the cell (numbering restarts inside the cell)"
            ),
            source_line=ind.source_line,
        )
        for ind in indicators
        if ind.renumbered
    ]
