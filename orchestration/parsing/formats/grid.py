"""Format-neutral tables: a grid of cells with provenance.

Produced by a format reader (:mod:`.pdf`), consumed by the classifier
(:mod:`orchestration.parsing.tables`) and the table readers
(:mod:`orchestration.parsing.readers`). Geometry is in points with
pdfplumber's top-left origin; ``page`` is 1-based. Formats without pages
(Excel, Word, HTML) number their sheets / tables as pages, give every cell
the zero box ``(col, row, col, row)`` and name it in ``address``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BBox = tuple[float, float, float, float]


@dataclass
class GridCell:
    """One position of a table's grid.

    ``text`` is the cell's text with wrapped lines joined without separator
    (``'事业单位\\n经营收入'`` → ``'事业单位经营收入'``), ``''`` for an empty cell.
    ``covered_by`` is ``(row, col)`` of the merged cell that spans this
    position (``None`` when the cell starts here); a covered position has
    ``text`` equal to the spanning cell's text, so header labels can be read
    column by column, and ``is_origin`` False so a body reader counts it once.
    """

    text: str
    page: int
    bbox: BBox
    covered_by: tuple[int, int] | None = None
    #: Where the cell is in a non-PDF source: ``'Sheet1!B7'`` (Excel), ``'table 2 row 5 col 3'``
    #: (Word, HTML); ``None`` for PDF, whose provenance is ``page`` + ``bbox``.
    address: str | None = None
    #: PDF: the side(s) where the page cuts this (merged) cell — ``'top'``, ``'bottom'`` or ``'both'`` —
    #: when the table continues over a page break without a rule there (:mod:`.pdf`, step 7); else ``None``.
    cut: str | None = None
    #: PDF page read by OCR (:mod:`.pdf_ocr`): the lowest recogniser score (0–1) of the cell's characters;
    #: ``None`` for a text layer, other formats, or an empty cell.
    confidence: float | None = None

    @property
    def is_origin(self) -> bool:
        """True where the cell starts (its text counts here), False on a position a merged cell spans."""
        return self.covered_by is None


@dataclass
class GridTable:
    """One table of a document, possibly drawn over several pages.

    - ``table_no``: 1-based position in the document;
    - ``caption``: the text lines printed above the table on its first page
      (title, ``编制部门：…``, ``单位：元``) and caption rows drawn inside
      the grid, in reading order;
    - ``rows``: the grid, every row as long as ``column_count``; rows of a
      continuation page are mapped onto the first page's columns by their
      left edges, and a header repeated on a continuation page is removed
      (a ``header_repeated`` note says where);
    - ``pages``: every page the table is drawn on; ``bbox`` is its box on the first page;
    - ``notes``: text printed below the table on its last page (``注：…``), kept, not read.
    """

    table_no: int
    caption: list[str]
    rows: list[list[GridCell]]
    pages: list[int]
    bbox: BBox
    column_count: int
    notes: list[str] = field(default_factory=list)
    events: list[tuple[str, str, int | None]] = field(default_factory=list)
    #: left edges of the columns on the first page (points): continuation pages are mapped onto them.
    column_x: list[float] = field(default_factory=list)
    #: Character conservation (PDF), one entry per part of the table on a page:
    #: ``(page, chars in the region, chars in cells, chars reported in events)``, non-space
    #: characters only. The reader guarantees ``region == in cells + reported``.
    char_counts: list[tuple[int, int, int, int]] = field(default_factory=list)

    @property
    def first_page(self) -> int:
        """Page where the table starts (its title is there)."""
        return self.pages[0]

    @property
    def last_page(self) -> int:
        """Last page the table continues on."""
        return self.pages[-1]


@dataclass
class NarrativePage:
    """A page without a table: prose (编制说明, 名词解释…), a cover or contents.

    ``first_line`` is its first text line (a heading, usually); ``char_count`` its characters;
    ``lines`` every text line of the page, top to bottom (read by :mod:`..readers.narrative`).
    """

    page: int
    first_line: str
    char_count: int
    lines: list[str] = field(default_factory=list)


@dataclass
class DocumentLayout:
    """What a format reader found in a file: tables and narrative pages, in page order.

    ``head_lines`` holds the first text lines of pages 1–2 (for document facts
    such as the department on a cover); ``events`` are ``(kind, detail, page)``.
    """

    page_count: int
    tables: list[GridTable]
    narrative_pages: list[NarrativePage]
    head_lines: list[str] = field(default_factory=list)
    events: list[tuple[str, str, int | None]] = field(default_factory=list)
