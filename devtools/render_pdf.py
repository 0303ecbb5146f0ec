"""Render a parsed 项目支出绩效目标表 back into a PDF laid out the way it is published.

A development tool: it makes the sample PDFs in ``warehouse/samples`` (``make
samples``) and the PDFs of the round-trip tests. It is the inverse of the
parser on purpose: a seed is parsed by the text path, rendered here, parsed
again by :mod:`orchestration.parsing.pdf_document`, and both record sets must be
equal.

Layout (one :class:`Variant` decides page, rules, font and column widths):

- page 1 (every page with ``title_every_page``): the title centred, then
  ``部门名称：…`` on the left and ``单位：万元`` on the right of one line;
- a ruled table of seven columns 项目名称（资金使用单位）/总计/财政拨款/财政专户拨款/
  其他资金/绩效目标/绩效指标, its header row repeated at the top of every page;
- the 合计 row and spending-unit rows unindented, project rows indented by two
  characters; amounts right-aligned as published (``2,541.82``), an empty
  amount is an empty cell;
- long cells wrapped inside the cell, character by character (CJK has no
  word boundaries); a line never starts or ends with a space, so joining the
  wrapped lines without separator gives the cell text back;
- a row that does not fit at the bottom of a page is split: the part on the
  next page has empty name and amount cells and carries on the 绩效目标 and
  绩效指标 text (a row whose name does not fit moves to the next page whole);
- the footer (``第 N 页 共 M 页``, or the variant's own style such as
  ``- N / M -``) centred at the bottom of every page.

Indicators are printed back as their numbered text: the ``raw_text`` of each
indicator of the project (``1、1-产出指标；11-数量指标；…``), concatenated.

Fonts: ``cid`` is reportlab's built-in ``STSong-Light`` (Adobe-GB1 CID font,
not embedded: smallest files). A few characters have no code in its
``UniGB-UCS2-H`` encoding (``·`` U+00B7 in seed 003): a PDF reader gets no
text for them, so they are drawn in Helvetica instead (as mixed-font
published PDFs do), checked with pdfminer's own CMaps. ``ttf`` embeds a subset of WenQuanYi Zen Hei
(Debian ``fonts-wqy-zenhei``, installed by ``make fonts``; another TrueType
CJK font can be given with the environment variable ``CJK_TTF_PATH``).

The 部门整体绩效目标 form is rendered by :mod:`.render_department_pdf`
(variants ``dept-…``), which shares the fonts, wrapping and
:class:`Variant` of :mod:`.pdf_canvas`; :func:`render_seed` and ``--samples`` pick the renderer by
the seed's document type.

CLI::

    python -m devtools.render_pdf SEED.txt OUT.pdf --variant landscape-grid-cid
    python -m devtools.render_pdf 002_….txt OUT.pdf --variant dept-portrait-grid-ttf
    python -m devtools.render_pdf --samples warehouse/samples   # make samples
"""

from __future__ import annotations

import argparse
import io
import math
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path


from devtools.pdf_canvas import (  # noqa: F401  (ttf_path, FontUnavailable: re-exported for the tests)
    FOOTER_SPACE,
    MARGIN,
    FontSet,
    FontUnavailable,
    Variant,
    cell_pad,
    column_edges,
    draw_text,
    line_leading,
    new_canvas,
    ttf_path,
    wrap,
)
from devtools.render_department_pdf import DEFAULT_DEPARTMENT_VARIANT, DEPARTMENT_VARIANTS, render_department_seed
from orchestration.parsing import parse_document
from orchestration.parsing.records import AMOUNT_FIELDS, ParsedDocument
from orchestration.parsing.text_common import format_amount

HEADER_LABELS = ("项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标")

