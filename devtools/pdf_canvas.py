"""Drawing a table on a reportlab canvas: fonts, the look of a rendering (:class:`Variant`), wrapping, column edges.

Shared by :mod:`.render_pdf` (项目支出绩效目标表) and :mod:`.render_department_pdf`
(部门整体绩效目标 form). Geometry in points, ``top`` measured from the page top as
pdfplumber measures it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pdfminer.cmapdb import CMapDB
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

CID_FONT = "STSong-Light"
TTF_FONT = "WenQuanYiZenHei"
#: Where Debian's fonts-wqy-zenhei puts the font (a TrueType collection; face 0 is Zen Hei).
TTF_CANDIDATES = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",)

MARGIN = 36.0  # points, left/right/top
FOOTER_SPACE = 48.0  # points kept free at the bottom for the footer
class FontUnavailable(RuntimeError):
    """The TrueType CJK font of a ``ttf`` variant is not installed."""


LATIN_FALLBACK = "Helvetica"


class FontSet:
    """The font of a variant plus a Latin fallback for characters the CID font cannot encode.

    ``font_for(ch)`` is the font a character is drawn in; ``width`` measures
    a string (points); ``draw`` writes it as runs of one font each.
    """

    def __init__(self, kind: str):
        self.primary = register_font(kind)
        self._cid = kind == "cid"
        self._cache: dict[str, str] = {}
        if self._cid:
            self._cmap = CMapDB.get_cmap("UniGB-UCS2-H")
            self._unicode = CMapDB.get_unicode_map("Adobe-GB1", False)

    def font_for(self, ch: str) -> str:
        """``primary`` unless it is the CID font and ``ch`` does not round-trip through it."""
        if not self._cid:
            return self.primary
        font = self._cache.get(ch)
        if font is None:
            font = self.primary if self._cid_round_trips(ch) else LATIN_FALLBACK
            if font == LATIN_FALLBACK and not (ch.isprintable() and ord(ch) < 256):
                raise ValueError(f"character {ch!r} (U+{ord(ch):04X}) cannot be drawn as text in {self.primary}")
            self._cache[ch] = font
        return font

    def _cid_round_trips(self, ch: str) -> bool:
        if ord(ch) > 0xFFFF:
            return False
        cids = list(self._cmap.decode(ord(ch).to_bytes(2, "big")))
        try:
            return bool(cids) and self._unicode.get_unichr(cids[0]) == ch
        except KeyError:
            return False

    def runs(self, s: str) -> list[tuple[str, str]]:
        """``s`` cut into ``(font, text)`` runs."""
        result: list[tuple[str, str]] = []
        for ch in s:
            font = self.font_for(ch)
            if result and result[-1][0] == font:
                result[-1] = (font, result[-1][1] + ch)
            else:
                result.append((font, ch))
        return result

    def width(self, s: str, size: float) -> float:
        return sum(pdfmetrics.stringWidth(text, font, size) for font, text in self.runs(s))

    def draw(self, c, x: float, baseline: float, s: str, size: float) -> None:
        for font, text in self.runs(s):
            c.setFont(font, size)
            c.drawString(x, baseline, text)
            x += pdfmetrics.stringWidth(text, font, size)

    def draw_spaced(self, c, x: float, baseline: float, s: str, size: float, spacing: float) -> None:
        """Draw ``s`` with ``spacing`` points added after every character but the last (PDF ``Tc``)."""
        for font, text in self.runs(s):
            c.setFont(font, size)
            c.drawString(x, baseline, text, charSpace=spacing)
            x += pdfmetrics.stringWidth(text, font, size) + spacing * len(text)


@dataclass(frozen=True)
class Variant:
    """How one rendering looks.

    ``widths`` are the column widths in points (their sum is the table
    width): seven for the 项目支出绩效目标表, eight for the 部门整体绩效目标
    form (:mod:`.render_department_pdf`); ``grid`` draws vertical rules too
    (else horizontal rules only); ``font`` is ``cid`` or ``ttf``; sizes in
    points. ``repeat_header`` is read by the department form only (print an
    indicator table's header again on a page that continues it); the project
    table always repeats its header. ``footer`` is the page footer's format
    (``{page}`` and ``{pages}`` filled in): ``第 N 页 共 M 页`` by default, or a
    publisher's other style such as ``- N / M -``. ``pad`` is the space
    between a cell's rules and its text (points; ``None``: 0.35 × the font
    size); ``justify`` stretches every wrapped line of the 绩效目标 and 绩效指标
    cells but the last to the full width of its cell (两端对齐, as a Word
    export does), so that with ``pad=0`` the text of one column touches the
    text of the next.
    """

    name: str
    landscape: bool
    grid: bool
    font: str
    widths: tuple[float, ...]
    font_size: float = 8.0
    title_every_page: bool = False
    repeat_header: bool = True
    footer: str = "第 {page} 页 共 {pages} 页"
    pad: float | None = None
    justify: bool = False

    @property
    def page_size(self) -> tuple[float, float]:
        """(width, height) in points."""
        return landscape(A4) if self.landscape else A4


def ttf_path() -> Path | None:
    """Path of the TrueType CJK font (``CJK_TTF_PATH`` or Debian's WenQuanYi), ``None`` if missing."""
    candidates = [os.environ["CJK_TTF_PATH"]] if os.environ.get("CJK_TTF_PATH") else list(TTF_CANDIDATES)
    return next((Path(c) for c in candidates if Path(c).is_file()), None)


def register_font(kind: str) -> str:
    """Register the font of a variant with reportlab and return its name.

    Raises :class:`FontUnavailable` for ``ttf`` when no font file is found.
    """
    if kind == "cid":
        if CID_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
        return CID_FONT
    if kind == "ttf":
        if TTF_FONT not in pdfmetrics.getRegisteredFontNames():
            path = ttf_path()
            if path is None:
                raise FontUnavailable(
                    "no TrueType CJK font: install Debian's fonts-wqy-zenhei (`make fonts`, as root) "
                    "or set CJK_TTF_PATH to a .ttf/.ttc file"
                )
            pdfmetrics.registerFont(TTFont(TTF_FONT, str(path), subfontIndex=0))
        return TTF_FONT
    raise ValueError(f"unknown font kind {kind!r} (cid or ttf)")


# --------------------------------------------------------------------------
# Wrapping
# --------------------------------------------------------------------------


def wrap(text: str, width: float, fonts: FontSet, size: float) -> list[str]:
    """Greedy character wrap of ``text`` into lines no wider than ``width`` points.

    A break is moved back so that no line starts or ends with a space (the
    parser strips each wrapped line before joining them). Empty text → ``[]``.
    """
    lines: list[str] = []
    start, n = 0, len(text)
    while start < n:
        used, end = 0.0, start
        while end < n:
            w = fonts.width(text[end], size)
            if end > start and used + w > width:
                break
            used += w
            end += 1
        if end < n:
            k = end
            while k > start + 1 and (text[k - 1] == " " or text[k] == " "):
                k -= 1
            if text[k - 1] != " " and text[k] != " ":
                end = k
        lines.append(text[start:end])
        start = end
    return lines


def cell_pad(variant: Variant) -> float:
    """Space between a cell's rules and its text (points): the variant's ``pad``, else 0.35 × the font size."""
    return variant.pad if variant.pad is not None else round(variant.font_size * 0.35, 2)


def line_leading(variant: Variant) -> float:
    return round(variant.font_size * 1.25, 2)


# --------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------


def column_edges(variant: Variant) -> list[float]:
    """x of every vertical rule of the table (points, left to right), the table centred on the page.

    Raises ``ValueError`` when the variant's columns are wider than the page
    between its margins. Shared by both renderers.
    """
    page_width = variant.page_size[0]
    table_width = sum(variant.widths)
    if table_width > page_width - 2 * MARGIN + 0.01:
        raise ValueError(f"variant {variant.name}: columns ({table_width} pt) wider than the page")
    edges = [(page_width - table_width) / 2]
    for w in variant.widths:
        edges.append(edges[-1] + w)
    return edges


def draw_text(c, font: FontSet, page_height: float, x: float, top: float, s: str, font_size: float,
              align: str = "left", justify_width: float | None = None) -> None:
    """Draw ``s`` with its top at ``top`` (points from the page top, as pdfplumber measures).

    ``x`` is the left edge (``left``), the right edge (``right``) or the centre
    (``centre``) of the text. With ``justify_width`` (``left`` only) the space
    between characters is widened so that the last character ends exactly
    ``justify_width`` points right of ``x``. Shared by both renderers.
    """
    baseline = page_height - (top + font_size * 0.88)
    width = font.width(s, font_size)
    if justify_width is not None and align == "left" and len(s) > 1 and width < justify_width:
        font.draw_spaced(c, x, baseline, s, font_size, (justify_width - width) / (len(s) - 1))
        return
    start = x if align == "left" else x - width if align == "right" else x - width / 2
    font.draw(c, start, baseline, s, font_size)


def new_canvas(buffer, variant: Variant, title: str) -> rl_canvas.Canvas:
    """A reportlab canvas on ``buffer`` in the variant's page size, titled, with 0.5 pt rules; byte-identical per input."""
    c = rl_canvas.Canvas(buffer, pagesize=variant.page_size, invariant=1)
    c.setTitle(title)
    c.setLineWidth(0.5)
    return c
