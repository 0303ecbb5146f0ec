"""One self-contained HTML file: the charts' data, specs and JavaScript inside.

The file loads nothing from anywhere: vega, vega-lite and vega-embed come
inlined from the ``vl-convert-python`` package (:func:`vega_bundle`), each
chart's data is inline in its Vega-Lite spec, styles are inline, and vega-embed
runs with ``actions: false`` (no "open in editor" link). It opens from a USB
stick on a computer without network. Charts render as SVG; the numbers behind
each chart follow it as a table.
"""

from __future__ import annotations

import functools
import html
import json
import numbers
from datetime import datetime

import altair as alt
import numpy as np
import pandas as pd
import vl_convert

from orchestration.reporting.charts import CJK_FONT, PERCENT_COLUMNS, YEAR_COLUMNS, Section

_STYLE = """
body { font-family: %(font)s; margin: 2rem auto; max-width: 72rem; color: #1f2328; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2.4rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.3rem; }
.meta { color: #59636e; font-size: 0.9rem; }
.reading { font-size: 1rem; margin: 0.4rem 0 0.8rem; }
.note { color: #59636e; font-style: italic; }
.chart { min-height: 2rem; overflow-x: auto; }
.numbers { max-height: 22rem; overflow: auto; margin-top: 0.6rem; }
table { border-collapse: collapse; font-size: 0.8rem; }
th, td { border: 1px solid #d0d7de; padding: 0.2rem 0.4rem; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
nav ol { columns: 2; font-size: 0.9rem; }
@media print {
  body { margin: 0; max-width: none; }
  section { break-inside: avoid-page; }
  .numbers { max-height: none; overflow: visible; }
  nav { display: none; }
}
""" % {"font": CJK_FONT}

# Draw every chart; record the outcome on its element (data-rendered) and the
# Vega view on window.reportViews, so a browser test can check what was drawn.
_EMBED = """
window.reportViews = {};
const specs = JSON.parse(document.getElementById("chart-specs").textContent);
for (const [key, spec] of Object.entries(specs)) {
  const element = document.getElementById("chart-" + key);
  vegaEmbed(element, spec, {renderer: "svg", actions: false})
    .then((result) => { window.reportViews[key] = result.view; element.dataset.rendered = "true"; })
    .catch((error) => { element.dataset.rendered = "error"; console.error("chart " + key + ": " + error); });
}
"""


@functools.cache
def vega_bundle() -> str:
    """vega + vega-lite + vega-embed as one script, for the Vega-Lite version Altair writes.

    Built by ``vl-convert`` from the JavaScript it ships (no download); a few
    seconds the first time in a process, cached after that.
    """
    major_minor = ".".join(alt.SCHEMA_VERSION.split(".")[:2])
    return vl_convert.javascript_bundle(vl_version=major_minor)


def _script_json(value: object) -> str:
    """JSON safe to place inside a <script> element."""
    return json.dumps(value, ensure_ascii=False, default=str).replace("</", "<\\/")


#: Rows of a numbers table written into the HTML: the first N (the charts sort them largest or most
#: urgent first), then a caption naming the mart that holds all of them. Keeps the file small at any size.
TABLE_MAX_ROWS = 200


def numbers_table(frame: pd.DataFrame, caption: str, source: str | None = None,
                  max_rows: int = TABLE_MAX_ROWS) -> str:
    """The numbers behind a chart as an HTML table (numbers right-aligned, 2 decimals; shares as %).

    At most ``max_rows`` rows; a longer frame is cut and the caption says how many rows there are and
    where all of them are (``source``, e.g. ``marts.rpt_spending_by_source`` in serving.duckdb).
    """
    if frame.empty:
        return ""
    if len(frame) > max_rows:
        where = f"all in {source} (serving.duckdb)" if source else "all in serving.duckdb"
        caption = f"{caption}: first {max_rows:,} of {len(frame):,} rows, {where}"
        frame = frame.head(max_rows)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, record):
            if value is None or (pd.api.types.is_scalar(value) and not isinstance(value, str) and pd.isna(value)):
                cells.append("<td></td>")
            elif isinstance(value, (bool, np.bool_)):
                cells.append(f"<td>{'yes' if value else 'no'}</td>")
            elif isinstance(value, numbers.Number):  # Python and NumPy numbers alike
                if column in PERCENT_COLUMNS:
                    text = f"{float(value):.1%}"
                elif column in YEAR_COLUMNS:
                    text = f"{int(value)}"
                elif isinstance(value, numbers.Integral):
                    text = f"{int(value):,}"
                else:
                    text = f"{float(value):,.2f}"
                cells.append(f'<td class="num">{text}</td>')
            else:
                cells.append(f"<td>{html.escape(str(value))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="numbers"><table><caption>{html.escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def render_html(sections: list[Section], source_label: str, generated_at: datetime) -> str:
    """The report as one HTML document (charts, readings, numbers, inline JavaScript)."""
    toc = "".join(f'<li><a href="#{s.key}">{html.escape(s.title)}</a></li>' for s in sections)
    body = []
    for section in sections:
        if section.spec is not None:
            shown = (f'<p class="reading">{html.escape(section.reading)}</p>'
                     f'<div class="chart" id="chart-{section.key}" data-chart="{section.key}"></div>')
        elif section.html is not None:  # a section of its own markup (the review list)
            shown = f'<p class="reading">{html.escape(section.reading)}</p>{section.html}'
        else:  # nothing to draw: the note says why
            shown = f'<p class="note">{html.escape(section.note or section.reading)}</p>'
        body.append(
            f'<section id="{section.key}"><h2>{html.escape(section.title)}</h2>{shown}'
            f'{numbers_table(section.table, "Numbers behind the chart 图表数据", section.source)}</section>'
        )
    specs = {s.key: s.spec for s in sections if s.spec is not None}
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        # no request may leave the file: forbid every remote load outright
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; font-src data:\">"
        "<title>预算绩效目标仓库报告 · Budget warehouse report</title>"
        f"<style>{_STYLE}</style></head><body>"
        "<h1>预算绩效目标仓库报告 · Budget warehouse report</h1>"
        f'<p class="meta">From {html.escape(source_label)} · generated {generated_at:%Y-%m-%d %H:%M:%S %Z}'
        f" · {len(specs)} charts · amounts in 万元 (10,000 CNY) as published</p>"
        f"<nav><ol>{toc}</ol></nav>{''.join(body)}"
        f'<script type="application/json" id="chart-specs">{_script_json(specs)}</script>'
        f"<script>{vega_bundle()}</script><script>{_EMBED}</script>"
        "</body></html>\n"
    )