MIN_SPLIT_LINES = 3  # a row is split only if at least this many lines fit on the page


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        # 768 pt wide table on landscape A4, full grid, built-in CID font.
        Variant("landscape-grid-cid", landscape=True, grid=True, font="cid",
                widths=(150, 56, 56, 60, 56, 170, 220)),
        # 523 pt on portrait A4, horizontal rules only, embedded TrueType subset,
        # narrow amount columns (header labels wrap), title repeated on every page.
        Variant("portrait-rules-ttf", landscape=False, grid=False, font="ttf",
                widths=(96, 46, 46, 40, 46, 110, 139), font_size=7.0, title_every_page=True),
        # Landscape, rules only, CID font, a wide name column and other proportions.
        Variant("landscape-rules-cid-wide", landscape=True, grid=False, font="cid",
                widths=(210, 52, 52, 52, 52, 160, 190), font_size=7.5),
        # The layout of issue #14's losing PDF, as a new user would make it: portrait, horizontal
        # rules only, narrow columns of 6.5 pt text wrapped onto many lines, the embedded TrueType
        # font split by reportlab into several subset fonts (more than 256 distinct glyphs), the
        # title block on every page, cells top-aligned, footer ``- N / M -``.
        Variant("portrait-rules-ttf-narrow", landscape=False, grid=False, font="ttf",
                widths=(80, 40, 40, 36, 40, 120, 167), font_size=6.5, title_every_page=True,
                footer="- {page} / {pages} -"),
        # Issue #25's layout: the narrow portrait rules-only table again, but the cells have no
        # padding and the 绩效目标 / 绩效指标 lines are justified to the full cell width (两端对齐), so
        # the goal column's text runs right up to the boundary where the indicator column's text
        # begins: there is no empty strip between the two columns to find.
        Variant("portrait-rules-ttf-flush", landscape=False, grid=False, font="ttf",
                widths=(80, 40, 40, 36, 40, 120, 167), font_size=6.5, title_every_page=True,
                footer="- {page} / {pages} -", pad=0.0, justify=True),
    )
}
DEFAULT_VARIANT = "landscape-grid-cid"


# --------------------------------------------------------------------------
# Rows and pages
# --------------------------------------------------------------------------


@dataclass
class Piece:
    """The part of one table row drawn on one page (all cell texts already wrapped)."""

    name: list[str]
    indent: float
    amounts: list[str]
    goal: list[str]
    indicators: list[str]
    #: (goal, indicators): the cell's text goes on on the next page (its last line here is not its last)
    continues: tuple[bool, bool] = (False, False)

    def line_count(self) -> int:
        return max(1, len(self.name), len(self.goal), len(self.indicators))


@dataclass
class Page:
    pieces: list[Piece] = field(default_factory=list)


def document_rows(doc: ParsedDocument, variant: Variant, font: FontSet) -> list[Piece]:
    """One :class:`Piece` per budget line, cells wrapped to the variant's column widths."""
    size, pad = variant.font_size, cell_pad(variant)
    inner = [w - 2 * pad for w in variant.widths]
    indicators_by_line: dict[int, list[str]] = {}
    for ind in doc.indicators:
        indicators_by_line.setdefault(ind.line_no, []).append(ind.raw_text)
    rows = []
    for line in doc.budget_lines:
        if line.line_type == "department_total":
            name, indent = "合计", 0.0
        elif line.line_type == "spending_unit":
            name, indent = line.spending_unit or "", 0.0
        else:
            name, indent = line.project_name or "", 2 * size
        amounts = ["" if getattr(line, f) is None else format_amount(getattr(line, f)) for f in AMOUNT_FIELDS]
        for text, width in zip(amounts, inner[1:5]):
            if font.width(text, size) > width:
                raise ValueError(f"amount {text} does not fit its column in variant {variant.name}")
        rows.append(
            Piece(
                name=wrap(name, inner[0] - indent, font, size),
                indent=indent,
                amounts=amounts,
                goal=wrap(line.goal_text or "", inner[5], font, size),
                indicators=wrap("".join(indicators_by_line.get(line.line_no, [])), inner[6], font, size),
            )
        )
    return rows


def _header_lines(variant: Variant, font: FontSet) -> list[list[str]]:
    pad = cell_pad(variant)
    return [wrap(label, w - 2 * pad, font, variant.font_size) for label, w in zip(HEADER_LABELS, variant.widths)]


def _table_top(variant: Variant, page_no: int) -> float:
    return MARGIN + 46 if page_no == 1 or variant.title_every_page else MARGIN


