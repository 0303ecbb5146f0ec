"""``python -m orchestration.reporting [--no-open] [--no-pdf]``: build the report from serving.duckdb and open it.

Used by ``make report``. Reads ``$WAREHOUSE_DIR/serving.duckdb`` (read-only)
and writes ``$WAREHOUSE_DIR/report/report.html`` (+ ``report.pdf``).
"""

from __future__ import annotations

import argparse
import sys
import webbrowser

from orchestration import settings
from orchestration.reporting.build import REPORT_DIR_NAME, write_report


def main(argv: list[str] | None = None) -> int:
    """Build the report; open it in the desktop's browser unless ``--no-open`` (or no display)."""
    parser = argparse.ArgumentParser(prog="python -m orchestration.reporting", description=__doc__)
    parser.add_argument("--no-open", action="store_true", help="write the files, do not open a browser")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    args = parser.parse_args(argv)
    serving = settings.warehouse_dir() / settings.SERVING_FILE_NAME
    if not serving.exists():
        print(f"{serving} does not exist yet: run `make run` first", file=sys.stderr)
        return 1
    files = write_report(serving, settings.warehouse_dir() / REPORT_DIR_NAME, pdf=not args.no_pdf)
    print(f"Report: {files.html} ({files.html.stat().st_size / 1e6:.1f} MB, {len(files.charts)} charts, "
          f"{files.seconds:.1f} s)")
    for section in files.sections:
        print(f"  {'chart' if section.spec else 'note '}  {section.title}: {section.reading}")
    if files.pdf:
        print(f"PDF:    {files.pdf}")
    elif not args.no_pdf:
        print(f"PDF not written: {files.pdf_error}")
    if not args.no_open:
        import os

        if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform in ("darwin", "win32"):
            webbrowser.open(files.html.as_uri())
        else:
            print(f"No display: open {files.html.as_uri()} in a browser")
    return 0


if __name__ == "__main__":
    sys.exit(main())
