"""`make docs`: the dbt docs are generated and served over HTTP, with the overview page, groups with
owners and the exposures (fetched from the running server, as a browser would)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return response.read()


def test_make_docs_serves_overview_owners_and_exposures(tmp_path):
    port = free_port()
    env = {**os.environ}
    env.pop("DAGSTER_HOME", None)
    process = subprocess.Popen(
        ["make", "--no-print-directory", "-C", str(REPO_ROOT), "docs", f"DOCS_PORT={port}", f"WAREHOUSE_DIR={tmp_path}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, start_new_session=True, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                index = fetch(base + "/")
                break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "make docs did not serve within 5 minutes"
                time.sleep(1)
        assert b"<title>dbt Docs</title>" in index
        manifest = json.loads(fetch(base + "/manifest.json"))
        overview = manifest["docs"]["doc.budget_targets.__overview__"]["block_contents"]
        assert "Where to start" in overview and "rpt_document_summary" in overview
        owners = {g["name"]: g["owner"]["email"] for g in manifest["groups"].values()}
        assert set(owners) == {"pipeline", "budget_analytics"} and all("@" in e for e in owners.values())
        marts = [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["schema"] == "marts"]
        assert marts and all(n["group"] == "budget_analytics" for n in marts)
        exposures = {e["name"]: e for e in manifest["exposures"].values()}
        assert set(exposures) == {"serving_database", "bi_example_queries"}
        assert len(exposures["serving_database"]["depends_on"]["nodes"]) == len(marts)
        fetch(base + "/catalog.json")
        assert (tmp_path / "dbt_docs" / "static_index.html").stat().st_size > 100_000  # opens offline from disk
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # `dbt docs serve` does not always end on SIGTERM
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