def paginate(rows: list[Piece], variant: Variant, header_height: float) -> list[Page]:
    """Place rows on pages, splitting a row that does not fit (see the module docstring)."""
    _, page_height = variant.page_size
    pad, leading = cell_pad(variant), line_leading(variant)
    limit = page_height - FOOTER_SPACE
    pages = [Page()]
    y = _table_top(variant, 1) + header_height

    def new_page() -> float:
        pages.append(Page())
        return _table_top(variant, len(pages)) + header_height

    for row in rows:
        piece = row
        while True:
            height = 2 * pad + leading * piece.line_count()
            if y + height <= limit:
                pages[-1].pieces.append(piece)
                y += height
                break
            fit = math.floor((limit - y - 2 * pad) / leading)
            if fit >= max(len(piece.name), MIN_SPLIT_LINES):
                head = replace(piece, goal=piece.goal[:fit], indicators=piece.indicators[:fit],
                               continues=(len(piece.goal) > fit, len(piece.indicators) > fit))
                pages[-1].pieces.append(head)
                piece = Piece(name=[], indent=piece.indent, amounts=["", "", "", ""],
                              goal=piece.goal[fit:], indicators=piece.indicators[fit:])
            elif not pages[-1].pieces:
                raise ValueError(f"a row name of {len(piece.name)} lines does not fit on one page")
            y = new_page()
    return pages


# --------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------


def render_document(doc: ParsedDocument, variant: Variant | str = DEFAULT_VARIANT) -> bytes:
    """Render a parsed 项目支出绩效目标表 as PDF bytes in the given variant.

    ``doc`` comes from :func:`orchestration.parsing.parse_document` (amounts
    in 万元). The output is deterministic (reportlab ``invariant`` mode): the
    same document and variant give the same bytes. Raises ``KeyError`` for an
    unknown variant name, :class:`FontUnavailable` when a ``ttf`` variant's
    font is missing, ``ValueError`` when a cell cannot be laid out.
    """
    if isinstance(variant, str):
        variant = VARIANTS[variant]
    font = FontSet(variant.font)
    size, pad, leading = variant.font_size, cell_pad(variant), line_leading(variant)
    page_width, page_height = variant.page_size
    edges = column_edges(variant)
    header = _header_lines(variant, font)
    header_height = 2 * pad + leading * max(len(h) for h in header)
    pages = paginate(document_rows(doc, variant, font), variant, header_height)

    buffer = io.BytesIO()
    c = new_canvas(buffer, variant, doc.title or "项目支出绩效目标表")

    def text(x: float, top: float, s: str, align: str = "left", font_size: float = size,
             justify_width: float | None = None) -> None:
        draw_text(c, font, page_height, x, top, s, font_size, align, justify_width)

    def hline(top: float) -> None:
        c.line(edges[0], page_height - top, edges[-1], page_height - top)

    for page_no, page in enumerate(pages, start=1):
        top = _table_top(variant, page_no)
        if page_no == 1 or variant.title_every_page:
            text(page_width / 2, MARGIN, doc.title or "", align="centre", font_size=size + 6)
            text(edges[0], MARGIN + 28, f"部门名称：{doc.department or ''}", font_size=size + 1)
            text(edges[-1], MARGIN + 28, "单位：万元", align="right", font_size=size + 1)
        rules = [top]
        for col, lines in enumerate(header):
            centre = (edges[col] + edges[col + 1]) / 2
            for i, s in enumerate(lines):
                text(centre, top + pad + i * leading, s, align="centre")
        y = top + header_height
        rules.append(y)
        for piece in page.pieces:
            for i, s in enumerate(piece.name):
                text(edges[0] + pad + piece.indent, y + pad + i * leading, s)
            for col, amount in enumerate(piece.amounts, start=1):
                if amount:
                    text(edges[col + 1] - pad, y + pad, amount, align="right")
            for col, lines, continues in ((5, piece.goal, piece.continues[0]),
                                          (6, piece.indicators, piece.continues[1])):
                full = edges[col + 1] - edges[col] - 2 * pad if variant.justify else None
                for i, s in enumerate(lines):
                    # a justified cell: every line but the cell's last is stretched to the full width
                    last = i == len(lines) - 1 and not continues
                    text(edges[col] + pad, y + pad + i * leading, s, justify_width=None if last else full)
            y += 2 * pad + leading * piece.line_count()
            rules.append(y)
        for r in rules:
            hline(r)
        if variant.grid:
            for x in edges:
                c.line(x, page_height - top, x, page_height - y)
        footer = variant.footer.format(page=page_no, pages=len(pages))
        text(page_width / 2, page_height - 30, footer, align="centre", font_size=size + 1)
        c.showPage()
    c.save()
    return buffer.getvalue()


