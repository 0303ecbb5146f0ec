"""Scanned pages: an image-only PDF page becomes pdfplumber characters and ruling lines (issue 28).

Pure: an open pdfplumber page in, the same page out with its ``char`` and ``line`` objects
recognised from its image; no file I/O, no network. Every reader after this module runs
unchanged (:mod:`.pdf` finds the ruled tables with ``page.find_tables()``, narrative pages are
read from the characters), because the page now holds what a text layer would give:

1. **Which pages** (:func:`judge_text_layer`, one reason per page, kept in :class:`OcrPage` and in the
   tables' ``text_source``):

   - ``no_text_layer``: no visible character, and images cover at least :data:`MIN_IMAGE_SHARE` of it
     (:func:`is_image_page`);
   - ``cid_text``: characters that come out as ``(cid:N)`` (a font without a Unicode map: the glyphs
     render, their text cannot be read);
   - ``garbled_text``: at least :data:`MAX_UNREADABLE_SHARE` of its characters are unreadable
     (:func:`is_unreadable`: private use, U+FFFD, controls, letters outside ASCII and GB 2312 — the
     mojibake of a wrong encoding where a Chinese disclosure prints Chinese);
   - ``poor_invisible_layer``: its text is mostly invisible (render mode 3, :func:`invisible_text_shares`)
     over a page-sized image — someone's OCR layer — and does not form Chinese text: at least
     :data:`MAX_UNREADABLE_SHARE_INVISIBLE` unreadable, or under :data:`MIN_CJK_SHARE_INVISIBLE` of
     its letters Chinese (an engine trained on Latin script reading a Chinese scan); or it does, but
     disagrees with a quick OCR of its longest lines (:func:`layer_agreement`, under
     :data:`MIN_LAYER_AGREEMENT`: a layer from another page, or shifted off its image).

   Any other text layer is the truth and is never OCR'd, so a text document pays nothing. A good
   invisible layer over a scan is kept as it is; only the ruling lines of its image are added when the
   page draws none itself (:func:`attach_rules`), so its tables have cells.
2. **Raster**: the page rendered by pdfplumber (pypdfium2) at :data:`OCR_DPI` (150 dpi: 200 dpi
   reads the same amounts at the same cost, see the README's *Scanned pages*), then straightened by
   the skew of its long ruling lines (:func:`deskew`; coordinates are those of the straightened page).
3. **Text**: rapidocr (PP-OCR det + rec ONNX models shipped inside its wheel, run by onnxruntime;
   :func:`ocr_engine` names the packaged files, so nothing is ever downloaded) with per-word boxes.
   Each recognised word becomes characters (a Chinese word is one character; a number's box is
   split among its characters by width: half width for ASCII, full width otherwise), with the
   page's coordinates (points, top-left origin), ``fontname`` ``OCR`` and the recogniser's score
   in ``ocr_confidence`` (0–1).
4. **Rules**: the raster's ruling lines found by OpenCV morphology (an opening with a long
   horizontal, then vertical, kernel: strokes of text are shorter than :data:`MIN_RULE_PT`),
   each connected run becoming one pdfplumber ``line`` object in page coordinates: the same
   lines strategy forms the table cells as for a born-digital PDF.
5. **Quality**: a page whose mean recogniser confidence is below :data:`MIN_PAGE_CONFIDENCE` is refused
   with the "no text layer" reason (a 60 dpi scan reads as garbage at about 0.6: nothing is loaded from
   it); a page without ink outside its rules (:func:`ink_share`) is not given to the recogniser, and a
   blank sheet inside a scan whose other pages hold text becomes an empty page.
6. **Cost bound**: a document's OCR stops with a :class:`~..records.ParseError` once it has
   spent :data:`OCR_SECONDS_PER_PAGE` × image pages (``$OCR_SECONDS_PER_PAGE``); the parse
   pool's time and memory limits (:mod:`orchestration.ingestion.parallel`) hold around it as around any parse,
   the time limit raised by :func:`ocr_allowance_s` for a file that looks like a scan.

Licences: rapidocr Apache-2.0 (models: PaddleOCR, Apache-2.0), onnxruntime MIT, OpenCV Apache-2.0.
"""

from __future__ import annotations

import os
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..records import ParseError

