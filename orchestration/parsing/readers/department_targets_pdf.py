"""Reading a 部门整体绩效目标 PDF (layout ``department_targets_pdf``) into the records of the text path.

Pure: an open pdfplumber PDF in, :class:`ParsedDocument` out; no Dagster,
no file I/O. Called by :func:`.pdf_document.parse_pdf` (which has already
refused truncated, damaged, password-protected and oversized files) when the
first page shows the title mark ``部门整体绩效目标`` and not
``项目支出绩效目标表``.

The form is a ruled grid, so it is read cell by cell and the cells go to the
**same reader as the text extract** (:func:`.department_targets_text.parse_department_rows`),
whose rules decide columns by header and content, carry merged cells down,
join split cells, and record every repair. Page by page:

1. **Text layer.** A page whose characters come out as ``(cid:N)`` or that
   holds only an image stops the parse with the same :class:`ParseError` as
   a project-target PDF (:func:`.pdf_text.check_text_layer`).
2. **Rows of cells.** pdfplumber finds the ruled tables of the page (lines
   strategy: cells are the rectangles closed by drawn rules). Each table row
   becomes one :class:`~.department_form_cells.CellRow` with one cell per
   column position of that table (pdfplumber's columns are the distinct left
   edges of the table's cells): a cell spanning several columns stands at its
   left-most position and leaves the others empty, and a vertically merged
   cell has its text on the row where it starts and leaves the rows below
   empty — exactly the blank cells the reader's carry-down repair
   (``merged_cell_carried_down``) fills, also across a page break.
3. **Cell text.** The characters whose centre lies inside the cell are
   grouped into lines (:func:`.pdf_text.text_lines`: left to right, a gap
   wider than half a character is one space, a fake-bold overprint is read
   once) and the wrapped lines are joined **without separator** (Chinese text
   has no spaces at line ends).
4. **Text outside the tables** (the title above the form on page 1, notes
   between tables) becomes one single-cell row per line, in its vertical
   place; the page numbers ``第 N 页 共 M 页`` are page furniture and are
   dropped. Between two pages the reader gets a page break (an empty row), as
   a blank line in the text extract, so an indicator table's header printed
   again at the top of a page continues the table (``header_repeated``).

Provenance: there are no text lines, so ``source_line`` of the indicator,
task and profile records and of the events is the row's ordinal in reading
order (1-based, counted over every row fed to the reader, page by page, top to
bottom) and ``source_page`` (indicators, events) is the page; ``raw_row`` is
the row's cells joined by tabs. ``page_count`` is set on the document.

Units as in the text path: budget income in **元** (``28,036,202.00`` →
``Decimal('28036202.00')``), not 万元.
"""

from __future__ import annotations

import re

from .department_form_cells import CellRow
from .department_targets_text import parse_department_rows
from ..pdf_text import check_text_layer, text_lines
from ..records import ParsedDocument, ParseEvent

LAYOUT = "department_targets_pdf"
#: pdfplumber table finding: cells closed by drawn rules only (a form is fully ruled).
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_PAGE_NUMBER = re.compile(r"^第\s*\d+\s*页(\s*[，,/]?\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$")


def parse_department_pdf(pdf, events: list[ParseEvent] | None = None) -> ParsedDocument:
    """Parse an open pdfplumber PDF of a 部门整体绩效目标 (rules in the module docstring).

    Every page is closed after it is read. Returns a :class:`ParsedDocument`
    with ``layout='department_targets_pdf'``, ``page_count`` set and
    ``department_targets`` filled exactly as the text path would (income in
    元, ``task_no`` 0 for the overall table).

    Raises :class:`ParseError` for a page with ``(cid:N)`` text or no text
    layer (a scan), and for what the shared reader refuses: an indicator
    table without a 三级指标 header, an income cell that is not an amount, a
    form without any indicator row.
    """
    rows: list[CellRow] = []
    number = 0
    for page_no, page in enumerate(pdf.pages, start=1):
        try:
            chars = page.chars
            check_text_layer(page, chars, page_no)
            if page_no > 1:
                rows.append(CellRow.page_break(page_no))
            for cells in page_rows(page, chars, page_no):
                number += 1
                rows.append(CellRow(number, cells, "\t".join(cells), page_no))
        finally:
            page.close()
    document = parse_department_rows(rows, list(events or []), LAYOUT)
    document.page_count = len(pdf.pages)
    return document


def page_rows(page, chars: list[dict], page_no: int) -> list[list[str]]:
    """The rows of one page, top to bottom, each a list of cell texts (see the module docstring)."""
    tables = sorted(page.find_tables(TABLE_SETTINGS), key=lambda t: (t.bbox[1], t.bbox[0]))
    placed: list[tuple[float, float, list[str]]] = []
    inside_tables: set[int] = set()
    for table in tables:
        for row in table.rows:
            cells = []
            for bbox in row.cells:
                if bbox is None:
                    cells.append("")
                    continue
                mine = [i for i, c in enumerate(chars) if i not in inside_tables and _centre_in(c, bbox)]
                inside_tables.update(mine)
                cells.append("".join(line.text.strip() for line in text_lines([chars[i] for i in mine], page_no)))
            placed.append((row.bbox[1], row.bbox[0], cells))
    outside = [c for i, c in enumerate(chars) if i not in inside_tables and not any(_centre_in(c, t.bbox) for t in tables)]
    for line in text_lines(outside, page_no):
        text = line.text.strip()
        if text and not _PAGE_NUMBER.match(text):
            placed.append((line.top, line.x0, [text]))
    placed.sort(key=lambda item: (item[0], item[1]))
    return [cells for _, _, cells in placed]


def _centre_in(char: dict, bbox) -> bool:
    x0, top, x1, bottom = bbox
    h = (char["x0"] + char["x1"]) / 2
    v = (char["top"] + char["bottom"]) / 2
    return x0 <= h < x1 and top <= v < bottom
