"""Read a 项目支出绩效目标表 drawn in a PDF with pdfplumber into the same records as the text path.

Pure: an open pdfplumber PDF and page numbers in, :class:`ParsedDocument` out (layout ``pdf_table``);
no Dagster, no file I/O. Geometry is pdfplumber's: points, origin top-left. Called by
:func:`orchestration.parsing.pdf_document.parse_pdf` for a PDF whose page 1 names the form, and for
such a table found among a bundle's tables. The column geometry is
:mod:`orchestration.parsing.formats.pdf_columns`.

How the table is read, page by page (nothing depends on one renderer's
coordinates):

1. **Text layer.** A page whose characters come out as ``(cid:N)`` (a font
   without a Unicode map) or a page with images but no characters (a scan)
   stops the parse with a :class:`ParseError` saying what to do; a page with
   neither text nor images is skipped.
2. **Rows** are the bands between the table's horizontal rules: horizontal
   edges (lines and rectangle sides) at the same height are merged, and a
   height counts as a rule when its segments cover at least half the width
   of the widest rule on the page. Everything above the first rule (title,
   ``部门名称``, ``单位：万元``) and below the last (footer ``第 N 页 共 M 页``)
   is outside the table.
3. **Header row**: the first band whose text, clustered by horizontal gaps,
   has a cluster starting with ``项目名称``. Each cluster is a column label
   (wrapped labels such as ``财政专户/拨款`` stay one cluster) matched to a
   column key. The header row is found again on every page and skipped.
4. **Columns** are bands of x, one per header label, tiling the table's width
   (from the left to the right end of its horizontal rules). Between two
   neighbouring labels the boundary is a vertical rule crossing the header
   (full grid); else the edge of their header cells, read from the labels
   themselves: a header label is centred in its cell and the cells fill the
   table, so each cell's far edge is twice its label's centre minus its near
   edge, chained from the table's left end and from its right end (or from
   the nearest vertical rules) — the two chains must meet within half a
   character, the table's own arithmetic, and each edge must lie between
   the labels it separates. Only when that fails (labels not centred) is the
   boundary guessed from the body text (the middle of the widest empty strip
   between the two labels, else half-way), with a
   ``pdf_column_boundary_guessed`` event: a 绩效目标 text justified right up
   to the 绩效指标 column leaves no strip to find.
5. **Cells**: characters go to a band by their vertical centre and to a column
   by their horizontal centre, character by character (never a whole word or
   line by where it starts); a cell's characters are grouped into lines,
   each line read left to right (a gap wider than half a character becomes one
   space; an exact overprint, fake bold, is read once), and wrapped lines are
   joined without any separator (:class:`~.text_common.JoinedText`).
6. **Rows split across pages**: the first band of a page whose four amount
   cells are empty continues the last row of the previous page: its non-empty
   cells are appended to that row's cells (an empty cell in the continuation
   is just empty: nothing is appended and nothing is overwritten); the
   amounts stay those of the first part. Any other band without a name is an
   error.
7. **Hierarchy**: ``合计`` in the first row is the document total; a name
   indented from the smallest name offset of the document (by more than
   ``INDENT_FACTOR`` × the character size) is a project; an unindented row is
   a spending unit, unless it has a 绩效目标 or 绩效指标 (then a project, with a
   ``pdf_project_not_indented`` event).
8. **Records and reconciliation**: rows become :class:`~.project_targets_text.RowDraft`
   with exact amount cells (rule ``pdf_cells``) and go through the text
   path's :func:`~.project_targets_text.build_records` (indicator splitting,
   column decisions, reconciliation events).
9. **Provenance**: a budget line gets the page and bbox of its row band on the
   page where the row starts; an indicator the page of its first text line
   and the union of its lines on that page. ``source_line`` is ``None``.
10. **Character conservation**, page by page: the table's region is the strip
    from the rule above its header row (or above its first band on a page
    without header) to its last rule, across the page; every non-space
    character whose vertical centre lies in it is counted. It must equal the
    non-space characters of the cell texts read (header labels and body cells)
    plus those reported in ``chars_outside_columns`` (in no column) and
    ``duplicate_glyphs_read_once`` (an overprint read once) events, each with
    its page and position. The counts ``(page, region, in_cells, reported)``
    are kept in :attr:`ParsedDocument.char_counts`; ``in_cells`` is measured
    from the cell texts, so the equality is a check, and a page where it fails
    gets a ``chars_not_conserved`` event naming the difference. The same holds
    **per column** (:func:`conserve_columns`): a character belongs to the column
    whose band holds its horizontal centre, and each column's band must hold as
    many characters as its cells' texts plus those reported, with no character
    of another band in its cells (a character read into the wrong cell still
    lands in *a* cell, so the page total balances); the counts
    ``(page, label, region, in_cells, reported)`` are kept in
    :attr:`ParsedDocument.column_char_counts`, and a column that fails gets a
    ``column_chars_not_conserved`` event naming the page, the column, its band
    and the characters of other bands it holds.
"""