def render_seed(seed: Path, variant: Variant | str | None = None) -> bytes:
    """Parse a text seed with the text path and render it in ``variant`` (default: its kind's default).

    A 项目支出绩效目标表 goes to :func:`render_document`, a 部门整体绩效目标 to
    :func:`.render_department_pdf.render_department_seed`. Raises
    ``ValueError`` for a seed of another type or a variant of the other kind.
    """
    doc = parse_document(seed.read_bytes(), seed.name)
    if doc.doc_type == "department_targets":
        return render_department_seed(seed, _variant_of_kind(variant, DEFAULT_DEPARTMENT_VARIANT, department=True))
    if doc.doc_type != "project_targets":
        raise ValueError(f"{seed.name}: only 项目支出绩效目标表 and 部门整体绩效目标 documents can be rendered, not {doc.doc_type}")
    return render_document(doc, _variant_of_kind(variant, DEFAULT_VARIANT, department=False))


def _variant_of_kind(variant: Variant | str | None, default: str, department: bool) -> Variant | str:
    if variant is None:
        return default
    name = variant.name if isinstance(variant, Variant) else variant
    if name.startswith("dept-") != department:
        kind = "部门整体绩效目标" if department else "项目支出绩效目标表"
        raise ValueError(f"variant {name} is not a {kind} variant")
    return variant


def render_samples(folder: Path, variant: Variant | str = DEFAULT_VARIANT) -> list[Path]:
    """Render every ``*.txt`` seed of ``folder`` to ``<same name>.pdf``; return the PDFs.

    项目支出绩效目标表 seeds in ``variant``, 部门整体绩效目标 seeds in
    :data:`.render_department_pdf.DEFAULT_DEPARTMENT_VARIANT`; other seeds are skipped.
    """
    written = []
    for seed in sorted(folder.glob("*.txt")):
        doc = parse_document(seed.read_bytes(), seed.name)
        if doc.doc_type == "project_targets":
            data = render_document(doc, variant)
        elif doc.doc_type == "department_targets":
            data = render_department_seed(seed, DEFAULT_DEPARTMENT_VARIANT)
        else:
            continue
        out = seed.with_suffix(".pdf")
        out.write_bytes(data)
        written.append(out)
    return written


def main(argv: list[str] | None = None) -> int:
    """CLI: ``render_pdf SEED.txt OUT.pdf [--variant NAME]`` or ``render_pdf --samples FOLDER``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed", type=Path, nargs="?", help="text extract of a 项目支出绩效目标表 or 部门整体绩效目标 (a seed)")
    parser.add_argument("out", type=Path, nargs="?", help="PDF file to write")
    parser.add_argument("--variant", default=None, choices=sorted(VARIANTS) + sorted(DEPARTMENT_VARIANTS),
                        help=f"default: {DEFAULT_VARIANT} (project targets), dept-… default for department targets")
    parser.add_argument("--samples", type=Path, metavar="FOLDER",
                        help="render every project-target and department-target *.txt of FOLDER to a .pdf beside it")
    args = parser.parse_args(argv)
    if args.samples:
        outputs = render_samples(args.samples, args.variant or DEFAULT_VARIANT)
    elif args.seed and args.out:
        args.out.write_bytes(render_seed(args.seed, args.variant))
        outputs = [args.out]
    else:
        parser.error("give SEED.txt OUT.pdf, or --samples FOLDER")
    for out in outputs:
        print(f"{out}: {out.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
