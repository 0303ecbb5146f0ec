"""HTML → tables: every innermost ``<table>`` of a saved web page is one :class:`~.grid.GridTable`.

Government sites wrap the published table in navigation, layout tables and a
footer. Rules:

- **Encoding**: a BOM, else UTF-8 when the bytes decode as UTF-8, else the
  ``charset`` the page declares (GB2312 / GBK are read as GB18030, their
  superset), else GB18030; a ``decoded_as`` event names what was used when not UTF-8.
- **Tables**: only tables that contain no other table (layout tables hold the real
  one); ``rowspan`` / ``colspan`` spans expanded as the grid shows them
  (a ``rowspan="0"`` or beyond the table is clipped to the table).
- **Text around tables**: the page's text outside the tables, line by line,
  between two tables becomes the next table's caption (its title, ``单位：万元``),
  after the last table its ``notes`` (``填表人：… 联系电话：…``); ``<head>`` (the
  browser tab's title), ``<script>`` and ``<style>`` are dropped.
- Provenance: ``page`` is the table's number, ``address`` ``'table 2 row 5 col 3'``.
Raises :class:`~orchestration.parsing.records.ParseError` when the page has no table.
"""

from __future__ import annotations

import re

from ..records import ParseError
from .cells import clean_text, grid_table
from .grid import DocumentLayout

_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
          "header", "footer", "ul", "ol", "dd", "dt", "center", "form"}
_MARK = "\ue000TABLE{}\ue000"  # a private-use character: never in a page's text
#: Largest span honoured: a ``rowspan="9999"`` typo is clipped to the table.
MAX_SPAN = 1000


def decode_html(data: bytes) -> tuple[str, list[tuple[str, str, int | None]]]:
    """The page's text and the events of decoding (rules in the module docstring)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    match = _CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii").lower() if match else None
    codec = "gb18030" if declared in (None, "gb2312", "gbk", "gb18030", "x-gbk") else declared
    try:
        text = data.decode(codec)
        return text, [("decoded_as", f"the page is not UTF-8; decoded as {codec} (declared: {declared or 'none'})", None)]
    except (LookupError, UnicodeDecodeError):
        text = data.decode("gb18030", errors="replace")
        return text, [("decoded_as", f"the page is neither UTF-8 nor valid {declared or 'GB18030'}; decoded as GB18030 "
                                     "with undecodable bytes replaced by U+FFFD", None)]


def read_html_layout(data: bytes) -> DocumentLayout:
    """Bytes of a saved web page → :class:`DocumentLayout` (innermost tables, text around them as captions/notes)."""
    import lxml.html

    text, events = decode_html(data)
    try:
        root = lxml.html.document_fromstring(text)
    except Exception as error:  # noqa: BLE001 - lxml's ParserError on an empty document
        raise ParseError(f"not a readable HTML page: {error}") from None
    for element in root.xpath("//script|//style|//noscript|//head"):
        element.drop_tree()
    leaf_tables = root.xpath("//table[not(.//table)]")
    grids = [_table_cells(t) for t in leaf_tables]
    for n, table in enumerate(leaf_tables):
        marker = lxml.html.Element("p")
        marker.text = _MARK.format(n)
        marker.tail = table.tail
        table.getparent().replace(table, marker)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK:
            element.tail = "\n" + (element.tail or "")
    lines = [clean_text(line) for line in root.text_content().split("\n")]
    tables, pending, head = [], [], []
    for line in lines:
        match = re.fullmatch("\ue000TABLE(\\d+)\ue000", line)
        if match:
            texts, spans = grids[int(match.group(1))]
            number = len(tables) + 1
            tables.append(grid_table(number, number, texts, spans,
                                     lambda i, j, k=number: f"table {k} row {i + 1} col {j + 1}", caption=pending))
            pending = []
        elif line:
            pending.append(line)
            if not tables and len(head) < 12:
                head.append(line)
    tables = [t for t in tables if t.rows]
    if not tables:
        raise ParseError("the HTML page holds no table with text: save the page that shows the 绩效目标表 itself")
    tables[-1].notes += pending
    for n, table in enumerate(tables, start=1):
        table.table_no = n
    return DocumentLayout(page_count=len(tables), tables=tables, narrative_pages=[], head_lines=head, events=events)


def _table_cells(table) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """One ``<table>`` → rows of texts with merged ranges (rowspan/colspan laid onto an occupancy grid)."""
    rows = [tr for tr in table.iter("tr")]
    taken: dict[tuple[int, int], bool] = {}
    texts: list[list[str]] = []
    spans: list[tuple[int, int, int, int]] = []
    for i, tr in enumerate(rows):
        row_texts: dict[int, str] = {}
        col = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th"):
                continue
            while taken.get((i, col)):
                col += 1
            rowspan = _span(cell.get("rowspan"), len(rows) - i)
            colspan = _span(cell.get("colspan"), MAX_SPAN)
            for br in cell.iter("br"):
                br.tail = "\n" + (br.tail or "")
            for block in cell.iter("p", "div"):
                block.tail = "\n" + (block.tail or "")
            row_texts[col] = clean_text(cell.text_content())
            for di in range(rowspan):
                for dj in range(colspan):
                    taken[(i + di, col + dj)] = True
            if rowspan > 1 or colspan > 1:
                spans.append((i, col, i + rowspan - 1, col + colspan - 1))
            col += colspan
        width = max(row_texts, default=-1) + 1
        texts.append([row_texts.get(j, "") for j in range(width)])
    return texts, spans


def _span(value: str | None, limit: int) -> int:
    """A rowspan/colspan attribute as a count ≥ 1; ``0`` (HTML: to the end) and oversize values clipped to ``limit``."""
    try:
        n = int(str(value).strip()) if value is not None else 1
    except ValueError:
        return 1
    if n == 0:
        return max(limit, 1)
    return max(1, min(n, limit))