from __future__ import annotations

import bisect
import re
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from ..formats.pdf_columns import ColumnBands, Label, chars_by_column, column_bands, conserve_columns, horizontal_rules
from ..pdf_text import TextLine, check_text_layer, text_lines
from .project_targets_text import HEADER_FIELDS, RowDraft, build_records
from ..records import ParsedDocument, ParseError, ParseEvent
from ..text_common import (
    PROJECT_TITLE_MARK,
    JoinedText,
    SourceLine,
    find_department,
    find_title,
    fiscal_year_from_title,
    normalise_spaces,
    parse_amount,
)
from ..vocabulary import is_total_label

AMOUNT_KEYS = ("total", "fiscal", "special", "other")
REQUIRED_KEYS = ("name", *AMOUNT_KEYS, "goal", "indicators")
#: Horizontal gap (× character size) that separates two header labels.
LABEL_GAP_FACTOR = 0.25
#: Indent (× character size) beyond the smallest name offset that marks a project.
INDENT_FACTOR = 0.75


@dataclass
class Band:
    """One table row as drawn on one page: the strip between two rules."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    cells: dict[str, list[TextLine]] = field(default_factory=dict)
    first_on_page: bool = False

    def lines(self, key: str) -> list[TextLine]:
        return self.cells.get(key, [])

    def is_empty(self) -> bool:
        return not any(self.cells.values())


@dataclass
class TableRow:
    """One logical row: its band on the page where it starts plus continuations."""

    parts: list[Band]

    def lines(self, key: str) -> list[TextLine]:
        return [line for part in self.parts for line in part.lines(key)]


def read_project_pages(pdf, page_numbers, close_pages: bool = True) -> ParsedDocument | None:
    """Read the 项目支出绩效目标表 drawn on ``page_numbers`` (1-based) of an open PDF (steps 1–9 above).

    Returns ``None`` when no page holds the table's column header; raises
    :class:`ParseError` when a row cannot be read. The pages are closed after reading unless
    ``close_pages`` is False (a caller that may read them again: their parsed objects stay cached).
    """
    events: list[ParseEvent] = []
    bands: list[Band] = []
    above: list[TextLine] = []
    columns: ColumnBands | None = None
    char_counts: list[tuple[int, int, int, int]] = []
    column_char_counts: list[tuple[int, str, int, int, int]] = []
    for page_no in page_numbers:
        page = pdf.pages[page_no - 1]
        try:
            chars = page.chars
            check_text_layer(page, chars, page_no)
            page_bands, page_above, columns = _read_page(page, chars, page_no, columns, events, char_counts,
                                                         column_char_counts)
            bands += page_bands
            above += page_above
        finally:
            if close_pages:
                page.close()
    if columns is None:
        return None
    rows = _merge_rows(bands, events)
    document = _build_document(rows, above, events)
    document.char_counts = char_counts
    document.column_char_counts = column_char_counts
    return document



# --------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------


def _read_page(page, chars, page_no, columns, events, char_counts=None, column_char_counts=None):
    """Bands (table rows) of one page, the text lines above its table, and the columns in force.

    Appends ``(page_no, region, in_cells, reported)`` to ``char_counts`` and one
    ``(page_no, label, region, in_cells, reported)`` per column to ``column_char_counts`` (when
    given) for a page that holds the table (step 10 of the module docstring).
    """
    rules, left, right = horizontal_rules(page)
    if len(rules) < 2:
        if chars:
            events.append(ParseEvent("pdf_page_without_table", f"page {page_no}: no ruled table, page skipped",
                                     source_page=page_no))
        return [], text_lines([c for c in chars], page_no), columns
    in_band: list[list[dict]] = [[] for _ in range(len(rules) - 1)]
    outside_above: list[dict] = []
    for c in chars:
        middle = (c["top"] + c["bottom"]) / 2
        index = bisect.bisect_right(rules, middle) - 1
        if 0 <= index < len(rules) - 1:
            in_band[index].append(c)
        elif index < 0:
            outside_above.append(c)
    header_index, page_columns, found = None, None, None
    duplicates: list[dict] = []
    for index, band_chars in enumerate(in_band):
        if not band_chars:
            continue
        found = _header_labels(band_chars, skipped=duplicates)
        if found is not None:
            header_index = index
            body = [c for b in in_band[index + 1:] for c in b]
            page_columns = column_bands(found, body, page, (left, rules[index], right, rules[index + 1]), page_no, events)
        break  # only the first non-empty band can be the header
    if page_columns is None:
        if columns is None:
            return [], text_lines(outside_above + [c for b in in_band for c in b], page_no), columns
        events.append(ParseEvent("pdf_header_missing", f"page {page_no}: no header row; columns of the previous "
                                 "page used", source_page=page_no))
        page_columns, first_body = columns, 0
    else:
        first_body = header_index + 1
        outside_above += [c for b in in_band[:header_index] for c in b]
    bands = []
    unread: list[dict] = []
    held: list[list[dict]] = [list(label.chars) for label in found] if header_index is not None \
        else [[] for _ in page_columns.keys]
    read: list[int] = [_non_space(label.text) for label in found] if header_index is not None \
        else [0 for _ in page_columns.keys]
    for index in range(first_body, len(rules) - 1):
        band = Band(page_no, left, rules[index], right, rules[index + 1])
        for column, cs in chars_by_column(in_band[index], page_columns).items():
            key = page_columns.keys[column]
            if key is None:
                unread += [c for c in cs if c["text"].strip()]
                continue
            held[column] += cs
            lines = text_lines(cs, page_no, skipped=duplicates)
            read[column] += sum(_non_space(line.text) for line in lines)
            band.cells.setdefault(key, []).extend(lines)
        if not band.is_empty():
            band.first_on_page = not bands
            bands.append(band)
    if unread:
        # character conservation: a character of the table's rows that lands in no cell text is reported
        unread.sort(key=lambda c: (round(c["top"]), c["x0"]))
        events.append(ParseEvent(
            "chars_outside_columns",
            f"page {page_no}: {len(unread)} character(s) inside the table rows are in no column's text "
            f"(first at x {unread[0]['x0']:.0f}, y {unread[0]['top']:.0f}): {''.join(c['text'] for c in unread)[:300]!r}",
            source_page=page_no))
    if duplicates:
        events.append(ParseEvent(
            "duplicate_glyphs_read_once",
            f"page {page_no}: {len(duplicates)} character(s) printed twice at the same place (fake bold) were read once: "
            f"{''.join(c['text'] for c in duplicates)[:300]!r}", source_page=page_no))
    first_in_region = header_index if header_index is not None else first_body
    region_chars = [c for b in in_band[first_in_region:] for c in b if c["text"].strip()]
    region = len(region_chars)
    in_cells = sum(read)
    reported = len(unread) + len(duplicates)
    if region != in_cells + reported:
        events.append(ParseEvent(
            "chars_not_conserved",
            f"page {page_no}: {region} character(s) in the table region (y {rules[first_in_region]:.0f}–"
            f"{rules[-1]:.0f}) but {in_cells} in cells and {reported} reported: {region - in_cells - reported:+d} "
            "character(s) unaccounted for", source_page=page_no))
    if char_counts is not None:
        char_counts.append((page_no, region, in_cells, reported))
    per_column = conserve_columns(page_no, page_columns, region_chars, held, read, unread + duplicates, events)
    if column_char_counts is not None:
        column_char_counts += per_column
    return bands, text_lines(outside_above, page_no), page_columns


def _non_space(text: str) -> int:
    """Number of non-space characters of ``text``."""
    return sum(1 for ch in text if not ch.isspace())


def _header_labels(chars: list[dict], skipped: list[dict] | None = None) -> list[Label] | None:
    """Column labels of a header band, left to right, or ``None`` if the band is not the header.

    An overprinted character (fake bold) read once is appended to ``skipped`` when the band is the header.
    """
    size = statistics.median(c["size"] for c in chars)
    clusters: list[list[dict]] = []
    right_edge = float("-inf")  # right end of the current cluster
    for c in sorted(chars, key=lambda c: c["x0"]):
        if clusters and c["x0"] <= right_edge + LABEL_GAP_FACTOR * size:
            clusters[-1].append(c)
        else:
            clusters.append([c])
            right_edge = float("-inf")
        right_edge = max(right_edge, c["x1"])
    labels = []
    overprints: list[dict] = []
    for cluster in clusters:
        text = re.sub(r"\s+", "", "".join(line.text for line in text_lines(cluster, 0, skipped=overprints)))
        key = "name" if text.startswith("项目名称") else HEADER_FIELDS.get(text)
        labels.append(Label(key, text, min(c["x0"] for c in cluster), max(c["x1"] for c in cluster), cluster))
    if not labels or labels[0].key != "name":
        return None
    missing = [k for k in REQUIRED_KEYS if k not in {label.key for label in labels}]
    if missing:
        raise ParseError(
            f"the table header has the labels {[label.text for label in labels]} but lacks "
            f"{missing}: not the 7-column 项目支出绩效目标表 layout this parser reads"
        )
    if skipped is not None:
        skipped += overprints
    return labels



# --------------------------------------------------------------------------
# Bands → rows → records
# --------------------------------------------------------------------------


def _merge_rows(bands: list[Band], events: list[ParseEvent]) -> list[TableRow]:
    """Join a page's first band with empty amount cells to the last row of the previous page."""
    rows: list[TableRow] = []
    for band in bands:
        amounts_empty = not any(band.lines(k) for k in AMOUNT_KEYS)
        if band.first_on_page and amounts_empty and rows and rows[-1].parts[-1].page < band.page:
            rows[-1].parts.append(band)
            label = "".join(line.text for line in rows[-1].parts[0].lines("name"))[:30]
            continued = [k for k in ("name", "goal", "indicators") if band.lines(k)]
            events.append(
                ParseEvent(
                    "pdf_row_continued",
                    f"row {label!r} from page {rows[-1].parts[0].page} continues on page {band.page} "
                    f"(continued cells: {', '.join(continued) or 'none'})",
                    source_page=band.page,
                )
            )
            continue
        if not band.lines("name"):
            raise ParseError(
                f"page {band.page}: a table row at y={band.top:.0f} has no 项目名称 and does not continue a row "
                "from the previous page: the table cannot be read reliably"
            )
        rows.append(TableRow([band]))
    return rows