#: Resolution the page is rendered at for OCR (dots per inch).
OCR_DPI = 150
#: Longest side (pixels) the text detector works at; boxes are mapped back to the full raster.
DET_LIMIT_SIDE = 960
#: Share of the page its images must cover for an empty page to be read as a scan.
MIN_IMAGE_SHARE = 0.25
#: Shortest run (points) read as a ruling line; strokes of characters are shorter.
MIN_RULE_PT = 24.0
#: A rule's end this close (points) to a rule it meets is moved onto it (:func:`snap_line_ends`).
SNAP_END_PT = 3.0
#: Largest skew (degrees) a scan is straightened by; longer lines tilted more are not taken for rules.
MAX_SKEW_DEG = 3.0
#: Least share of dark pixels outside the rules for a page to be given to the recogniser (about two characters
#: on an A4 page at 150 dpi); below it the page is blank or rules only, and OCR is skipped.
MIN_INK_SHARE = 0.0002
#: Share of a page's characters that must be unreadable (:func:`is_unreadable`) for its visible text layer
#: to be taken for garbled; a real page has a few rare characters (names), never a third.
MAX_UNREADABLE_SHARE = 0.3
#: The same share for an invisible (OCR) layer over a scan: an OCR engine's garbage is read more strictly.
MAX_UNREADABLE_SHARE_INVISIBLE = 0.1
#: Least share of Chinese characters among an invisible layer's letters for it to read as Chinese text.
MIN_CJK_SHARE_INVISIBLE = 0.3
#: Share of a page's text objects drawn invisible (render mode 3) for its layer to be taken for an OCR layer.
MIN_INVISIBLE_SHARE = 0.5
#: Lines of an invisible layer read again by the recogniser to check it (:func:`layer_agreement`), their fewest
#: characters, and the least mean similarity for the layer to be kept (a right layer agrees at 0.9 or more: the
#: recogniser misses a colon's width or a space; another page's text, or a shifted layer, at under 0.3).
LAYER_LINES_CHECKED, MIN_LAYER_LINE_CHARS, MIN_LAYER_AGREEMENT = 3, 6, 0.6
#: Fewest non-space characters a layer is judged on (a page number alone is no evidence).
MIN_CHARS_JUDGED = 8
#: Reasons a page is read by OCR (``OcrPage.reason``; a table's ``text_source`` is ``ocr`` for the first,
#: ``ocr:<reason>`` for the others). An invisible layer kept gives ``text_source`` ``ocr_layer``.
NO_TEXT_LAYER, CID_TEXT, GARBLED_TEXT, POOR_INVISIBLE_LAYER = (
    "no_text_layer", "cid_text", "garbled_text", "poor_invisible_layer")
#: Images counted at most for a scan's extra parse time (:func:`ocr_allowance_s`).
MAX_ALLOWED_IMAGES = 500
#: Lowest mean recogniser confidence of a page's text read as text; below it the scan is refused (too
#: coarse or too noisy: a 60 dpi scan reads at about 0.6, a clean 150 dpi one at 0.99).
MIN_PAGE_CONFIDENCE = 0.8
#: OCR time a document may spend per image page (seconds), before it stops with a reason.
OCR_SECONDS_PER_PAGE = float(os.environ.get("OCR_SECONDS_PER_PAGE", "60"))
#: Gap between two recognised characters of one line (× their height) closed as no space.
GAP_CLOSED = 0.5
#: Font name given to recognised characters (a reader can tell them from a text layer's).
OCR_FONT = "OCR"
#: The packaged model files (inside the rapidocr wheel).
MODEL_FILES = {"Det": "PP-OCRv6_det_small.onnx", "Rec": "PP-OCRv6_rec_small.onnx",
               "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx"}


@dataclass
class OcrPage:
    """What OCR read on one page: ``page`` 1-based, ``words`` recognised, their mean ``confidence``
    (``None`` when none), ``rules`` found, ``seconds`` spent (render + recognition)."""

    page: int
    words: int
    confidence: float | None
    rules: int
    seconds: float
    reason: str = NO_TEXT_LAYER  #: why the page was OCR'd (module docstring, step 1)
    detail: str = ""  #: the evidence (shares of unreadable / invisible characters), for the parse event


@dataclass
class OcrReport:
    """The pages of one document that were read by OCR (empty for a document with a text layer)."""

    pages: list[OcrPage] = field(default_factory=list)
    dpi: int = OCR_DPI
    #: ``(page, detail)`` of pages whose invisible OCR layer was good and kept (not OCR'd again).
    kept_layers: list[tuple[int, str]] = field(default_factory=list)

    @property
    def page_numbers(self) -> set[int]:
        """1-based numbers of the OCR'd pages."""
        return {p.page for p in self.pages}

    @property
    def seconds(self) -> float:
        """Total OCR time of the document (seconds)."""
        return sum(p.seconds for p in self.pages)


def model_dir() -> Path:
    """The folder of the ONNX models shipped in the rapidocr wheel."""
    import rapidocr

    return Path(rapidocr.__file__).parent / "models"


