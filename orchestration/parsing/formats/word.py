"""Word (.docx) → tables: every table of the body is one :class:`~.grid.GridTable`.

Read with python-docx at the level of the cells as Word stores them
(``w:tc``), so merged cells come out as the grid shows them: ``w:gridSpan``
(horizontal merge) spans columns, ``w:vMerge`` (``restart`` … ``continue``)
spans rows, ``w:gridBefore`` skips leading grid columns. A cell's paragraphs are
joined like wrapped lines (CJK without separator). Paragraphs between two
tables are the next table's caption (a title such as ``项目支出绩效目标表``,
``单位：万元``); paragraphs after the last table are its ``notes``
(``填表人：… 联系电话：…``), so no text of the body is lost. Provenance:
``page`` is the table's 1-based number, ``address`` ``'table 2 row 5 col 3'``.
Raises :class:`~orchestration.parsing.records.ParseError` for a damaged file.
"""

from __future__ import annotations

import io

from ..records import ParseError
from .cells import clean_text, grid_table
from .grid import DocumentLayout

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx_layout(data: bytes) -> DocumentLayout:
    """Bytes of a ``.docx`` file → :class:`DocumentLayout` (one table per ``w:tbl`` of the body, nested tables too)."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - zipfile / XML / KeyError of a damaged file
        raise ParseError(f"not a readable Word document (.docx): {type(error).__name__}: {error}. "
                         "Open and save it again in Word or WPS, or export it as PDF.") from None
    tables, pending, head = [], [], []
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            text = clean_text(_text_of(child))
            if text:
                pending.append(text)
                if len(head) < 12:
                    head.append(text)
        elif child.tag == f"{_W}tbl":
            for tbl in child.iter(f"{_W}tbl"):  # the table, then any table nested in its cells
                number = len(tables) + 1
                texts, spans = _table_cells(tbl)
                tables.append(grid_table(number, number, texts, spans,
                                         lambda i, j, n=number: f"table {n} row {i + 1} col {j + 1}", caption=pending))
                pending = []
    if tables and pending:
        tables[-1].notes += pending
    events = []
    if not tables and pending:
        events.append(("no_table", f"{len(pending)} paragraphs and no table: {' '.join(pending)[:200]}", None))
    return DocumentLayout(page_count=len(tables), tables=tables, narrative_pages=[], head_lines=head, events=events)


def _text_of(element) -> str:
    """Text of a paragraph or cell: ``w:t`` runs joined, ``w:br`` / ``w:tab`` and paragraph ends as line breaks."""
    parts: list[str] = []
    for node in element.iter():
        if node.tag == f"{_W}t" and node.text:
            parts.append(node.text)
        elif node.tag in (f"{_W}br", f"{_W}cr", f"{_W}tab"):
            parts.append("\n")
        elif node.tag == f"{_W}p" and parts:
            parts.append("\n")
        elif node.tag == f"{_W}tbl" and node is not element:
            break  # a nested table is read as its own table
    return "".join(parts)


def _table_cells(tbl) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """``w:tbl`` → rows of texts and merged ranges (gridSpan, vMerge, gridBefore)."""
    texts: list[list[str]] = []
    spans: list[tuple[int, int, int, int]] = []
    open_vertical: dict[int, list] = {}  # column → [first_row, first_col, last_row, last_col]
    for i, tr in enumerate(tbl.findall(f"{_W}tr")):
        row: list[str] = []
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        col = int(before.get(f"{_W}val")) if before is not None else 0
        row += [""] * col
        for tc in tr.findall(f"{_W}tc"):
            span_el = tc.find(f"{_W}tcPr/{_W}gridSpan")
            width = int(span_el.get(f"{_W}val")) if span_el is not None else 1
            merge_el = tc.find(f"{_W}tcPr/{_W}vMerge")
            merge = None if merge_el is None else (merge_el.get(f"{_W}val") or "continue")
            text = clean_text(_text_of(tc))
            if merge == "continue" and col in open_vertical:
                open_vertical[col][2] = i
                row += [""] * width
            else:
                row += [text] + [""] * (width - 1)
                if merge == "restart":
                    open_vertical[col] = [i, col, i, col + width - 1]
                else:
                    open_vertical.pop(col, None)
                    if width > 1:
                        spans.append((i, col, i, col + width - 1))
            col += width
        texts.append(row)
        for start in [c for c, s in open_vertical.items() if s[2] < i]:
            spans.append(tuple(open_vertical.pop(start)))
    spans += [tuple(s) for s in open_vertical.values()]
    return texts, spans