def _build_document(rows: list[TableRow], above: list[TextLine], events: list[ParseEvent]) -> ParsedDocument:
    header_lines = [SourceLine(i, line.text) for i, line in enumerate(above, start=1)]
    title = find_title(header_lines, PROJECT_TITLE_MARK)
    department, department_events = find_department(header_lines)
    for event in department_events:
        event.source_page, event.source_line = above[event.source_line - 1].page, None
    registry: list[TextLine] = []

    def joined(lines: list[TextLine]) -> JoinedText:
        source = []
        for line in lines:
            registry.append(line)
            source.append(SourceLine(len(registry), line.text))
        return JoinedText(source)

    drafts, cells_by_line_no = [], {}
    offsets = [_name_offset(row) for row in rows]
    baseline = min(offsets) if offsets else 0.0
    sizes = [line.size for row in rows for line in row.lines("name")]
    threshold = INDENT_FACTOR * (statistics.median(sizes) if sizes else 10.0)
    for line_no, (row, offset) in enumerate(zip(rows, offsets), start=1):
        name = joined(row.lines("name"))
        amounts = tuple(_amount(row, key) for key in AMOUNT_KEYS)
        goal, indicators = joined(row.lines("goal")), joined(row.lines("indicators"))
        name_text = normalise_spaces(name.text)
        if line_no == 1 and is_total_label(name_text):
            kind = "department_total"
        elif offset - baseline > threshold:
            kind = "project"
        elif goal.text or indicators.text:
            kind = "project"
            events.append(ParseEvent("pdf_project_not_indented", f"{name_text}: not indented but has a 绩效目标 "
                                     "or 绩效指标, read as a project", source_page=row.parts[0].page))
        else:
            kind = "spending_unit"
        drafts.append(RowDraft(kind, name_text, name.first_line, cells=amounts, goal=goal,
                               indicator_cell=indicators, cells_rule="pdf_cells"))
        cells_by_line_no[line_no] = indicators
    budget_lines, indicator_records, record_events = build_records(drafts)
    for line, row in zip(budget_lines, rows):
        first = row.parts[0]
        line.source_line = None
        line.source_page = first.page
        line.bbox_x0, line.bbox_top, line.bbox_x1, line.bbox_bottom = first.x0, first.top, first.x1, first.bottom
    _indicator_provenance(indicator_records, cells_by_line_no, registry)
    for event in record_events:
        if event.source_line is not None:
            event.source_page, event.source_line = registry[event.source_line - 1].page, None
    return ParsedDocument(
        doc_type="project_targets",
        layout="pdf_table",
        title=title,
        department=department,
        fiscal_year=fiscal_year_from_title(title),
        budget_lines=budget_lines,
        indicators=indicator_records,
        events=department_events + events + record_events,
    )