@lru_cache(maxsize=1)
def ocr_engine():
    """The process's rapidocr engine, built once: det + rec from the packaged model files (no download:
    every model path is given, and the recogniser's character list is inside its ONNX file), one
    onnxruntime thread (a parse worker is one core), one text line per recognition (memory), no angle
    classifier (pages are upright).

    Raises :class:`ParseError` when a packaged model file is missing (a broken install)."""
    from rapidocr import RapidOCR

    folder = model_dir()
    missing = [name for name in MODEL_FILES.values() if not (folder / name).is_file()]
    if missing:
        raise ParseError(f"OCR models missing from the rapidocr package ({', '.join(missing)} in {folder}): the scanned "
                         "pages cannot be read. Reinstall rapidocr (the models ship inside its wheel).")
    params = {f"{task}.model_path": str(folder / name) for task, name in MODEL_FILES.items()}
    params.update({
        "Global.log_level": "error",
        "Global.use_cls": False,
        "Det.limit_type": "max",
        "Det.limit_side_len": DET_LIMIT_SIDE,
        # one text line at a time: a batch pads every line to the widest (a contents page's dot leaders), which
        # took a worker past 1.1 GB resident on the 司法局 bundle; one at a time peaks near 0.6 GB and is faster
        "Rec.rec_batch_num": 1,
        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })
    return RapidOCR(params=params)


def ocr_allowance_s(path) -> float:
    """Extra parse time (seconds) for a PDF at ``path`` that looks like a scan, given before it is parsed:
    :data:`OCR_SECONDS_PER_PAGE` per image it holds (``/Subtype /Image`` in its bytes, at most
    :data:`MAX_ALLOWED_IMAGES`) when it names no font; ``0`` for any other file (a text PDF keeps its budget).
    A byte scan, no parsing: safe on any file. Fonts or images inside compressed object streams are not
    seen (the file then keeps the ordinary budget)."""
    try:
        if not str(path).lower().endswith(".pdf"):
            return 0.0
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return 0.0
    if b"/Font" in data:
        return 0.0
    images = data.count(b"/Subtype/Image") + data.count(b"/Subtype /Image")
    return OCR_SECONDS_PER_PAGE * min(images, MAX_ALLOWED_IMAGES)


def is_image_page(page, chars: list[dict]) -> bool:
    """True when ``page`` has no visible character and its images cover at least :data:`MIN_IMAGE_SHARE` of it."""
    if any(c["text"].strip() for c in chars):
        return False
    return _covered_by_images(page) >= MIN_IMAGE_SHARE


class OcrDeferred(ParseError):
    """Raised instead of running OCR while :func:`defer_ocr` is on (a text parse worker, :mod:`orchestration.ingestion.parallel`):
    the document has ``pages`` (1-based) to OCR, and is parsed again in the OCR pool."""

    def __init__(self, pages: list[int]):
        super().__init__(f"{len(pages)} page(s) need OCR ({', '.join(map(str, pages[:10]))}): parsed in the OCR pool")
        self.pages = pages


#: While True, :func:`recognise_image_pages` raises :class:`OcrDeferred` instead of recognising (set per process).
_DEFER = {"on": False, "pages": None}


def defer_ocr(on: bool) -> None:
    """Make this process's PDF parses stop with :class:`OcrDeferred` (and remember its pages, :func:`deferred_pages`)
    when a page needs OCR (``on``), or recognise it (the default)."""
    _DEFER["on"], _DEFER["pages"] = on, None


def deferred_pages() -> list[int] | None:
    """The pages of this process's last parse that stopped with :class:`OcrDeferred`, else ``None``."""
    return _DEFER["pages"]


