"""Parse a 项目支出绩效目标表 PDF with pdfplumber into the same records as the text path.

Pure: PDF bytes in, :class:`ParsedDocument` out (layout ``pdf_table``); no
Dagster, no file I/O. Geometry is pdfplumber's: points, origin top-left.

Every PDF enters here (:func:`parse_pdf`): the checks for a truncated,
damaged, password-protected or oversized file come first, then page 1's text
layer is checked and, when page 1 shows a department-wide title (部门整体 /
单位整体 … 绩效目标, whatever words stand between: :data:`.text_common.DEPARTMENT_TITLE`;
and not 项目支出绩效目标表), the file is a department-wide form, read instead of the
steps below by the reader of its layout: the national grid reader
(:mod:`.readers.grid_targets`, layout ``national_department_form``) when its pages print
the national grid (三级指标 without the 指标解释 / 说明及公式 columns: 部门整体支出 /
部门整体预算绩效目标申报表), else :mod:`.department_targets_pdf` (layout
``department_targets_pdf``, the 部门整体绩效目标 form of 指标解释 / 指标说明及公式 / 预期指标). Any other PDF (no 项目支出绩效目标表 title or 项目名称 header on
page 1, or no such table on any page) is read as a sequence of tables by
:mod:`.spine`; a 项目支出绩效目标表 found among its tables is read by
:func:`read_project_pages` on its pages.

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
import io
import re
import statistics
import traceback
from dataclasses import dataclass, field
from decimal import Decimal

import pdfplumber

from .department_targets_pdf import parse_department_pdf
from .pdf_text import TextLine, check_text_layer, text_lines  # noqa: F401  (check_text_layer: re-exported)
from .project_targets_text import HEADER_FIELDS, RowDraft, build_records
from .records import ParsedDocument, ParseError, ParseEvent
from .text_common import (
    PROJECT_TITLE_MARK,
    JoinedText,
    SourceLine,
    find_department,
    find_title,
    fiscal_year_from_title,
    has_department_title,
    normalise_spaces,
    parse_amount,
    squeeze,
)
from .vocabulary import is_total_label

AMOUNT_KEYS = ("total", "fiscal", "special", "other")
REQUIRED_KEYS = ("name", *AMOUNT_KEYS, "goal", "indicators")
#: Edges closer than this (points) are one rule.
RULE_TOLERANCE = 1.0
#: A rule must cover this share of the widest rule of the page.
RULE_MIN_COVERAGE = 0.5
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


@dataclass
class ColumnBands:
    """The columns of the table: one band (x-range, points) per header label, the bands tiling the table's width.

    ``boundaries`` are the inner edges (``len(keys) - 1``), read from vertical rules, else from the
    header cells, else (last resort) guessed from the text's gaps (:func:`_columns`); ``left`` and
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


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------