def _name_offset(row: TableRow) -> float:
    names = row.parts[0].lines("name")
    return min(line.x0 for line in names) - row.parts[0].x0 if names else 0.0


def _amount(row: TableRow, key: str) -> Decimal | None:
    """The amount cell of a row (first part only: continuations have empty amount cells)."""
    lines = row.parts[0].lines(key)
    text = "".join(line.text.strip() for line in lines)
    try:
        return parse_amount(text)
    except ParseError as error:
        raise ParseError(f"page {row.parts[0].page}: {error}") from None


def _indicator_provenance(indicators, cells_by_line_no: dict[int, JoinedText], registry: list[TextLine]) -> None:
    """Page and bbox of each indicator: the union of its text lines on the page where it starts."""
    cursor: dict[int, int] = {}
    for indicator in indicators:
        cell = cells_by_line_no[indicator.line_no]
        start = cell.text.find(indicator.raw_text, cursor.get(indicator.line_no, 0))
        if start < 0:
            first = last = indicator.source_line
        else:
            end = start + max(len(indicator.raw_text), 1)
            cursor[indicator.line_no] = end
            first, last = cell.line_at(start), cell.line_at(end - 1)
        indicator.source_line = None
        if first is None:
            continue
        lines = [line for line in registry[first - 1:last] if line.page == registry[first - 1].page]
        indicator.source_page = lines[0].page
        indicator.bbox_x0 = min(line.x0 for line in lines)
        indicator.bbox_top = min(line.top for line in lines)
        indicator.bbox_x1 = max(line.x1 for line in lines)
        indicator.bbox_bottom = max(line.bottom for line in lines)
