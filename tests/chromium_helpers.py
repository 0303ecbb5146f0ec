"""Debian's headless Chromium driven by Playwright, for the report and dashboard tests.

Playwright only drives the browser: the executable is the system ``chromium``
(``make chromium``), never a browser Playwright would download, started with
the project's flags (``orchestration.reporting.browser.CHROMIUM_FLAGS``) and a
new, empty profile directory. Where Chromium is missing the tests skip, except
under ``CI=true`` where they fail (as the font tests do).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field

import pytest

from orchestration.reporting.browser import CHROMIUM_FLAGS, find_chromium


def require_chromium() -> str:
    """The Chromium executable; skip the test (fail under CI) when it is not installed."""
    chromium = find_chromium()
    if chromium is None:
        message = "Debian chromium is not installed (make chromium, as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return chromium


@dataclass
class BrowserLog:
    """What a page did: console errors, uncaught exceptions, every request it made and those that failed."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # url -> Chromium's error (net::ERR_BLOCKED_BY_CSP, …)

    def left_the_browser(self, origin: str) -> list[str]:
        """Requests to anything but ``origin`` that were not stopped inside the browser (by its CSP)."""
        return [u for u in self.requests
                if not u.startswith(origin) and self.failed.get(u) not in ("csp", "net::ERR_BLOCKED_BY_CSP")]


@contextlib.contextmanager
def chromium_page(width: int = 1280, height: int = 900):
    """Yield ``(page, log)``: a page of a fresh headless Chromium whose console and requests are recorded."""
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    log = BrowserLog()
    with tempfile.TemporaryDirectory(prefix="test-chromium-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=chromium,
            headless=True,
            args=[flag for flag in CHROMIUM_FLAGS if flag != "--headless"],
            viewport={"width": width, "height": height},
        )
        try:
            page = context.new_page()
            page.on("console", lambda m: log.console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: log.page_errors.append(str(e)))
            page.on("request", lambda r: log.requests.append(r.url))
            page.on("requestfailed", lambda r: log.failed.__setitem__(r.url, r.failure or ""))
            yield page, log
        finally:
            context.close()