def recognise_image_pages(pdf, dpi: int = OCR_DPI) -> OcrReport:
    """OCR every page of an open pdfplumber PDF that has no readable text layer, in place (module docstring, steps 1–6).

    Each such page's characters become the recognised ``char`` objects (:func:`attach_objects`); a page
    that was an image only also gets the ruling ``line`` objects of its raster, a page with a text layer
    keeps its own drawing. An invisible OCR layer that reads as Chinese is checked against a quick OCR of
    its lines (:func:`layer_agreement`): kept when it agrees, with the raster's rules when it has none
    (:func:`attach_rules`), else OCR'd. Other pages are not touched. Returns the :class:`OcrReport`. Raises
    :class:`ParseError` when the document's OCR time budget is spent or a page cannot be read reliably, and
    :class:`OcrDeferred` (before any rendering) when :func:`defer_ocr` is on and some page needs OCR or has an
    invisible layer to check.
    """
    report = OcrReport(dpi=dpi)
    invisible = invisible_text_shares(pdf)
    candidates, layers = [], []
    for page_no, page in enumerate(pdf.pages, start=1):
        reason, detail = judge_text_layer(page, page.chars, invisible.get(page_no, 0.0))
        if reason:
            candidates.append((page_no, page, reason, detail))
        elif invisible.get(page_no, 0.0) >= MIN_INVISIBLE_SHARE:
            layers.append((page_no, page, detail))
    if (candidates or layers) and _DEFER["on"]:  # an invisible layer is checked on its raster: in the OCR pool too
        _DEFER["pages"] = sorted(n for n, *_ in candidates + layers)
        raise OcrDeferred(_DEFER["pages"])
    for page_no, page, detail in layers:
        pixels = _raster(page, dpi)
        agreement, checked = layer_agreement(page, pixels, dpi)
        detail += f"; a quick OCR of {checked} of its lines agrees at {agreement:.0%}" if checked else ""
        if checked and agreement < MIN_LAYER_AGREEMENT:
            candidates.append((page_no, page, POOR_INVISIBLE_LAYER, detail))
            continue
        attach_rules(page, dpi, pixels)
        report.kept_layers.append((page_no, detail))
    candidates.sort(key=lambda item: item[0])
    budget = OCR_SECONDS_PER_PAGE * len(candidates)
    for page_no, page, reason, detail in candidates:
        started = time.perf_counter()
        if report.seconds > budget:
            raise ParseError(
                f"OCR of the scanned pages took over {budget:.0f} s ({OCR_SECONDS_PER_PAGE:g} s per image page, "
                f"$OCR_SECONDS_PER_PAGE) and was stopped at page {page_no} of {len(pdf.pages)}: nothing was loaded. "
                "Submit a PDF with a text layer, or raise the budget.")
        image = page.to_image(resolution=dpi).original.convert("RGB")
        chars, lines, words = read_image(image, dpi, page_no, page.height, float(getattr(page, "initial_doctop", 0)))
        scores = [c["ocr_confidence"] for c in chars]
        mean = round(sum(scores) / len(scores), 4) if scores else None
        if mean is not None and mean < MIN_PAGE_CONFIDENCE:
            what = (f"has no text layer: it holds only an image (a scan, {image_dpi(page)} dpi)"
                    if reason == NO_TEXT_LAYER else f"has a text layer that cannot be read ({detail})")
            raise ParseError(
                f"page {page_no} {what}, and OCR could not read it reliably (mean recogniser confidence {mean:.2f}, "
                f"below {MIN_PAGE_CONFIDENCE}), so nothing was loaded. Scan it again at 150 dpi or more, run OCR on "
                "the PDF yourself (e.g. ocrmypdf --force-ocr), or submit a text extract (UTF-8 .txt).")
        if reason != NO_TEXT_LAYER:
            check_reads_as_chinese(chars, page_no, reason, detail)
        if reason == NO_TEXT_LAYER or not _draws_rules(page):
            attach_objects(page, chars, lines)
        else:  # a text page whose characters are garbled: its own rules and rectangles stay
            replace_chars(page, chars)
        report.pages.append(OcrPage(page_no, words, mean, len(lines), time.perf_counter() - started, reason, detail))
    if any(p.words for p in report.pages):
        # a blank sheet inside a scan (no text recognised) is an empty page, not a page without a text layer;
        # a scan where nothing at all is recognised keeps the "no text layer" reason (nothing to load)
        for page_no, page, reason, _ in candidates:
            if not page.chars and reason == NO_TEXT_LAYER:
                attach_objects(page, [], [], keep_images=False)
    return report


def check_reads_as_chinese(chars: list[dict], page_no: int, reason: str, detail: str) -> None:
    """Raise :class:`ParseError` when the OCR read of a page whose text layer was garbled is no Chinese text either
    (under :data:`MIN_CJK_SHARE_INVISIBLE` of its letters Chinese): the page's glyphs themselves are not the
    characters (a font drawn without its own glyphs), so neither reading is loaded."""
    letters = [c["text"] for c in chars if c["text"].isalpha()]
    cjk = sum(1 for t in letters if is_cjk(t))
    if letters and cjk / len(letters) >= MIN_CJK_SHARE_INVISIBLE:
        return
    font = (" the PDF uses a font without a Unicode map (no ToUnicode table), and" if reason == CID_TEXT else "")
    raise ParseError(
        f"page {page_no}: {detail}:{font} OCR of the page as drawn reads no Chinese text either ({cjk} of "
        f"{len(letters)} letters Chinese), so its text cannot be read reliably and nothing was loaded. Ask the "
        "publisher for a PDF with searchable text, or submit a text extract (UTF-8 .txt).")