def parse_pdf(data: bytes) -> ParsedDocument:
    """Parse the bytes of a 项目支出绩效目标表 or 部门整体绩效目标 PDF (rules in the module docstring).

    A 项目支出绩效目标表 gives a :class:`ParsedDocument` with ``layout='pdf_table'``,
    ``page_count`` set, amounts in 万元 (``Decimal``; ``None`` for an empty
    cell) and page + bbox provenance on every budget line and indicator; a
    部门整体绩效目标 one with ``layout='department_targets_pdf'``, ``page_count``
    set and ``department_targets`` (income in 元; see :mod:`.department_targets_pdf`).

    Raises :class:`ParseError` when the bytes are not a readable PDF, a page
    has ``(cid:N)`` text or no text layer, no table header is found, a row
    cannot be read, or the table does not start with its 合计 row.
    """
    _check_complete(data)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except MemoryError:
        raise  # over the parse budget: the parse pool names the limit
    except Exception as error:  # pdfminer raises many types for damaged files
        _reraise_memory_error(error)
        if _is_password_error(error):
            raise ParseError(
                "the PDF is encrypted with a password that is needed to open it, so it cannot be read and nothing "
                "was loaded. Encrypted: remove the password (e.g. qpdf --decrypt --password=… in.pdf out.pdf) or "
                "provide an unencrypted copy, or submit a text extract (UTF-8 .txt)."
            ) from None
        raise ParseError(
            f"not a readable PDF ({_describe(error)}): the file is damaged or not a PDF. Download or export it "
            "again, or submit a text extract (UTF-8 .txt)."
        ) from None
    try:
        with pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise ParseError(
                    f"the PDF has {len(pdf.pages)} pages, more than the {MAX_PAGES} a 项目支出绩效目标表 can "
                    "plausibly have: it was not parsed. Split it into the documents it holds and submit them one by one."
                )
            document = _parse_open_pdf(pdf)
            if pdf.doc.encryption is not None:
                document.events.insert(0, ParseEvent(
                    "pdf_encrypted_without_user_password",
                    "the PDF is encrypted with an owner password only (opens without a password); read as is",
                ))
            return document
    except (ParseError, MemoryError):
        raise  # MemoryError: over the parse budget, named by the parse pool
    except Exception as error:  # noqa: BLE001 - a broken object inside an otherwise valid file
        _reraise_memory_error(error)
        if _raised_inside_pdf_library(error):
            raise ParseError(
                f"the PDF cannot be read ({_describe(error)}): it is damaged. Export it again, or submit a "
                "text extract (UTF-8 .txt)."
            ) from None
        raise


#: Where the end-of-file marker must appear (bytes from the end), as PDF readers require.
EOF_SEARCH_BYTES = 2048
#: More pages than any 项目支出绩效目标表 has: refuse instead of reading for minutes.
MAX_PAGES = 2000


def _check_complete(data: bytes) -> None:
    """Raise :class:`ParseError` when the file ends without ``%%EOF`` (a truncated download or copy)."""
    if b"%%EOF" not in data[-EOF_SEARCH_BYTES:]:
        raise ParseError(
            f"the PDF is truncated: its {len(data):,} bytes end without the end-of-file marker %%EOF, so part "
            "of the file is missing (an interrupted download or copy) and nothing was loaded. Download or "
            "copy it again."
        )


def _is_password_error(error: BaseException) -> bool:
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    causes = [error, error.__cause__, error.__context__, *getattr(error, "args", ())]
    return any(isinstance(c, PDFPasswordIncorrect) for c in causes)


def _reraise_memory_error(error: BaseException) -> None:
    """Raise ``MemoryError`` when ``error`` is one (pdfplumber wraps it): the parse pool names the memory limit."""
    inner = error.args[0] if error.args and isinstance(error.args[0], BaseException) else error
    if isinstance(inner, MemoryError):
        raise MemoryError(_describe(inner)) from None


def _describe(error: BaseException) -> str:
    """``'PSEOF: Unexpected EOF'``: the type and message of the error, unwrapped from pdfplumber's wrapper."""
    if error.args and isinstance(error.args[0], BaseException):
        error = error.args[0]
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _raised_inside_pdf_library(error: BaseException) -> bool:
    """True when the exception comes from pdfminer/pdfplumber (or the C codecs they call) reading the file.

    Decided by the innermost Python frame of the traceback: a damaged file makes
    the library fail (``KeyError``, ``TypeError``, ``struct.error``…); an error
    raised in this module's own code is a bug and is not hidden.
    """
    if type(error).__module__.startswith(("pdfminer", "pdfplumber")):
        return True
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return False
    innermost = frames[-1].filename.replace("\\", "/")
    return "/pdfminer/" in innermost or "/pdfplumber/" in innermost or "/PIL/" in innermost


