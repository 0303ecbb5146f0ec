"""The report's review list (orchestration/reporting/review_queue.py) on a serving file made here.

A real DuckDB serving file with ``marts.rpt_document_status`` and ``marts.rpt_review_queue``, and real evidence
files beside it: a PNG rendered from a planted PDF row, the lines of a text extract, and a region whose source
was gone (its ``.reason.json``).
"""

from __future__ import annotations

import base64

import duckdb

from orchestration.reporting.evidence import EvidenceRequest, render_evidence
from orchestration.reporting.review_queue import review_queue
from tests.unit.test_evidence import ROW_BOTTOM, ROW_TOP, ROW_X0, ROW_X1, planted_pdf, stored

QUEUE_COLUMNS = ("review_no INTEGER, document_id VARCHAR, file_name VARCHAR, file_format VARCHAR, "
                 "reason_code VARCHAR, reason VARCHAR, source_page INTEGER, source_line INTEGER, evidence_path VARCHAR")


def serving(root, queue_rows, documents=4, with_queue=True):
    path = root / "serving.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.rpt_document_status (document_id VARCHAR, is_current BOOLEAN)")
        con.executemany("INSERT INTO marts.rpt_document_status VALUES (?, true)", [[f"d{i}"] for i in range(documents)])
        if with_queue:
            con.execute(f"CREATE TABLE marts.rpt_review_queue ({QUEUE_COLUMNS})")
            if queue_rows:
                con.executemany("INSERT INTO marts.rpt_review_queue VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", queue_rows)
    return path


def test_each_row_shows_its_image_its_lines_or_why_not(tmp_path):
    root = tmp_path / "wh"
    document_id, pdf = stored(tmp_path, planted_pdf(), "planted.pdf")
    png = f"evidence/{document_id}/p1-abc.png"
    render_evidence([EvidenceRequest(png, document_id, "pdf", 1, None, (ROW_X0, ROW_TOP, ROW_X1, ROW_BOTTOM))], root,
                    lambda _: pdf)
    text_id, text = stored(tmp_path, "合计\t100.00\n甲单位\t60.00\n".encode(), "seed.txt")
    lines = f"evidence/{text_id}/l1.txt"
    render_evidence([EvidenceRequest(lines, text_id, "txt", None, 1)], root, lambda _: text)
    gone = f"evidence/{document_id}/p2-def.png"
    render_evidence([EvidenceRequest(gone, "f" * 64, "pdf", 2, None)], root, lambda _: None)
    path = serving(root, [
        (1, "q", "empty.pdf", "pdf", "quarantined", "隔离 quarantined: empty file (0 bytes)", None, None, None),
        (2, document_id, "planted.pdf", "pdf", "disclosure_check_difference", "表间差异 合计 1,200.00 vs 1,199.00", 1,
         None, png),
        (3, text_id, "seed.txt", "txt", "reconciliation_difference", "勾稽差异 合计 100.00 vs 90.00", None, 1, lines),
        (4, "f" * 64, "moved.pdf", "pdf", "table_kind_unknown", "未识别的表", 2, None, gone),
    ])
    with duckdb.connect(str(path), read_only=True) as con:
        section = review_queue(con)
    assert section.reading == (
        "4 items need a person in 4 of 4 current documents (1 隔离 quarantined, 1 表间差异 cross-table difference, "
        "1 勾稽差异 reconciliation difference, 1 未识别的表 table of unknown kind); the other 0 documents were analysed "
        "with nothing to review.")
    body = section.html
    # the PNG itself, inline (the report loads nothing else)
    inline = base64.b64encode((root / png).read_bytes()).decode("ascii")
    assert body.count('<img class="evidence-image"') == 1 and f"data:image/png;base64,{inline}" in body
    assert "→ 1 | 合计\t100.00" in body and "  2 | 甲单位\t60.00" in body
    assert "no evidence image: the document&#x27;s file is not found" in body
    # in reading order, each evidence inside its own item
    assert body.index("empty.pdf") < body.index("planted.pdf") < body.index("seed.txt") < body.index("moved.pdf")
    assert '<li class="review-item" id="review-2" data-reason="disclosure_check_difference">' in body


def test_zero_rows_and_no_table_are_not_the_same_reading(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with duckdb.connect(str(serving(tmp_path / "a", [], documents=3)), read_only=True) as con:
        empty = review_queue(con)
    assert empty.reading == ("Nothing needs a person: all 3 current documents were analysed and none prints a "
                             "difference.")
    with duckdb.connect(str(serving(tmp_path / "b", [], with_queue=False)), read_only=True) as con:
        missing = review_queue(con)
    assert missing.html is None and "not in this serving file" in missing.note
