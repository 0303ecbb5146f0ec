"""The warehouse report: charts of ``serving.duckdb`` in one self-contained HTML file, and a PDF of it.

- ``charts.py``: one function per chart (reading, Altair/Vega-Lite spec, the numbers behind it),
  over the ``marts.rpt_*`` dbt models;
- ``html.py``: the single HTML file (vega/vega-lite/vega-embed inlined from ``vl-convert-python``);
- ``browser.py``: headless Chromium with the project's flags (PDF printing, tests);
- ``build.py``: :func:`write_report`, called by the ``warehouse_report`` asset and ``make report``.
"""

from orchestration.reporting.build import ReportFiles, write_report

__all__ = ["ReportFiles", "write_report"]
