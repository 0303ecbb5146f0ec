"""GX Data Docs open offline: the pages the pipeline builds load nothing from another host, and the
index and a validation page render in headless Chromium with every request but file:// blocked.

The warehouse is the session's run of the main job over the five seeds (``seeded_warehouse``),
whose GX gate and marts suites build the Data Docs through the project's site builder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orchestration.quality import runner as quality
from orchestration.quality.data_docs import assert_self_contained
from tests.chromium_helpers import chromium_page

pytestmark = pytest.mark.slow

#: A script, stylesheet/icon or image whose URL names a host (http:, https: or protocol-relative).
REMOTE_LOAD = re.compile(r"""<(script|link|img)\b[^>]*?\b(src|href)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""", re.IGNORECASE)

#: Visible rows (non-empty boxes) of every table body on the page.
VISIBLE_ROWS_JS = """sel => [...document.querySelectorAll(sel)].filter(row => {
    const box = row.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && row.innerText.trim() !== '';
}).map(row => row.innerText)"""


@pytest.fixture(scope="module")
def site(seeded_warehouse):
    result, _ = seeded_warehouse
    pages = {}
    for evaluation in result.check_evaluations():
        value = evaluation.metadata.get("data_docs")
        if value is not None:
            pages.update(value.value)
    assert {"staging_reconciliation", "marts_row_counts"} <= set(pages), pages
    return {"index": quality.DATA_DOCS_DIR / "index.html", "pages": {s: Path(p) for s, p in pages.items()}}


def test_no_page_loads_anything_from_another_host(site):
    # every page written since the run began (the site is shared: pages of earlier sessions are not ours)
    since = min(p.stat().st_mtime for p in site["pages"].values()) - 1
    every_page = sorted(p for p in quality.DATA_DOCS_DIR.rglob("*.html") if p.stat().st_mtime >= since)
    assert site["index"] in every_page and set(site["pages"].values()) <= set(every_page)
    for page in every_page:
        remote = REMOTE_LOAD.findall(page.read_text("utf-8"))
        assert not remote, (page, remote)
    assert_self_contained(every_page)  # and every local script, stylesheet and image is in the site
    vendor = quality.DATA_DOCS_DIR / "static" / "vendor"
    assert (vendor / "jquery" / "dist" / "jquery.min.js").is_file()
    assert (vendor / "@fortawesome" / "fontawesome-free" / "webfonts" / "fa-solid-900.woff2").is_file()


def _open_offline(page, log, path: Path) -> None:
    blocked = []

    def block(route):
        blocked.append(route.request.url)
        route.abort()

    page.context.route(lambda url: not url.startswith("file://"), block)
    page.goto(path.as_uri(), wait_until="load")
    # scripts ran (bootstrap-table drew its rows) and the web fonts in use are in (Font Awesome's icons)
    page.wait_for_function("() => document.readyState === 'complete' && document.fonts.status === 'loaded'")
    page.wait_for_timeout(300)
    assert not blocked, blocked
    assert not [u for u in log.requests if not u.startswith("file://")], log.requests
    assert not log.console_errors, log.console_errors
    assert not log.page_errors, log.page_errors
    assert not log.failed, log.failed  # every vendored file was found


def test_index_renders_its_validation_table_offline_in_chromium(site):
    with chromium_page() as (page, log):
        _open_offline(page, log, site["index"])
        # bootstrap-table (jQuery, Bootstrap) draws the rows from data: none without the scripts
        rows = page.evaluate(VISIBLE_ROWS_JS, "#Validation-Results table tbody tr")
        assert len(rows) >= 5, rows
        assert any("staging_reconciliation" in row or "marts_row_counts" in row for row in rows), rows
        # Font Awesome's status icons drew with the vendored font
        icon_width = page.evaluate("() => { const i = document.querySelector('i.fas'); return i ? i.getBoundingClientRect().width : 0 }")
        assert icon_width > 0
        assert page.evaluate("() => document.fonts.check('900 16px \"Font Awesome 6 Free\"')")


def test_validation_page_shows_asset_severity_and_notes_offline_in_chromium(site):
    path = site["pages"]["staging_reconciliation"]
    with chromium_page() as (page, log):
        _open_offline(page, log, path)
        text = page.inner_text("body")
        assert "Data asset: staging_reconciliation" in text  # GX showed "Data asset: None"
        rows = page.evaluate(VISIBLE_ROWS_JS, "table tbody tr")
        assert rows and any("Parent vs sum of children" in row for row in rows), rows
        notes = page.eval_on_selector_all(".ge-expectation-notes", "els => els.map(e => e.innerText)")
        assert any(n.startswith("critical") and "does not add up" in n for n in notes), notes
        assert any(n.startswith("warning") and "Rounding in the source" in n for n in notes), notes