def _parse_open_pdf(pdf) -> ParsedDocument:
    if pdf.pages and _is_department_form(pdf.pages[0]):
        # a 部门整体绩效目标 title over a national grid (levels and a value column: 指标值 …) is read by the
        # grid reader; the Guangzhou form (预期指标, 指标说明及公式: no value column) by the department reader
        document = _read_national_grid(pdf, otherwise=None) if _prints_national_grid(pdf) else None
        return document if document is not None else parse_department_pdf(pdf)
    if pdf.pages and _has_grid_labels(pdf.pages[0]):
        document = _read_national_grid(pdf)
        if document is not None:
            return document
    if pdf.pages and not _is_project_form(pdf.pages[0]):
        return _read_as_tables(pdf)
    doc = read_project_pages(pdf, range(1, len(pdf.pages) + 1))
    if doc is None:
        # page 1 named the form (a contents page listing 项目支出绩效目标表, say) but no page holds its
        # table: read the document as a sequence of tables like any other PDF
        return _read_as_tables(pdf)
    doc.page_count = len(pdf.pages)
    return doc


def _prints_national_grid(pdf) -> bool:
    """True when some page prints the level labels of a national indicator grid (三级指标, or 一级指标 and
    二级指标): its tables are then read cell by cell, and the grid reader decides by each header row's
    labels (:func:`.readers.grid_labels.is_grid_header`: levels and a value column), whatever other columns
    (指标解释, 评(扣)分标准 …) the grid has. The pages' characters stay cached for the reader that follows."""
    text = "".join(squeeze("".join(c["text"] for c in page.chars)) for page in pdf.pages)
    return "三级指标" in text or ("一级指标" in text and "二级指标" in text)


def _has_grid_labels(first_page) -> bool:
    """True when page 1 prints the level labels of a national indicator grid (三级指标, or 一级指标 and
    二级指标): its tables are then read cell by cell and the grid reader decides by each header row's
    labels (:func:`.readers.grid_labels.is_grid_header`: levels and a value column), whatever other
    columns (指标解释, 评(扣)分标准 …) the grid has."""
    text = re.sub(r"\s+", "", "".join(c["text"] for c in first_page.chars[:6000]))
    return "三级指标" in text or ("一级指标" in text and "二级指标" in text)


def _read_national_grid(pdf, otherwise: str | None = "spine") -> ParsedDocument | None:
    """The national grid templates (:mod:`.readers.grid_targets`) from the PDF's ruled tables; when no
    table row is a grid header after all, the spine's reading (``otherwise="spine"``: ``None`` is then
    never returned for a readable PDF) or ``None`` (``otherwise=None``)."""
    from .formats.pdf import read_pdf_layout
    from .readers.grid_targets import has_national_grid, is_grid_header, read_national_grid
    from .spine import read_disclosure

    layout = read_pdf_layout(pdf, check_page=check_text_layer, is_header=is_grid_header)
    if has_national_grid(layout):
        document = read_national_grid(layout, "pdf")
        document.page_count = len(pdf.pages)
        return document
    return read_disclosure(layout) if otherwise == "spine" else None


