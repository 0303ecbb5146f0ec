"""Write the report from the serving database: ``report.html`` and ``report.pdf``."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from orchestration.reporting import browser
from orchestration.reporting.charts import Section, build_sections
from orchestration.reporting.html import render_html

REPORT_DIR_NAME = "report"
HTML_NAME = "report.html"
PDF_NAME = "report.pdf"


@dataclass(frozen=True)
class ReportFiles:
    """What :func:`write_report` wrote, and how long it took."""

    html: Path
    pdf: Path | None
    pdf_error: str | None
    sections: list[Section]
    seconds: float

    @property
    def charts(self) -> list[Section]:
        """The sections that drew a chart (the others say why not)."""
        return [s for s in self.sections if s.spec is not None]


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def write_report(serving_path: str | Path, out_dir: str | Path, pdf: bool = True) -> ReportFiles:
    """Build the report from ``serving_path`` (opened read-only) into ``out_dir``.

    Writes ``report.html`` (atomically: readers never see half a file) and,
    when ``pdf`` and Chromium is installed, ``report.pdf`` printed from it.
    A missing Chromium or a failed print is reported in ``pdf_error``, not
    raised: the HTML is the report, the PDF a convenience.
    """
    started = time.perf_counter()
    serving_path = Path(serving_path)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(serving_path), read_only=True) as con:
        sections = build_sections(con)
    html_path = out_dir / HTML_NAME
    _write_atomically(html_path, render_html(sections, serving_path.name, datetime.now(timezone.utc)))
    pdf_path, pdf_error = None, None
    if pdf:
        try:
            pdf_path = browser.print_to_pdf(html_path, out_dir / PDF_NAME)
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            pdf_error = str(error)
    return ReportFiles(html_path, pdf_path, pdf_error, sections, time.perf_counter() - started)
