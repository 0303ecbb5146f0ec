"""Headless Chromium, started the one way this project allows.

Debian's ``chromium`` (``make chromium``) prints the report to PDF and renders
it in the tests. Without these flags Chromium phones home (component updates,
sync, QUIC probes) and floods a closed network; every start goes through
:data:`CHROMIUM_FLAGS` and a new, empty profile directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

#: Flags for every headless start (plus a fresh ``--user-data-dir``).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def find_chromium() -> str | None:
    """Path of the Chromium executable (``$CHROMIUM``, else ``chromium`` on ``PATH``), or ``None``."""
    explicit = os.environ.get("CHROMIUM")
    if explicit and Path(explicit).is_file():
        return explicit
    return shutil.which("chromium") or shutil.which("chromium-browser")


def print_to_pdf(html_path: Path, pdf_path: Path, timeout_s: float = 120.0) -> Path:
    """Print ``html_path`` (a local file) to ``pdf_path`` with headless Chromium.

    Written to a temporary name and renamed, so a reader never sees half a PDF.
    Raises ``FileNotFoundError`` when Chromium is not installed and
    ``RuntimeError`` when it fails.
    """
    chromium = find_chromium()
    if chromium is None:
        raise FileNotFoundError("chromium is not installed (make chromium)")
    pdf_path = Path(pdf_path)
    tmp = pdf_path.with_name(f"{pdf_path.name}.tmp-{os.getpid()}")
    with tempfile.TemporaryDirectory(prefix="report-chromium-") as profile:
        done = subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                # let Vega draw before printing (virtual time: no real waiting)
                "--virtual-time-budget=10000",
                f"--print-to-pdf={tmp}",
                Path(html_path).resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
    if done.returncode != 0 or not tmp.exists() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"chromium --print-to-pdf failed (exit {done.returncode}): {done.stderr[-500:]}")
    os.replace(tmp, pdf_path)
    return pdf_path
