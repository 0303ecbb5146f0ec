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