def judge_text_layer(page, chars: list[dict], invisible_share: float = 0.0) -> tuple[str | None, str]:
    """Whether ``page`` is read by OCR, and why: ``(reason, detail)`` with a reason of the module docstring's
    step 1 (``None``: its text layer is kept) and the evidence in words.

    ``invisible_share`` is the share of the page's text drawn invisible (:func:`invisible_text_shares`)."""
    if is_image_page(page, chars):
        return NO_TEXT_LAYER, "no text layer"
    text = [c["text"] for c in chars if c["text"].strip()]
    cid = sum(1 for t in text if t.startswith("(cid:"))
    if cid:
        return CID_TEXT, f"{cid} of {len(text)} characters come out as '(cid:N)'"
    if len(text) < MIN_CHARS_JUDGED:
        return None, ""
    counts = Counter("".join(text))  # distinct characters judged once: a page has a few hundred
    unreadable = sum(n for ch, n in counts.items() if is_unreadable(ch))
    letters = sum(n for ch, n in counts.items() if ch.isalpha())
    cjk = sum(n for ch, n in counts.items() if is_cjk(ch))
    share, cjk_share = unreadable / len(text), (cjk / letters if letters else 1.0)
    detail = (f"{unreadable} of {len(text)} characters unreadable, {cjk} of {letters} letters Chinese"
              + (f", {invisible_share:.0%} of the text invisible" if invisible_share else ""))
    if invisible_share >= MIN_INVISIBLE_SHARE and _covered_by_images(page) >= MIN_IMAGE_SHARE:
        if share >= MAX_UNREADABLE_SHARE_INVISIBLE or cjk_share < MIN_CJK_SHARE_INVISIBLE:
            return POOR_INVISIBLE_LAYER, detail
        return None, detail
    if share >= MAX_UNREADABLE_SHARE:
        return GARBLED_TEXT, detail
    return None, detail


def is_cjk(ch: str) -> bool:
    """True for a CJK unified ideograph (basic block and extension A)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@lru_cache(maxsize=65536)
def is_unreadable(ch: str) -> bool:
    """True for a character a Chinese disclosure does not print as text: a private-use code point (a font's own
    codes passed through), U+FFFD, a control character, or a letter (after NFKC: full width → ASCII) that is
    neither ASCII nor in GB 2312 — the 6,763 hanzi, pinyin, Greek, Cyrillic and kana of ordinary printed
    Chinese. The mojibake of a wrong code page (GBK bytes read as Latin-1: ``ÄÏ¸ß``; or as another CJK
    encoding: rare hanzi) falls mostly outside; a real page's rare characters (a name) are a few."""
    category = unicodedata.category(ch)
    if category in ("Co", "Cs", "Cc") or ch == "\ufffd":
        return True
    if not category.startswith("L"):
        return False
    ch = unicodedata.normalize("NFKC", ch)
    if ch.isascii():
        return False
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def invisible_text_shares(pdf) -> dict[int, float]:
    """``{page: share}`` of the text objects drawn invisible (render mode 3, as OCR tools lay their text over a
    scan), for the pages of an open pdfplumber PDF that have characters and whose images cover at least
    :data:`MIN_IMAGE_SHARE` (other pages are not looked at: pdfminer does not report render modes, pdfium does).
    Milliseconds per page."""
    pages = [n for n, page in enumerate(pdf.pages, start=1)
             if page.images and _covered_by_images(page) >= MIN_IMAGE_SHARE and page.chars]
    if not pages:
        return {}
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    stream = pdf.stream
    stream.seek(0)
    document = pdfium.PdfDocument(stream.read())
    shares = {}
    try:
        for page_no in pages:
            modes = [raw.FPDFTextObj_GetTextRenderMode(obj.raw)
                     for obj in document[page_no - 1].get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT])]
            if modes:
                shares[page_no] = sum(m == raw.FPDF_TEXTRENDERMODE_INVISIBLE for m in modes) / len(modes)
    finally:
        document.close()
    return shares


def layer_agreement(page, pixels, dpi: int = OCR_DPI, lines: int = LAYER_LINES_CHECKED) -> tuple[float, int]:
    """How far a page's (invisible) text layer agrees with what its raster shows: ``(agreement 0–1, lines checked)``.

    Up to ``lines`` of the layer's text lines (:func:`..pdf_text.text_lines`; the longest, at least
    :data:`MIN_LAYER_LINE_CHARS` characters) are cut out of the raster ``pixels`` (H×W×3, rendered at ``dpi``, not
    deskewed) and read by the recogniser alone (no detection: tens of milliseconds a line); the agreement is the mean
    similarity (difflib ratio) of each line's text and its reading, both NFKC without spaces. ``(1.0, 0)`` when no
    line is long enough to judge."""
    import difflib

    from ..pdf_text import text_lines

    found = [line for line in text_lines(page.chars, page.page_number)
             if len(_squeezed(line.text)) >= MIN_LAYER_LINE_CHARS]
    found = sorted(found, key=lambda line: -len(_squeezed(line.text)))[:lines]
    if not found:
        return 1.0, 0
    scale, margin = dpi / 72.0, 2.0
    ratios = []
    for line in found:
        crop = pixels[max(0, int((line.top - margin) * scale)):int((line.bottom + margin) * scale),
                      max(0, int((line.x0 - margin) * scale)):int((line.x1 + margin) * scale)]
        result = (ocr_engine()(crop, use_det=False, use_cls=False, use_rec=True, return_word_box=False)
                  if crop.size else None)
        read = "".join(getattr(result, "txts", None) or ())
        ratios.append(difflib.SequenceMatcher(None, _squeezed(line.text), _squeezed(read)).ratio())
    return sum(ratios) / len(ratios), len(ratios)