def read_project_pages(pdf, page_numbers) -> ParsedDocument | None:
    """Read the 项目支出绩效目标表 drawn on ``page_numbers`` (1-based) of an open PDF (steps 1–9 above).

    Returns ``None`` when no page holds the table's column header; raises
    :class:`ParseError` when a row cannot be read. The pages are closed after reading.
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
            page.close()
    if columns is None:
        return None
    rows = _merge_rows(bands, events)
    document = _build_document(rows, above, events)
    document.char_counts = char_counts
    document.column_char_counts = column_char_counts
    return document


def _read_as_tables(pdf) -> ParsedDocument:
    """The spine (:mod:`.spine`); a 项目支出绩效目标表 found among the tables is read by this module's
    reader on its pages, so it loads exactly as it does alone (budget lines and indicators on the document)."""
    from .formats.pdf import read_pdf_layout
    from .readers.grid_labels import is_grid_header
    from .spine import read_disclosure

    # a national grid ruled with horizontal lines only is found by its header (formats/pdf_rules.py)
    document = read_disclosure(read_pdf_layout(pdf, check_page=check_text_layer, is_header=is_grid_header))
    targets: list = []
    previous = None
    for entry in (e for e in document.disclosure.inventory if e.entry_type == "table"):
        if entry.kind == "project_targets":
            targets.append(entry)
        elif (previous is not None and previous in targets and entry.kind == "unknown" and entry.title is None
              and entry.first_page == previous.last_page + 1):
            # an untitled table right after it whose columns the grid could not map: its continuation
            entry.kind = "project_targets"
            targets.append(entry)
        previous = entry
    if targets:
        pages = [p for e in targets for p in range(e.first_page, e.last_page + 1)]
        try:
            inner = read_project_pages(pdf, pages)
        except ParseError as error:
            # one table that cannot be read soundly does not take the disclosure's other tables down
            inner = None
            document.events.append(ParseEvent("targets_not_read", f"项目支出绩效目标表 on pages {pages[0]}-{pages[-1]} "
                                              f"not read: {error}", source_page=pages[0]))
        if inner is not None:
            # records of national grids in the same document (spine) follow the table's, renumbered after them
            offset = len(inner.budget_lines)
            for record in (*document.budget_lines, *document.indicators):
                record.line_no += offset
            document.budget_lines = inner.budget_lines + document.budget_lines
            document.indicators = inner.indicators + document.indicators
            document.events += inner.events
            document.char_counts += inner.char_counts
            document.column_char_counts += inner.column_char_counts
            for entry in targets:
                entry.read = True
                entry.row_count = sum(1 for b in inner.budget_lines if entry.first_page <= (b.source_page or 0) <= entry.last_page)
            read_now = tuple(f"table {entry.table_no} (" for entry in targets)
            document.events = [e for e in document.events
                               if not (e.kind == "table_not_read" and e.detail.startswith(read_now))]
    return document


def _is_project_form(first_page) -> bool:
    """True when page 1 names the 项目支出绩效目标表 or prints its 项目名称 column header.

    Any other PDF is read as a sequence of tables (:mod:`.spine`): a 部门预算 /
    部门决算 disclosure, or a document registered with its table inventory.
    Page 1's characters are already cached by :func:`_is_department_form`.
    """
    text = "".join(c["text"] for c in first_page.chars[:4000])
    return PROJECT_TITLE_MARK in text or "项目名称" in text


def _is_department_form(first_page) -> bool:
    """True when page 1 shows a department-wide title (部门整体 … 绩效目标) and not the 项目支出绩效目标表 one.

    The text layer is checked first, so a scanned or ``(cid:N)`` department
    PDF is refused with the same reason as any other PDF. The page is left
    open on purpose: its characters stay cached for the parser that reads it
    next (closing it here made every PDF's first page be extracted twice:
    +7 % parse time on the benchmark corpus, +30–50 % on 2–3 page files).
    Closed on error.
    """
    try:
        chars = first_page.chars
        check_text_layer(first_page, chars, 1)
    except BaseException:
        first_page.close()
        raise
    text = "".join(c["text"] for c in chars[:2000])
    return has_department_title(text) and PROJECT_TITLE_MARK not in squeeze(text)


# --------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------


def _read_page(page, chars, page_no, columns, events, char_counts=None, column_char_counts=None):
    """Bands (table rows) of one page, the text lines above its table, and the columns in force.

    Appends ``(page_no, region, in_cells, reported)`` to ``char_counts`` and one
    ``(page_no, label, region, in_cells, reported)`` per column to ``column_char_counts`` (when
    given) for a page that holds the table (step 10 of the module docstring).
    """
    rules, left, right = _horizontal_rules(page)
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
            page_columns = _columns(found, body, page, (left, rules[index], right, rules[index + 1]), page_no, events)
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
        for column, cs in _chars_by_column(in_band[index], page_columns).items():
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


def _chars_by_column(chars: list[dict], columns: ColumnBands) -> dict[int, list[dict]]:
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
    """Per-column character conservation of one page (step 10 of the module docstring).

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


