"""Make a scan of a text PDF: every page rendered to an image (with the blur, skew and JPEG noise of a
real scanner) and saved as an image-only PDF, so its text layer is the truth an OCR read is judged by.

Development tool (tests, ``make bench``): PDF bytes in, PDF bytes out.

    .venv/bin/python -m devtools.rasterize_pdf in.pdf out.pdf --dpi 150 --pages 10-14
"""

from __future__ import annotations

import argparse
import io
import random

#: What a scanner does to a page by default: resolution, Gaussian blur radius (px), rotation (degrees), JPEG quality.
DEFAULT_DPI, DEFAULT_BLUR, DEFAULT_SKEW, DEFAULT_QUALITY = 150, 0.6, 0.0, 70


def rasterize(data: bytes, dpi: int = DEFAULT_DPI, pages: list[int] | None = None, blur: float = DEFAULT_BLUR,
              skew: float = DEFAULT_SKEW, quality: int = DEFAULT_QUALITY, seed: int = 0, edit=None) -> bytes:
    """The image-only PDF of ``data``'s ``pages`` (1-based; all when ``None``), each page one JPEG at ``dpi``.

    ``edit(page_no, PIL image) -> image`` may change a page before the noise (plant a misread digit).
    The page size in points is kept, so coordinates compare with the text layer's."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    source = pdfium.PdfDocument(data)
    numbers = pages or list(range(1, len(source) + 1))
    images = []
    for page_no in numbers:
        page = source[page_no - 1]
        image = page.render(scale=dpi / 72).to_pil().convert("L")
        if edit is not None:
            image = edit(page_no, image)
        if blur:
            image = image.filter(ImageFilter.GaussianBlur(blur))
        if skew:
            image = image.rotate(rng.uniform(-skew, skew), resample=Image.BICUBIC, fillcolor=255)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        images.append(Image.open(io.BytesIO(buffer.getvalue())))
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()


def with_invisible_layer(data: bytes, text_of=None, dpi: int = DEFAULT_DPI, blur: float = DEFAULT_BLUR,
                         quality: int = DEFAULT_QUALITY, layer: bytes | None = None) -> bytes:
    """A scan of the one-page text PDF ``data`` with an invisible OCR layer, as OCR tools (ocrmypdf, a scanner's
    software) lay one over the image: the page as one JPEG at ``dpi`` (:func:`rasterize`), and over it every
    character of the page's own text layer at its own place, drawn in render mode 3 (invisible) with
    reportlab's ``STSong-Light``. ``text_of(text) -> text`` changes each line's text first (a poor layer:
    ``lambda t: t.encode("gbk").decode("latin-1")`` is the mojibake of a wrong code page); the characters
    keep their places left to right. ``layer``: a one-page PDF whose characters are laid instead of ``data``'s (a
    layer from another page). No ruling lines are drawn: the rules are in the image only."""
    import pdfplumber
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    image = Image.open(io.BytesIO(_jpeg_of(data, dpi, blur, quality)))
    out = io.BytesIO()
    with pdfplumber.open(io.BytesIO(layer or data)) as pdf:
        page = pdf.pages[0]
        width, height = float(page.width), float(page.height)
        lines: dict[int, list[dict]] = {}
        for char in page.chars:
            if char["text"].strip():
                lines.setdefault(round(char["bottom"]), []).append(char)
        c = canvas.Canvas(out, pagesize=(width, height), invariant=1)
        c.drawImage(ImageReader(image), 0, 0, width=width, height=height)
        text = c.beginText()
        text.setTextRenderMode(3)
        for chars in lines.values():
            chars.sort(key=lambda ch: ch["x0"])
            line = "".join(ch["text"] for ch in chars)
            changed = text_of(line) if text_of else line
            for index, letter in enumerate(changed):
                source = chars[min(index * len(chars) // max(len(changed), 1), len(chars) - 1)]
                text.setFont("STSong-Light", source["size"])
                text.setTextOrigin(source["x0"] + (index * len(chars) / len(changed) % 1) * source["width"],
                                   height - source["bottom"] + 0.12 * source["size"])
                text.textOut(letter)
        c.drawText(text)
        c.showPage()
        c.save()
    return out.getvalue()


def _jpeg_of(data: bytes, dpi: int, blur: float, quality: int) -> bytes:
    """Page 1 of ``data`` as the JPEG a scanner would make (blur, JPEG noise), at ``dpi``."""
    import pypdfium2 as pdfium
    from PIL import ImageFilter

    image = pdfium.PdfDocument(data)[0].render(scale=dpi / 72).to_pil().convert("L")
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("--dpi", type=int, default=DEFAULT_DPI)
    parser.add_argument("--pages", help="1-based, e.g. 10-14 or 3,5")
    parser.add_argument("--blur", type=float, default=DEFAULT_BLUR)
    parser.add_argument("--skew", type=float, default=DEFAULT_SKEW)
    parser.add_argument("--quality", type=int, default=DEFAULT_QUALITY)
    args = parser.parse_args(argv)
    pages = None
    if args.pages:
        pages = []
        for part in args.pages.split(","):
            a, _, b = part.partition("-")
            pages += list(range(int(a), int(b or a) + 1))
    with open(args.source, "rb") as f:
        data = f.read()
    with open(args.target, "wb") as f:
        f.write(rasterize(data, args.dpi, pages, args.blur, args.skew, args.quality))


if __name__ == "__main__":
    main()
