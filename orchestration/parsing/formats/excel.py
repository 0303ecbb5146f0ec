"""Excel → tables: every non-empty worksheet is one :class:`~.grid.GridTable`.

- ``.xlsx`` through openpyxl (``read_only=False``: merged ranges are only known then;
  ``data_only=True``: a formula cell gives its cached value);
- ``.xls`` (BIFF, Excel 97–2003) through xlrd (``formatting_info=True`` for the merged ranges).

Numbers stored as numbers come out as Excel displays them for plain cells
(``250.0`` → ``'250'``, ``3309840.0`` → ``'3309840'``); numbers stored as text
are kept as written. Provenance: ``page`` is the sheet's 1-based position,
``address`` ``'<sheet>!B7'``. The sheet name is the table's first caption line
(a budget-system export names it ``部门项目支出绩效目标05-2``). Hidden sheets are
read too (nothing is dropped silently): a ``hidden_sheet`` event names them.
Raises :class:`~orchestration.parsing.records.ParseError` for a damaged workbook.
"""

from __future__ import annotations

import io

from ..records import ParseError
from .cells import clean_text, grid_table
from .grid import DocumentLayout

#: Largest sheet read (rows × columns): a real form is a few thousand cells.
MAX_CELLS_PER_SHEET = 2_000_000


def _column_letters(j: int) -> str:
    letters = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _address(sheet: str):
    return lambda i, j: f"{sheet}!{_column_letters(j)}{i + 1}"


def read_xlsx_layout(data: bytes) -> DocumentLayout:
    """Bytes of an ``.xlsx`` workbook → :class:`DocumentLayout` (one table per non-empty sheet)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # noqa: BLE001 - zipfile / XML errors of a damaged file
        raise ParseError(f"not a readable Excel workbook (.xlsx): {type(error).__name__}: {error}. "
                         "Open and save it again in Excel or WPS, or export the table as PDF.") from None
    tables, events = [], []
    for page, sheet in enumerate(book.worksheets, start=1):
        if sheet.max_row * sheet.max_column > MAX_CELLS_PER_SHEET:
            raise ParseError(f"sheet {sheet.title!r} spans {sheet.max_row} rows × {sheet.max_column} columns, more "
                             f"than the {MAX_CELLS_PER_SHEET:,} cells a performance-target form can have")
        texts = [[clean_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        spans = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in sheet.merged_cells.ranges]
        if sheet.sheet_state != "visible":
            events.append(("hidden_sheet", f"sheet {sheet.title!r} is hidden in the workbook; read like the others", page))
        if not any(any(row) for row in texts):
            continue
        tables.append(grid_table(len(tables) + 1, page, texts, spans, _address(sheet.title), caption=[sheet.title]))
    return DocumentLayout(page_count=len(book.worksheets), tables=tables, narrative_pages=[], events=events)


def read_xls_layout(data: bytes) -> DocumentLayout:
    """Bytes of a legacy ``.xls`` workbook (BIFF8) → :class:`DocumentLayout` (one table per non-empty sheet)."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=io.StringIO())  # warnings not on stdout
    except Exception as error:  # noqa: BLE001 - xlrd raises XLRDError, struct.error … on damaged files
        raise ParseError(f"not a readable Excel 97–2003 workbook (.xls): {type(error).__name__}: {error}. "
                         "Open and save it again, or save it as .xlsx.") from None
    tables, events = [], []
    for page, sheet in enumerate(book.sheets(), start=1):
        if sheet.nrows * sheet.ncols > MAX_CELLS_PER_SHEET:
            raise ParseError(f"sheet {sheet.name!r} is larger than {MAX_CELLS_PER_SHEET:,} cells")
        texts = [[_xls_text(sheet.cell(i, j)) for j in range(sheet.ncols)] for i in range(sheet.nrows)]
        spans = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells]
        if sheet.visibility:
            events.append(("hidden_sheet", f"sheet {sheet.name!r} is hidden in the workbook; read like the others", page))
        if not any(any(row) for row in texts):
            continue
        tables.append(grid_table(len(tables) + 1, page, texts, spans, _address(sheet.name), caption=[sheet.name]))
    return DocumentLayout(page_count=book.nsheets, tables=tables, narrative_pages=[], events=events)


def _xls_text(cell) -> str:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_NUMBER:
        return clean_text(float(cell.value))
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    return clean_text(cell.value)