def _non_space(text: str) -> int:
    """Number of non-space characters of ``text``."""
    return sum(1 for ch in text if not ch.isspace())


def _horizontal_rules(page) -> tuple[list[float], float, float]:
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
    coverage = [_covered_length([(e["x0"], e["x1"]) for e in cluster]) for cluster in clusters]
    widest = max(coverage)
    kept = [cl for cl, cov in zip(clusters, coverage) if cov >= RULE_MIN_COVERAGE * widest and cov > 0]
    left = min(e["x0"] for cl in kept for e in cl)
    right = max(e["x1"] for cl in kept for e in cl)
    return [statistics.fmean(e["top"] for e in cl) for cl in kept], left, right


def _covered_length(intervals: list[tuple[float, float]]) -> float:
    total, end = 0.0, float("-inf")
    for a, b in sorted(intervals):
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total


# --------------------------------------------------------------------------
# Header and columns
# --------------------------------------------------------------------------


@dataclass
class _Label:
    """One header label: its column key (``None``: a column this reader does not read), text and extent."""

    key: str | None
    text: str
    x0: float
    x1: float
    chars: list[dict] = field(default_factory=list)

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


def _header_labels(chars: list[dict], skipped: list[dict] | None = None) -> list[_Label] | None:
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
        labels.append(_Label(key, text, min(c["x0"] for c in cluster), max(c["x1"] for c in cluster), cluster))
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


def _columns(labels: list[_Label], body: list[dict], page, table: tuple[float, float, float, float], page_no: int,
             events: list[ParseEvent]) -> ColumnBands:
    """The column bands of the table from its header row (step 4 of the module docstring).

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
        edges = _centred_edges(labels[start:end], known[start], known[end], size)
        for index in range(start + 1, end):
            known[index] = (edges[index - start - 1] if edges is not None
                            else _gap_boundary(labels[index - 1], labels[index], body, page_no, events))
    return ColumnBands([label.key for label in labels], [known[index] for index in range(1, len(labels))],
                       [label.text for label in labels], left, right)


#: The two chains of centred header cells must meet within this many characters (× size).
CENTRED_TOLERANCE = 0.5


def _centred_edges(labels: list[_Label], start: float, end: float, size: float) -> list[float] | None:
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


def _gap_boundary(before: _Label, after: _Label, body: list[dict], page_no: int, events: list[ParseEvent]) -> float:
    """Last resort: the middle of the widest strip between two labels that no body character touches
    (half-way between the labels when there is none), reported as ``pdf_column_boundary_guessed``."""
    a, b = before.x1, after.x0
    gap = _widest_free_strip([(c["x0"], c["x1"]) for c in body if c["x1"] > a and c["x0"] < b], a, b)
    if gap is None:
        boundary, how = (a + b) / 2, "no empty strip between their texts: put half-way between the labels"
    else:
        boundary, how = (gap[0] + gap[1]) / 2, f"the middle of the empty strip x {gap[0]:.1f}–{gap[1]:.1f}"
    events.append(ParseEvent(
        "pdf_column_boundary_guessed",
        f"page {page_no}: no vertical rule between {before.text} and {after.text} and the header labels are not "
        f"centred in cells filling the table; boundary at x {boundary:.1f}, {how}", source_page=page_no))
    return boundary


def _widest_free_strip(intervals, a: float, b: float) -> tuple[float, float] | None:
    """Widest sub-interval of (a, b) that no interval touches, or ``None``."""
    best, cursor = None, a
    for x0, x1 in sorted(intervals):
        if x0 > cursor and (best is None or x0 - cursor > best[1] - best[0]):
            best = (cursor, min(x0, b))
        cursor = max(cursor, x1)
    if b > cursor and (best is None or b - cursor > best[1] - best[0]):
        best = (cursor, b)
    return best


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
