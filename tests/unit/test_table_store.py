"""The generic table store (issue 26): a table no reader reads keeps every cell, with page and bbox.

Read off the page: 上海市普陀区司法局 2026 部门预算, p2 is the 目录 drawn as a one-column ruled grid;
pdfplumber's page text shows 17 non-empty lines (目 录, then 七 chapters and 9 tables listed).
"""

from __future__ import annotations

import io

import pdfplumber

from orchestration.parsing.records import ParsedDocument
from orchestration.ingestion.loading import DocumentRegistration, connect, write_document
from tests.bundles import bundle_path, parsed_bundle

FILE = "上海市普陀区司法局_2026_部门预算.pdf"


def _contents(doc: ParsedDocument):
    (entry,) = [e for e in doc.disclosure.inventory if e.entry_type == "table" and e.kind == "contents"]
    return entry, [c for c in doc.disclosure.cells if c.table_no == entry.table_no]


def test_a_table_without_reader_keeps_every_cell_with_page_and_bbox():
    doc = parsed_bundle(FILE)
    entry, cells = _contents(doc)
    assert (entry.read, entry.first_page) == (False, 2)
    assert len(cells) == 17
    assert cells[0].text == "目 录" and cells[1].text.startswith("一、部门主要职能")
    assert cells[-1].text.startswith("七、项目经费情况说明")
    assert [c.row_no for c in cells] == sorted(c.row_no for c in cells) and {c.column_no for c in cells} == {1}
    assert all(c.source_page == 2 and c.address is None and c.bbox_x0 < c.bbox_x1 and c.bbox_top < c.bbox_bottom
               for c in cells)
    # every character of the drawn table is in a stored cell (the grid's own extraction, spaces aside)
    with pdfplumber.open(io.BytesIO(bundle_path(FILE).read_bytes())) as pdf:
        (drawn,) = pdf.pages[1].find_tables()
        printed = "".join("".join((text or "").split()) for row in drawn.extract() for text in row)
    assert "".join("".join(c.text.split()) for c in cells) == printed


def test_tables_read_by_a_reader_are_not_stored_twice():
    doc = parsed_bundle(FILE)
    read = {e.table_no for e in doc.disclosure.inventory if e.entry_type == "table" and e.read}
    assert read and not read & {c.table_no for c in doc.disclosure.cells}


def test_the_cells_land_in_raw_table_cells(tmp_path):
    doc = parsed_bundle(FILE)
    _, cells = _contents(doc)
    with connect(tmp_path / "warehouse.duckdb") as con:
        write_document(con, DocumentRegistration("c" * 64, FILE, FILE, "pdf", 1), doc, "loaded")
        rows = con.execute("SELECT row_no, column_no, text, source_page FROM raw.table_cells ORDER BY row_no").fetchall()
    assert rows == [(c.row_no, c.column_no, c.text, 2) for c in cells]
