"""Hand-built PDFs for the PDF parser's failure cases (no text layer, no Unicode map), and the font rule."""

from __future__ import annotations

import functools
import io
import os

import pytest


def require_cjk_ttf() -> None:
    """The one rule for tests that render with the TrueType CJK font (variants ``*-ttf``).

    Without the font the test is skipped with what to install, except under CI
    (``$CI`` set), where a missing font fails: CI must exercise the embedded-font PDFs.
    """
    from devtools.pdf_canvas import ttf_path

    if ttf_path() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have the TrueType CJK font (make fonts installs fonts-wqy-zenhei)")
        pytest.skip("no TrueType CJK font here: run `make fonts` as root (Debian fonts-wqy-zenhei)")


def rendered_seed(prefix: str, variant: str):
    """``(text document, pdf bytes, pdf document)``: the project-target seed ``prefix`` (``"000"``) parsed by the
    text path, rendered in ``variant`` of ``devtools.render_pdf`` and parsed back as ``<prefix>-<variant>.pdf``.

    Rendered and parsed once per test session (``test_pdf_tables`` and ``test_char_conservation`` read the same
    renders); the ``*-ttf`` variants follow :func:`require_cjk_ttf`. Callers only read the documents.
    """
    from devtools.render_pdf import VARIANTS

    if VARIANTS[variant].font == "ttf":
        require_cjk_ttf()
    return _rendered_seed(prefix, variant)


@functools.lru_cache(maxsize=None)
def _rendered_seed(prefix: str, variant: str):
    from devtools.render_pdf import render_document
    from orchestration.parsing import parse_document
    from tests.conftest import PROJECT_TARGET_SEEDS

    seed = next(p for p in PROJECT_TARGET_SEEDS if p.name.startswith(prefix))
    text_doc = parse_document(seed.read_bytes(), seed.name)
    data = render_document(text_doc, variant)
    return text_doc, data, parse_document(data, f"{prefix}-{variant}.pdf")


def minimal_pdf(objects: list[bytes]) -> bytes:
    """A PDF whose objects 1..n are ``objects`` (object 1 the catalog), with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def cid_without_unicode_pdf() -> bytes:
    """One page of CJK-looking text in a CID font with ``Identity-H`` encoding and no ToUnicode map.

    pdfplumber can only report such glyphs as ``(cid:N)``: it is what a PDF
    looks like whose producer embedded a subset font without a Unicode table.
    """
    content = b"BT /F1 12 Tf 72 760 Td <0A1B0C2D0E3F1A2B> Tj 0 -20 Td <3C4D5E6F> Tj ET"
    return minimal_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            b"<< /Type /Font /Subtype /Type0 /BaseFont /NoUnicodeCJK /Encoding /Identity-H "
            b"/DescendantFonts [6 0 R] >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoUnicodeCJK "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            b"/FontDescriptor 7 0 R /DW 1000 >>",
            b"<< /Type /FontDescriptor /FontName /NoUnicodeCJK /Flags 4 /FontBBox [0 -200 1000 900] "
            b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
        ]
    )


def image_only_pdf(pages: int = 2) -> bytes:
    """A 'scanned' PDF: every page is one grey image with a ruled table drawn into it, no text."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (420, 300), 235)
    draw = ImageDraw.Draw(image)
    for y in range(20, 300, 40):
        draw.line((10, y, 410, y), fill=40)
        draw.rectangle((20, y + 10, 200, y + 22), fill=120)  # a "line of text", as pixels
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=landscape(A4), invariant=1)
    for _ in range(pages):
        c.drawImage(ImageReader(image), 36, 36, width=770, height=520)
        c.showPage()
    c.save()
    return buffer.getvalue()
