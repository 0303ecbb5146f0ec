"""The report's review list (issue 27 §3): every row of ``marts.rpt_review_queue`` with its evidence beside it.

Each row is one thing a person has to look at (a difference the document prints, a table not analysed, a file
that did not load), with its reason and, where the evidence_images asset rendered one, the image of the source
region (the cells outlined) or the source lines of a text extract. Images are embedded in the HTML as ``data:``
URIs — the report forbids every other load (its Content-Security-Policy) and must open from a USB stick — up to
:data:`MAX_EMBEDDED_IMAGES`; rows beyond it link to their file (``../evidence/…``, relative to
``report/report.html``). The reading counts the documents that were analysed with nothing to review, so that
"zero findings" and "not analysed" are never confused.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.reporting.charts import Section, fetch, table_has_rows
from orchestration.reporting.evidence import read_reason

#: Images embedded in the report (each 20–80 KB of PNG, a third more as base64); later rows link to their file.
MAX_EMBEDDED_IMAGES = 40
#: Rows listed in the report; the rest are counted (all are in marts.rpt_review_queue and the dashboard).
MAX_LISTED = 300
#: The report's folder inside WAREHOUSE_DIR (orchestration/reporting/build.py): links to evidence go up one.
LINK_PREFIX = "../"

REASON_LABELS = {
    "quarantined": "隔离 quarantined",
    "registered_without_facts": "只登记 registered without facts",
    "table_kind_unknown": "未识别的表 table of unknown kind",
    "table_without_reader": "未读取的表 table without a reader",
    "table_held_back": "未发布的表 table held back",
    "cells_left_out": "未计入的单元格 cells left out",
    "reconciliation_difference": "勾稽差异 reconciliation difference",
    "disclosure_check_difference": "表间差异 cross-table difference",
    "narrative_differs_from_tables": "说明与报表不符 text ≠ tables",
    "narrative_without_tables": "未比对 narrative not compared",
}

STYLE = """
ol.review-queue { padding-left: 1.6rem; }
li.review-item { margin: 0.9rem 0; break-inside: avoid-page; }
li.review-item .finding { font-size: 0.9rem; }
li.review-item .where { color: #59636e; }
figure.evidence { margin: 0.3rem 0 0; }
figure.evidence img { max-width: 100%; border: 1px solid #d0d7de; }
figure.evidence figcaption { color: #59636e; font-size: 0.75rem; }
pre.evidence-lines { background: #f6f8fa; border: 1px solid #d0d7de; padding: 0.4rem; font-size: 0.8rem; overflow-x: auto; }
"""


def warehouse_root(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The folder of the serving file ``con`` reads (WAREHOUSE_DIR, where ``evidence/`` is), or ``None``."""
    for _, name, file in con.execute("PRAGMA database_list").fetchall():
        if file and name not in ("temp", "system"):
            return Path(file).resolve().parent
    return None


def review_queue(con: duckdb.DuckDBPyConnection) -> Section:
    """The review list as a report section: a reading, the rows with their evidence, and the counts per reason."""
    key, title = "review_queue", "待复核清单（附证据） Review list with the evidence"
    if not table_has_rows(con, "rpt_document_status"):
        note = "no documents registered"
        return Section(key, title, note, None, pd.DataFrame(), note)
    built = con.execute("SELECT count(*) FROM information_schema.tables "
                        "WHERE table_schema = 'marts' AND table_name = 'rpt_review_queue'").fetchone()[0]
    if not built:  # an older serving file: say so, never "nothing to review"
        note = "the review list (marts.rpt_review_queue) is not in this serving file: rebuild the marts"
        return Section(key, title, note, None, pd.DataFrame(), note)
    queue = fetch(con, "SELECT review_no, document_id, file_name, file_format, reason_code, reason, source_page, "
                       "source_line, evidence_path FROM marts.rpt_review_queue ORDER BY review_no")
    documents = fetch(con, "SELECT count(*) AS n FROM marts.rpt_document_status WHERE is_current")["n"].iloc[0]
    counts = (queue.groupby("reason_code").size().rename("rows").reset_index() if not queue.empty
              else pd.DataFrame(columns=["reason_code", "rows"]))
    reading = queue_reading(queue, int(documents))
    body = render_items(queue, warehouse_root(con))
    return Section(key, title, reading, None, counts, html=f"<style>{STYLE}</style>{body}")


def queue_reading(queue: pd.DataFrame, current_documents: int) -> str:
    """One line: how many rows, in how many documents, by kind; how many documents have nothing to review."""
    if queue.empty:
        return (f"Nothing needs a person: all {current_documents} current documents were analysed "
                "and none prints a difference.")
    flagged = queue["document_id"].nunique()
    # most rows first; a tie in the queue's own order (its first row)
    by_reason = (queue.groupby("reason_code").agg(rows=("review_no", "size"), first=("review_no", "min"))
                 .sort_values(["rows", "first"], ascending=[False, True]))
    parts = ", ".join(f"{n} {REASON_LABELS.get(code, code)}" for code, n in by_reason["rows"].items())
    clean = max(current_documents - flagged, 0)
    return (f"{len(queue)} items need a person in {flagged} of {current_documents} current documents ({parts}); "
            f"the other {clean} documents were analysed with nothing to review.")


def render_items(queue: pd.DataFrame, root: Path | None) -> str:
    """The rows as an ordered list, each with its evidence (image, source lines, or why there is none)."""
    if queue.empty:
        return ""
    items, embedded = [], 0
    for row in queue.head(MAX_LISTED).itertuples(index=False):
        where = (f"p. {int(row.source_page)}" if pd.notna(row.source_page)
                 else f"line {int(row.source_line)}" if pd.notna(row.source_line) else "")
        evidence, used = evidence_html(row.evidence_path, root, embed=embedded < MAX_EMBEDDED_IMAGES)
        embedded += used
        items.append(
            f'<li class="review-item" id="review-{int(row.review_no)}" data-reason="{html.escape(row.reason_code)}">'
            f'<div class="finding"><strong>{html.escape(REASON_LABELS.get(row.reason_code, row.reason_code))}</strong>'
            f' · {html.escape(str(row.file_name))} <span class="where">{html.escape(where)}</span><br>'
            f"{html.escape(str(row.reason))}</div>{evidence}</li>"
        )
    more = len(queue) - MAX_LISTED
    tail = (f'<p class="note">… and {more} more rows in marts.rpt_review_queue (serving.duckdb) and the dashboard.</p>'
            if more > 0 else "")
    return f'<ol class="review-queue">{"".join(items)}</ol>{tail}'


def evidence_html(evidence_path: str | None, root: Path | None, embed: bool) -> tuple[str, int]:
    """The evidence of one row as HTML, and 1 when an image was embedded (else 0)."""
    if not isinstance(evidence_path, str) or not evidence_path:
        return "", 0
    path = root / evidence_path if root is not None else None
    if path is None or not path.is_file():
        reason = (read_reason(root, evidence_path) if root is not None else None) or "not rendered (yet)"
        return f'<p class="note evidence-missing">no evidence image: {html.escape(reason)}</p>', 0
    caption = f'<figcaption>{html.escape(evidence_path)}</figcaption>'
    if path.suffix == ".txt":
        lines = path.read_text(encoding="utf-8", errors="replace")
        return f'<figure class="evidence"><pre class="evidence-lines">{html.escape(lines)}</pre>{caption}</figure>', 0
    if not embed:
        link = html.escape(LINK_PREFIX + evidence_path)
        return f'<p class="evidence-link"><a href="{link}">evidence image {html.escape(evidence_path)}</a></p>', 0
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (f'<figure class="evidence"><img class="evidence-image" alt="source region, cells outlined" '
            f'src="data:image/png;base64,{data}">{caption}</figure>', 1)