def _squeezed(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _raster(page, dpi: int):
    """The page rendered at ``dpi`` as an H×W×3 uint8 array."""
    import numpy as np

    return np.asarray(page.to_image(resolution=dpi).original.convert("RGB"))


def attach_rules(page, dpi: int = OCR_DPI, pixels=None) -> int:
    """Give a scanned page that keeps its (invisible) text layer the ruling lines of its raster (``pixels``, rendered
    here when not given), when it draws no rule itself (:func:`ruling_lines`; no recognition). Returns the lines added."""
    if _draws_rules(page):
        return 0
    pixels, _ = deskew(_raster(page, dpi) if pixels is None else pixels)
    lines = ruling_lines(pixels, dpi, page.page_number, page.height, float(getattr(page, "initial_doctop", 0)))
    objects = {kind: list(items) for kind, items in page.objects.items()}
    objects["line"] = objects.get("line", []) + lines
    page.parse_objects = lambda: {kind: list(items) for kind, items in objects.items()}
    page.flush_cache()
    return len(lines)


def replace_chars(page, chars: list[dict]) -> None:
    """Make ``page`` report ``chars`` instead of its own characters, keeping every other object it draws."""
    objects = {kind: list(items) for kind, items in page.objects.items()}
    objects["char"] = chars
    page.parse_objects = lambda: {kind: list(items) for kind, items in objects.items()}
    page.flush_cache()


def _draws_rules(page) -> bool:
    """True when the page draws lines or rectangles of its own (a born-digital table's rules)."""
    return bool(page.objects.get("line") or page.objects.get("rect"))


def _covered_by_images(page) -> float:
    """Share of the page's area its images cover (overlaps counted twice)."""
    area = float(page.width * page.height) or 1.0
    return sum(max(0.0, float(i["x1"] - i["x0"])) * max(0.0, float(i["bottom"] - i["top"])) for i in page.images) / area


def image_dpi(page) -> int:
    """The resolution (dots per inch) of the largest image of ``page`` as it is drawn on the page."""
    best = max(page.images, key=lambda i: float(i["x1"] - i["x0"]) * float(i["bottom"] - i["top"]))
    drawn = float(best["x1"] - best["x0"]) or 1.0
    return round(best["srcsize"][0] / drawn * 72)


def read_image(image, dpi: int, page_no: int, page_height: float = 0.0, doctop: float = 0.0
               ) -> tuple[list[dict], list[dict], int]:
    """A page raster (PIL image) → ``(chars, lines, word count)`` as pdfplumber objects in points."""
    import numpy as np

    pixels, _ = deskew(np.asarray(image))
    scale = 72.0 / dpi
    lines = ruling_lines(pixels, dpi, page_no, page_height, doctop)
    if ink_share(pixels, dpi) < MIN_INK_SHARE:  # a blank sheet, or rules only: no text to recognise
        return [], lines, 0
    # every step named: rapidocr keeps the flags of the previous call (layer_agreement recognises without detection)
    result = ocr_engine()(pixels, use_det=True, use_cls=False, use_rec=True, return_word_box=True)
    chars: list[dict] = []
    words = 0
    for line in (result.word_results or ()) if result.txts else ():  # nothing recognised: (('', 1.0, None),)
        line_chars: list[dict] = []
        for text, score, box in line:
            words += 1
            line_chars += word_chars(text, float(score), box, scale, page_no, page_height, doctop)
        chars += close_gaps(line_chars)
    return chars, lines, words


def skew_angle(pixels) -> float:
    """The page's skew in degrees (positive: rules rise to the right), from its long straight dark lines
    (Hough segments at least a third of the page wide, within :data:`MAX_SKEW_DEG` of horizontal; their
    median); 0 when it has none (a page of prose keeps its raster: the detector reads slightly tilted text)."""
    import cv2
    import numpy as np

    gray = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY) if pixels.ndim == 3 else pixels
    gray = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)  # half size: 4× fewer votes
    dark = (gray < 200).astype("uint8") * 255
    width = gray.shape[1]
    # horizontal runs only (a tilted rule is a staircase of runs; text strokes are shorter): few pixels to vote
    dark = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(8, width // 40), 1)))
    found = cv2.HoughLinesP(dark, 1, np.pi / 1800, threshold=width // 4, minLineLength=width // 3, maxLineGap=3)
    if found is None:
        return 0.0
    angles = [float(np.degrees(np.arctan2(y1 - y2, x2 - x1))) for x1, y1, x2, y2 in found.reshape(-1, 4).astype(float)]
    angles = [a for a in angles if abs(a) <= MAX_SKEW_DEG]
    return float(np.median(angles)) if angles else 0.0


def deskew(pixels):
    """``(pixels, angle)``: the raster rotated back by its :func:`skew_angle` (white corners), so that a scan's
    ruling lines are horizontal and vertical again (pdfplumber joins rules within 3 pt; a table 700 pt wide
    tilted by 0.3° drifts by 3.7 pt). Below 0.05° the raster is returned as is."""
    import cv2

    angle = skew_angle(pixels)
    if abs(angle) < 0.05:
        return pixels, 0.0
    height, width = pixels.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -angle, 1.0)
    border = (255, 255, 255) if pixels.ndim == 3 else 255
    return cv2.warpAffine(pixels, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=border), angle


def ink_share(pixels, dpi: int) -> float:
    """Share of the raster's pixels that are dark (below mid-grey) outside its ruling lines and solid bars
    (what :func:`ruling_lines` opens out, widened by a pixel): the ink that could be text. Milliseconds."""
    import cv2

    gray = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY) if pixels.ndim == 3 else pixels
    dark = (gray < 128).astype("uint8") * 255
    length = max(8, int(MIN_RULE_PT * dpi / 72))
    rules = cv2.bitwise_or(*(cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, k))
                             for k in ((length, 1), (1, length))))
    rules = cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    return float(cv2.countNonZero(cv2.bitwise_and(dark, cv2.bitwise_not(rules)))) / float(gray.size or 1)


