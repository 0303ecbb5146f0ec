"""The starter dashboard: `make dashboard` installs Superset, serves serving.duckdb read-only, and its page draws.

Slow (minutes): the temporary warehouse is a copy of the session's run over the
samples (``samples_run``, ``tests/shared_runs.py``: what the target's own `make run`
would build there, run once for this module and ``test_pdf_samples``); the target
installs Superset into dashboard/.venv when missing, initialises a fresh Superset
home and starts the server. The page is then opened in Debian's
headless Chromium, logged in as the local admin, and screenshotted
(``UPDATE_SCREENSHOTS=1`` copies the picture to docs/img/dashboard.png).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from orchestration.reporting.dashboard import DASHBOARD_PATH
from tests.chromium_helpers import chromium_page, require_chromium
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow

CHARTS = 8  # the starter dashboard without whole disclosures (dashboard/provision.py: CHARTS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout_s: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if process.poll() is not None:
            raise AssertionError(f"make dashboard exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(2)
    raise AssertionError(f"{url} did not answer within {timeout_s} s")


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory, samples_run):
    """`make dashboard` on a temporary warehouse and Superset home; yields (base URL, admin password, seconds to answer)."""
    require_chromium()
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    root = tmp_path_factory.mktemp("dashboard")
    result, samples_warehouse = samples_run
    assert result.success
    shutil.copytree(samples_warehouse, root / "warehouse")  # serving.duckdb is there: the target does not run again
    port = free_port()
    env = dict(os.environ, SUPERSET_HOME=str(root / "superset"))
    log = open(root / "make-dashboard.log", "w")
    process = subprocess.Popen(
        ["make", "dashboard", f"WAREHOUSE_DIR={root / 'warehouse'}", f"DASHBOARD_PORT={port}"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        seconds = wait_until_up(f"http://127.0.0.1:{port}/health", process, timeout_s=1200)
        password = (root / "superset" / "admin_password").read_text(encoding="utf-8").strip()
        yield f"http://127.0.0.1:{port}", password, seconds
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the group this test started: make, launcher, Superset
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()
        print((root / "make-dashboard.log").read_text(encoding="utf-8")[-3000:])


def test_dashboard_answers_and_its_first_page_draws(dashboard, tmp_path):
    base, password, seconds = dashboard
    print(f"make dashboard answered on its port after {seconds:.0f} s")
    with urllib.request.urlopen(f"{base}/health", timeout=10) as response:
        assert response.read().strip() == b"OK"
    with chromium_page(1440, 2400) as (page, log):
        page.goto(f"{base}/login/")
        page.locator("#username").fill("admin")
        page.locator("#password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/login" not in url, timeout=60_000)
        page.goto(f"{base}{DASHBOARD_PATH}?standalone=1")
        page.wait_for_function(
            f"""() => {{
              const cells = [...document.querySelectorAll('[data-test="chart-grid-component"]')];
              return cells.length === {CHARTS} && cells.every((c) => c.querySelector('canvas, table'));
            }}""",
            timeout=180_000,
        )
        page.wait_for_load_state("networkidle")
        sizes = page.eval_on_selector_all(
            '[data-test="chart-grid-component"]',
            # the largest drawn element of each cell (a table chart has a separate header table)
            "cells => cells.map(c => [...c.querySelectorAll('canvas, table')].map(e => e.getBoundingClientRect())"
            ".reduce((a, r) => r.width * r.height > a[0] * a[1] ? [r.width, r.height] : a, [0, 0]))",
        )
        titles = page.eval_on_selector_all('[data-test="chart-grid-component"]', "cells => cells.map(c => c.innerText)")
        shot = tmp_path / "dashboard.png"
        page.screenshot(path=str(shot))
    assert all(width > 100 and height > 50 for width, height in sizes), sizes
    text = "\n".join(titles)
    assert "部门支出" in text and "宣传部" in text, text  # Chinese labels, data from the marts
    assert log.page_errors == []
    # nothing leaves the local server: Superset's usage pixel is stopped by the CSP of superset_config.py
    assert log.left_the_browser(base) == [], (log.requests, log.failed)
    assert shot.stat().st_size > 50_000
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        shutil.copy(shot, REPO_ROOT / "docs" / "img" / "dashboard.png")
