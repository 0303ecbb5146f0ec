"""The review list and its evidence through the main job (issue 27 §3), on real documents.

One run over three real PDFs and a file that cannot load:

- ``广州_市政务服务和数据管理局_2026_项目支出绩效目标表.pdf``: its 合计 prints 86,246.64 万元 where its units sum
  to 86,246.63 (a rounding the source prints): reconciliation findings with the row's page and bbox;
- the 北京 副中心 情况说明 and its 部门预算报表: the note states 公务接待费 “2026 年预算数 1.45 万元” (p6), 预算09表
  prints 1.443252 万元 (14,432.52 元): a narrative-vs-tables difference; the 报表's 预算11表 is of no known kind
  and its 预算03表 is held back (a duplicate key);
- ``empty.pdf`` (0 bytes): quarantined, so "not analysed" is listed too.

The evidence_images asset renders each region into ``WAREHOUSE_DIR/evidence``; the report embeds them, and a
browser test opens it in headless Chromium and checks that the finding's image is loaded next to it. The seeds
(text extracts, the session's ``seeded_warehouse``) show their lines instead of an image.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from orchestration.ingestion.filing import locate_document
from orchestration.reporting.evidence import render_evidence
from orchestration.reporting.evidence_store import read_requests
from orchestration.ingestion.loading import read_only_connection
from orchestration.settings import duckdb_path
from tests.bundles import REALDOCS
from tests.chromium_helpers import chromium_page
from tests.pipeline import query

PROJECTS = REALDOCS / "guangzhou-2026" / "广州_市政务服务和数据管理局_2026_项目支出绩效目标表.pdf"
NOTE = REALDOCS / "beijing" / "北京_城市副中心工程建设管理办公室_2026_部门预算情况说明.pdf"
TABLES = REALDOCS / "beijing" / "北京_城市副中心工程建设管理办公室_2026_部门预算报表.pdf"

#: For each review item: is its evidence image loaded (complete, naturalWidth > 0), and the finding's text.
ITEMS_JS = """() => [...document.querySelectorAll('li.review-item')].map((li) => {
  const img = li.querySelector('img.evidence-image');
  return {reason: li.dataset.reason, text: li.querySelector('.finding').innerText,
          image: img ? {complete: img.complete, width: img.naturalWidth, height: img.naturalHeight,
                        shownWidth: img.getBoundingClientRect().width} : null,
          lines: li.querySelector('pre.evidence-lines') ? li.querySelector('pre.evidence-lines').innerText : null};
})"""


@pytest.fixture(scope="module")
def warehouse(guangzhou_beijing_run):
    """The main job over the three real PDFs and an empty file: (batch result, warehouse dir). The session's run
    (``tests/shared_runs.py``) that the 广州 2026 and narrative-pair modules read too: the 广州 部门整体 form
    is there as well."""
    if not all(p.is_file() for p in (PROJECTS, NOTE, TABLES)):
        pytest.skip(f"the real documents are not in {REALDOCS}")
    return guangzhou_beijing_run


def queue(wh: Path) -> list[tuple]:
    return query(wh, "SELECT reason_code, file_name, source_page, reason, evidence_path, bbox_top, bbox_bottom "
                     "FROM marts.rpt_review_queue ORDER BY review_no")


@pytest.mark.slow
def test_the_queue_lists_findings_and_what_was_not_analysed(warehouse):
    result, wh = warehouse
    assert result.success
    rows = queue(wh)
    by_reason = {}
    for row in rows:
        by_reason.setdefault(row[0], []).append(row)
    # 0 bytes: not analysed, and said so
    [(_, name, page, reason, path, _, _)] = by_reason["quarantined"]
    assert (name, page, path) == ("empty.pdf", None, None) and "0 bytes" in reason
    # the prose states 1.45 万元, the table prints 14,432.52 元 (p9): one difference, shown on the note's p6
    [(_, name, page, reason, path, _, _)] = by_reason["narrative_differs_from_tables"]
    assert (name, page) == (NOTE.name, 6) and "1.450000 万元" in reason and "14432.52 元" in reason and "p. 9" in reason
    assert path.endswith(".png") and path.startswith("evidence/")
    # 预算11表 财政拨款政府购买服务明细表 (p11) is of no known kind; 预算03表 (p3), classified twice on every row
    # (功能 × 经济), is read with its cross codes and no longer held back
    assert [(r[1], r[2]) for r in by_reason["table_kind_unknown"]] == [(TABLES.name, 11)]
    assert "预算11表 财政拨款政府购买服务明细表" in by_reason["table_kind_unknown"][0][3]
    assert "table_held_back" not in by_reason
    # the Guangzhou 合计 row: 86,246.64 printed against 86,246.63 summed, p1, with the row's box
    totals = [r for r in by_reason["reconciliation_difference"] if "合计 amount_total" in r[3]]
    [(_, name, page, reason, path, top, bottom)] = totals
    assert (name, page) == (PROJECTS.name, 1) and "86246.64" in reason and "86246.63" in reason
    assert top is not None and bottom > top
    # every current document is either in the queue or was analysed with nothing to review
    assert set(by_reason) <= {"quarantined", "narrative_differs_from_tables", "table_kind_unknown",
                              "table_held_back", "reconciliation_difference", "cells_left_out"}


@pytest.mark.slow
def test_each_finding_has_its_image_rendered_once(warehouse):
    _, wh = warehouse
    paths = {r[4] for r in queue(wh) if r[4]}
    assert paths and all((wh / p).is_file() for p in paths)
    recorded = dict(query(wh, "SELECT evidence_path, status FROM raw.evidence_images"))
    assert {p: recorded[p] for p in paths} == {p: "rendered" for p in paths}
    # the Guangzhou 合计 image shows that row, outlined: the crop's text holds the printed 86,246.64
    [(path, page, top, bottom)] = query(wh, """SELECT evidence_path, source_page, bbox_top, bbox_bottom
        FROM marts.rpt_review_queue WHERE reason LIKE '%合计 amount_total%'""")
    with pdfplumber.open(PROJECTS) as pdf:
        shown = pdf.pages[page - 1].crop((0, max(top - 40, 0), pdf.pages[page - 1].width, bottom + 40)).extract_text()
    assert "86,246.64" in shown or "86246.64" in shown
    image = Image.open(wh / path)
    assert image.width > 800 and 100 < image.height < 400
    # a second render finds every file present and renders nothing
    with read_only_connection(duckdb_path(wh)) as con:
        requests, known = read_requests(con)
    again = render_evidence(requests, wh, lambda d: locate_document(d, known.get(d), [wh / "archive"]))
    assert {o.status for o in again} == {"present"} and len(again) == len(paths)


@pytest.mark.slow
def test_the_report_shows_each_finding_with_its_image_in_chromium(warehouse):
    _, wh = warehouse
    html_path = wh / "report" / "report.html"
    assert html_path.is_file()
    with chromium_page() as (page, log):
        page.goto(html_path.resolve().as_uri())
        page.wait_for_selector("li.review-item")
        page.wait_for_function("() => [...document.querySelectorAll('img.evidence-image')].every((i) => i.complete)")
        items = page.evaluate(ITEMS_JS)
    assert log.page_errors == [] and set(log.requests) == {html_path.resolve().as_uri()}
    narrative = [i for i in items if i["reason"] == "narrative_differs_from_tables"]
    assert len(narrative) == 1 and "1.450000 万元" in narrative[0]["text"]
    assert narrative[0]["image"]["complete"] and narrative[0]["image"]["width"] > 800
    assert narrative[0]["image"]["shownWidth"] > 300
    total = [i for i in items if i["reason"] == "reconciliation_difference" and "合计 amount_total" in i["text"]]
    assert len(total) == 1 and total[0]["image"]["width"] > 800 and total[0]["image"]["height"] > 100
    quarantined = [i for i in items if i["reason"] == "quarantined"]
    assert len(quarantined) == 1 and quarantined[0]["image"] is None and "empty.pdf" in quarantined[0]["text"]


def test_text_extracts_show_their_lines(seeded_warehouse):
    """The seeds' reconciliation findings (text extracts) show the lines around the parent line, marked →."""
    result, wh = seeded_warehouse
    assert result.success
    rows = query(wh, """SELECT q.evidence_path, q.source_line, d.source_path
                        FROM marts.rpt_review_queue q JOIN raw.documents d USING (document_id)
                        WHERE q.reason_code = 'reconciliation_difference'""")
    marked_lines = set()
    for path, line, source in rows:
        assert path.endswith(f"/l{line}.txt")
        shown = (wh / path).read_text(encoding="utf-8").splitlines()
        [marked] = [s for s in shown if s.startswith("→")]
        assert marked.split(" | ", 1)[1] == Path(source).read_text(encoding="utf-8").splitlines()[line - 1]
        assert len(shown) == 5  # two lines before, two after
        marked_lines.add(marked)
    # 003: 合计 prints 13,789.02 where its units sum to 13,789.01 (line 10 of the extract)
    assert "→ 10 | 合计\t13,789.02\t13,021.22\t\t767.79\t\t" in marked_lines