def attach_objects(page, chars: list[dict], lines: list[dict], keep_images: bool = True) -> None:
    """Make ``page`` report ``chars`` and ``lines`` (plus its own images, unless ``keep_images`` is False) as
    its objects, also after ``page.close()`` flushes pdfplumber's caches (the page re-parses through the same
    function)."""
    images = page.objects.get("image", []) if keep_images else []
    objects = {"char": chars, "line": lines, "image": images}
    page.parse_objects = lambda: {kind: list(items) for kind, items in objects.items()}
    page.flush_cache()


def char_width_units(text: str) -> float:
    """Relative width of a character: 1 for a full-width (CJK) one, 0.5 for ASCII and half-width forms."""
    return 1.0 if unicodedata.east_asian_width(text) in ("W", "F") else 0.5


def word_chars(text: str, score: float, box, scale: float, page_no: int, page_height: float = 0.0,
               doctop: float = 0.0) -> list[dict]:
    """One recognised word (its text, score and 4-point pixel box) → pdfplumber ``char`` dicts.

    The box is split among the characters in proportion to :func:`char_width_units`; every character
    keeps the word's top, bottom and score. Coordinates in points (``scale`` = 72 / dpi)."""
    xs = [float(p[0]) * scale for p in box]
    ys = [float(p[1]) * scale for p in box]
    x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
    text = "".join(ch for ch in text if not ch.isspace()) if text.strip() else ""
    if not text:
        return []
    units = [char_width_units(ch) for ch in text]
    step = (x1 - x0) / sum(units)
    out = []
    left = x0
    height = bottom - top
    for ch, unit in zip(text, units):
        right = left + unit * step
        out.append({
            "text": ch, "x0": left, "x1": right, "top": top, "bottom": bottom,
            "y0": page_height - bottom, "y1": page_height - top, "doctop": doctop + top,
            "width": right - left, "height": height, "size": height, "upright": True,
            "fontname": OCR_FONT, "adv": right - left, "matrix": (1, 0, 0, 1, left, page_height - bottom),
            "object_type": "char", "page_number": page_no, "ncs": "DeviceGray", "mcid": None, "tag": None,
            "stroking_color": None, "non_stroking_color": (0,), "ocr_confidence": round(score, 4),
        })
        left = right
    return out


