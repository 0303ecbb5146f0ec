"""The warehouse side of the evidence images: what to render (``marts.rpt_review_queue``) and what became of it
(``raw.evidence_images``). The rendering itself is pure: :mod:`orchestration.reporting.evidence`."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import duckdb

from orchestration.reporting.evidence import EvidenceOutcome, EvidenceRequest

_REQUESTS_SQL = """
SELECT DISTINCT evidence_path, document_id, file_format, source_page, source_line,
       bbox_x0, bbox_top, bbox_x1, bbox_bottom, evidence_needle
FROM marts.rpt_review_queue
WHERE evidence_path IS NOT NULL
ORDER BY document_id, evidence_path
"""


def read_requests(con: duckdb.DuckDBPyConnection) -> tuple[list[EvidenceRequest], dict[str, str]]:
    """The evidence the review queue names (one request per path) and each document's recorded file path.

    An empty list when ``marts.rpt_review_queue`` is not built yet.
    """
    exists = con.execute("SELECT count(*) FROM information_schema.tables "
                         "WHERE table_schema = 'marts' AND table_name = 'rpt_review_queue'").fetchone()[0]
    if not exists:
        return [], {}
    requests = []
    for path, document_id, file_format, page, line, x0, top, x1, bottom, needle in con.execute(_REQUESTS_SQL).fetchall():
        bbox = (x0, top, x1, bottom) if None not in (x0, top, x1, bottom) else None
        requests.append(EvidenceRequest(path, document_id, file_format, page, line, bbox, needle))
    paths = dict(con.execute("SELECT document_id, source_path FROM raw.documents").fetchall())
    return requests, paths


def record_outcomes(con: duckdb.DuckDBPyConnection, outcomes: list[EvidenceOutcome]) -> None:
    """Upsert one ``raw.evidence_images`` row per outcome (a file found ``present`` keeps its first record)."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    rows = [(o.evidence_path, o.document_id, o.source_page, o.status, o.reason, o.located, o.bytes, o.width,
             o.height, o.seconds, now) for o in outcomes]
    con.execute("BEGIN")
    try:
        for row in rows:
            if row[3] == "present":
                con.execute("INSERT INTO raw.evidence_images VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                            "ON CONFLICT (evidence_path) DO NOTHING", list(row))
            else:
                con.execute("INSERT OR REPLACE INTO raw.evidence_images VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            list(row))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def summarise(outcomes: list[EvidenceOutcome]) -> dict[str, int | float]:
    """Counts by status, bytes written and the render time of the images rendered now (asset metadata)."""
    counts = Counter(o.status for o in outcomes)
    rendered = [o for o in outcomes if o.status == "rendered"]
    return {
        "requested": len(outcomes),
        **{status: counts.get(status, 0) for status in ("rendered", "present", "no_source", "failed", "not_renderable")},
        "rendered_bytes": sum(o.bytes or 0 for o in rendered),
        "render_seconds": round(sum(o.seconds for o in rendered), 2),
    }