def close_gaps(line: list[dict], factor: float = GAP_CLOSED) -> list[dict]:
    """The characters of one recognised text line with the gaps between neighbours narrower than
    ``factor`` × their height closed (the recogniser's character boxes are narrower than the glyphs'
    advance: read as is, a line of Chinese would come out with a space between every word).
    A wider gap stays: a space, or two cells' texts that the detector read as one line."""
    line.sort(key=lambda c: c["x0"])
    for left, right in zip(line, line[1:]):
        gap = right["x0"] - left["x1"]
        if 0 < gap < factor * min(left["height"], right["height"]):
            middle = (left["x1"] + right["x0"]) / 2
            left["x1"] = middle
            right["x0"] = middle
            for char in (left, right):
                char["width"] = char["adv"] = char["x1"] - char["x0"]
            right["matrix"] = (1, 0, 0, 1, right["x0"], right["matrix"][5])
    return line


def ruling_lines(pixels, dpi: int, page_no: int, page_height: float = 0.0, doctop: float = 0.0) -> list[dict]:
    """The ruling lines of a page raster (H×W×3 or H×W uint8) as pdfplumber ``line`` dicts (points).

    Dark pixels (Otsu threshold) opened with a kernel :data:`MIN_RULE_PT` long, horizontal then
    vertical; each connected run is one line at its centre row (column), from its first to last pixel.
    """
    import cv2

    gray = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY) if pixels.ndim == 3 else pixels
    _, dark = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    length = max(8, int(MIN_RULE_PT * dpi / 72))
    scale = 72.0 / dpi
    lines: list[dict] = []
    for orientation, kernel in (("h", (length, 1)), ("v", (1, length))):
        mask = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for x, y, w, h, _area in stats[1:count]:
            if orientation == "h":
                y_mid = (y + h / 2) * scale
                lines.append(_line(x * scale, (x + w) * scale, y_mid, y_mid, page_no, page_height, doctop))
            else:
                x_mid = (x + w / 2) * scale
                lines.append(_line(x_mid, x_mid, y * scale, (y + h) * scale, page_no, page_height, doctop))
    return snap_line_ends(lines, page_height, doctop)


def snap_line_ends(lines: list[dict], page_height: float = 0.0, doctop: float = 0.0,
                   tolerance: float = SNAP_END_PT) -> list[dict]:
    """Rules meet where a scan shows them meeting: a vertical rule's end within ``tolerance`` points of a
    horizontal rule it crosses (and a horizontal's end near a vertical) is moved onto it. A raster's rule is
    a few pixels thick and its ends ragged: read as is, the verticals of a table's last row overshoot its
    bottom rule, which :func:`.pdf.cut_lines` takes for a table cut by the page break (merging the next
    page's first row into the last one)."""
    horizontals = [line for line in lines if line["top"] == line["bottom"]]
    verticals = [line for line in lines if line["x0"] == line["x1"]]
    out = []
    for line in verticals:
        top, bottom, x = line["top"], line["bottom"], line["x0"]
        crossing = [h["top"] for h in horizontals if h["x0"] - tolerance <= x <= h["x1"] + tolerance]
        top = min(crossing, key=lambda y: abs(y - top), default=top) if any(abs(y - top) <= tolerance for y in crossing) else top
        bottom = (min(crossing, key=lambda y: abs(y - bottom), default=bottom)
                  if any(abs(y - bottom) <= tolerance for y in crossing) else bottom)
        out.append(_line(x, x, top, bottom, line["page_number"], page_height, doctop))
    for line in horizontals:
        x0, x1, y = line["x0"], line["x1"], line["top"]
        crossing = [v["x0"] for v in verticals if v["top"] - tolerance <= y <= v["bottom"] + tolerance]
        x0 = min(crossing, key=lambda x: abs(x - x0), default=x0) if any(abs(x - x0) <= tolerance for x in crossing) else x0
        x1 = min(crossing, key=lambda x: abs(x - x1), default=x1) if any(abs(x - x1) <= tolerance for x in crossing) else x1
        out.append(_line(x0, x1, y, y, line["page_number"], page_height, doctop))
    return out


def _line(x0: float, x1: float, top: float, bottom: float, page_no: int, page_height: float, doctop: float) -> dict:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "y0": page_height - bottom, "y1": page_height - top,
            "width": x1 - x0, "height": bottom - top, "doctop": doctop + top, "linewidth": 1.0,
            "pts": [(x0, top), (x1, bottom)], "stroke": True, "fill": False, "object_type": "line",
            "page_number": page_no, "stroking_color": (0,), "non_stroking_color": None, "mcid": None, "tag": None}


def cell_confidence(bbox, chars: list[dict]) -> float | None:
    """The lowest OCR confidence of the characters whose centre lies in ``bbox`` (``None``: no OCR'd character)."""
    scores = [c["ocr_confidence"] for c in chars if "ocr_confidence" in c
              and bbox[0] <= (c["x0"] + c["x1"]) / 2 <= bbox[2] and bbox[1] <= (c["top"] + c["bottom"]) / 2 <= bbox[3]]
    return min(scores) if scores else None
