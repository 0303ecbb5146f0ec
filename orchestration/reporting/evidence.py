"""Evidence a person can see (issue 27 §3): the source region of a finding, rendered once, kept beside the warehouse.

Each row of ``marts.rpt_review_queue`` that has an ``evidence_path`` names what to show: a page of a PDF with
the cells in question (their bbox, in PDF points with a top-left origin, as the raw tables keep them) or a
sentence to look for on that page (``evidence_needle``), or a line of a text extract. This module turns such a
request into a file under the warehouse folder, at exactly that path (the name is made once, by the dbt macro
``evidence_path``: ``evidence/<document_id>/p<page>-<hash>.png`` or ``…/l<line>.txt``):

- a PDF page region: the page cropped around the cells (:data:`CONTEXT_PT` above and below, so the rows
  around them and usually the column heads show) by pdfplumber's ``page.crop(...).to_image(resolution=...)``
  (pypdfium2 underneath), the cells outlined in red; without a bbox, the needle found on the page by
  pdfplumber's ``page.search`` (white space between characters ignored, NFKC-normalised when the raw text is
  not found) is outlined; found nowhere, the whole page is shown;
- a text extract: the lines around the finding's line, that line marked ``→``.

Rendering is idempotent (a file already there is not rendered again: the name changes when the region does)
and never raises for one document: a source file that is gone, changed, or unreadable gives no file and an
:class:`EvidenceOutcome` with the reason, also written beside the missing file as ``<name>.reason.json`` so the
report can say why. No Dagster, no DuckDB here: requests in, files and outcomes out.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

#: Image resolution, dots per inch: 110 keeps 9-pt table text legible (a row ≈ 14 px high) at ~20–60 KB per image.
RESOLUTION = 110
#: Points of page shown above and below the cells in question (about three table rows).
CONTEXT_PT = 40.0
#: Lines shown before and after the finding's line of a text extract.
CONTEXT_LINES = 2
#: Characters of a needle (a sentence) searched for on the page: enough to be unique, short enough to sit on a
#: few lines.
NEEDLE_CHARS = 24
#: Outline of the cells in question: stroke and translucent fill (RGBA).
OUTLINE_STROKE = (214, 39, 40)
OUTLINE_FILL = (214, 39, 40, 40)

REASON_SUFFIX = ".reason.json"


@dataclass(frozen=True)
class EvidenceRequest:
    """What to show for one review-queue row: the document, where, and the file to write (relative path)."""

    evidence_path: str
    document_id: str
    file_format: str | None
    source_page: int | None = None
    source_line: int | None = None
    bbox: tuple[float, float, float, float] | None = None   # x0, top, x1, bottom in points, top-left origin
    needle: str | None = None


@dataclass(frozen=True)
class EvidenceOutcome:
    """What became of one request: ``rendered`` (written now), ``present`` (written by an earlier run),
    ``no_source`` (the document's file is not found or holds other bytes), ``failed`` (reading or drawing
    raised; the error is the reason) or ``not_renderable`` (a format without pages or lines to show)."""

    evidence_path: str
    document_id: str
    source_page: int | None
    status: str
    reason: str | None = None
    located: str | None = None      # bbox | needle | page | lines: how the region was found
    bytes: int | None = None
    width: int | None = None
    height: int | None = None
    seconds: float = 0.0

    @property
    def has_file(self) -> bool:
        return self.status in ("rendered", "present")


def render_evidence(requests: Iterable[EvidenceRequest], root: str | Path,
                    locate: Callable[[str], Path | None], resolution: int = RESOLUTION) -> list[EvidenceOutcome]:
    """Write the evidence file of every request that has none yet, under ``root``; one outcome per distinct path.

    ``locate(document_id)`` returns the path of the document's file (the archive or the input folder), or
    ``None``. Each document's file is opened once for all its requests and its SHA-256 checked against the id
    (a file replaced by other bytes is not evidence of this document). Never raises for a document: its
    outcomes carry the reason instead.
    """
    root = Path(root)
    by_document: dict[str, list[EvidenceRequest]] = {}
    outcomes: list[EvidenceOutcome] = []
    seen: set[str] = set()
    for request in requests:
        if request.evidence_path in seen:
            continue
        seen.add(request.evidence_path)
        if (root / request.evidence_path).is_file():
            outcomes.append(EvidenceOutcome(request.evidence_path, request.document_id, request.source_page, "present",
                                            bytes=(root / request.evidence_path).stat().st_size))
        else:
            by_document.setdefault(request.document_id, []).append(request)
    for document_id, pending in by_document.items():
        outcomes.extend(_render_document(document_id, pending, root, locate, resolution))
    return outcomes


def _render_document(document_id: str, requests: list[EvidenceRequest], root: Path,
                     locate: Callable[[str], Path | None], resolution: int) -> list[EvidenceOutcome]:
    """The outcomes of one document's requests (its file opened once)."""
    try:
        source = locate(document_id)
        problem = source_problem(document_id, source)
        if problem:
            return [_without_file(root, r, "no_source", problem) for r in requests]
        if requests[0].file_format == "pdf":
            return _render_pdf_regions(source, requests, root, resolution)
        if requests[0].file_format in ("txt", "tsv"):
            return [_write_text_lines(source, r, root) for r in requests]
        reason = f"{requests[0].file_format or 'unknown'} file: no page image or line to show (the row names the cell)"
        return [_without_file(root, r, "not_renderable", reason) for r in requests]
    except Exception as error:  # noqa: BLE001 - one document's evidence never fails the run
        return [_without_file(root, r, "failed", f"{type(error).__name__}: {error}") for r in requests]


def source_problem(document_id: str, source: Path | None) -> str | None:
    """Why ``source`` is not the file of ``document_id`` (missing, or other bytes), else ``None``."""
    if source is None or not Path(source).is_file():
        return f"the document's file is not found (looked for {document_id[:12]} in the archive and input folder)"
    digest = hashlib.sha256()
    with open(source, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != document_id:
        return f"{source} no longer holds this document (its bytes changed)"
    return None


def _render_pdf_regions(source: Path, requests: list[EvidenceRequest], root: Path,
                        resolution: int) -> list[EvidenceOutcome]:
    import pdfplumber

    outcomes = []
    with pdfplumber.open(source) as pdf:
        for request in requests:
            started = time.perf_counter()
            if request.source_page is None or not 1 <= request.source_page <= len(pdf.pages):
                outcomes.append(_without_file(root, request, "not_renderable",
                                              f"page {request.source_page} is not a page of the document"))
                continue
            page = pdf.pages[request.source_page - 1]
            try:
                region, outline, located = locate_region(page, request.bbox, request.needle)
                image = page.crop(region).to_image(resolution=resolution)
                if outline is not None:
                    image.draw_rect(outline, fill=OUTLINE_FILL, stroke=OUTLINE_STROKE, stroke_width=2)
                target = root / request.evidence_path
                _write_atomically(target, lambda tmp: image.save(tmp, format="PNG"))
                width, height = image.original.size
                outcomes.append(EvidenceOutcome(request.evidence_path, request.document_id, request.source_page,
                                                "rendered", located=located, bytes=target.stat().st_size,
                                                width=width, height=height,
                                                seconds=round(time.perf_counter() - started, 3)))
            except Exception as error:  # noqa: BLE001 - one region's failure leaves the others
                outcomes.append(_without_file(root, request, "failed", f"{type(error).__name__}: {error}"))
            finally:
                page.close()
    return outcomes


def locate_region(page, bbox: tuple[float, float, float, float] | None,
                  needle: str | None) -> tuple[tuple[float, float, float, float], tuple | None, str]:
    """The crop box of a page, the box to outline in it and how it was found (``bbox`` | ``needle`` | ``page``).

    The crop is the page's width over the cells' box and :data:`CONTEXT_PT` above and below it (the whole
    row, and the rows around it), clipped to the page; without a usable bbox, the needle's box as ``page.search`` finds it; else the whole page.
    """
    outline = clip_to_page(page, bbox) if bbox is not None and None not in bbox else None
    located = "bbox" if outline is not None else None
    if outline is None and needle:
        outline = find_needle(page, needle)
        located = "needle" if outline is not None else None
    if outline is None:
        return tuple(page.bbox), None, "page"
    _, top, _, bottom = outline
    page_x0, _, page_x1, _ = page.bbox
    # the page's full width: the whole printed row (its label, the column heads' x) around the cells
    region = clip_to_page(page, (page_x0, top - CONTEXT_PT, page_x1, bottom + CONTEXT_PT))
    return region, outline, located


def clip_to_page(page, box: tuple[float, float, float, float]) -> tuple[float, float, float, float] | None:
    """``box`` clipped to the page's bbox; ``None`` when nothing of it is on the page."""
    px0, ptop, px1, pbottom = page.bbox
    x0, top, x1, bottom = max(box[0], px0), max(box[1], ptop), min(box[2], px1), min(box[3], pbottom)
    return (x0, top, x1, bottom) if x1 > x0 and bottom > top else None


def find_needle(page, needle: str) -> tuple[float, float, float, float] | None:
    """The box of the first place ``needle`` (its first :data:`NEEDLE_CHARS` non-space characters) is printed
    on ``page``, white space between characters ignored, NFKC-normalised (an ASCII character also matches its
    full-width form)."""
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", needle))[:NEEDLE_CHARS]
    if compact:
        pattern = r"\s*".join(_either_width(ch) for ch in compact)
        matches = page.search(pattern, regex=True, case=True, return_chars=False)
        if matches:
            match = matches[0]
            return match["x0"], match["top"], match["x1"], match["bottom"]
    return None


def _either_width(ch: str) -> str:
    """A regex for ``ch`` printed half- or full-width (NFKC folds ``，`` to ``,``; the page may print either)."""
    if "!" <= ch <= "~":
        return "[" + re.escape(ch) + re.escape(chr(ord(ch) + 0xFEE0)) + "]"
    return re.escape(ch)


def _write_text_lines(source: Path, request: EvidenceRequest, root: Path) -> EvidenceOutcome:
    """The lines around ``request.source_line`` (1-based) of a text extract, that line marked ``→``."""
    started = time.perf_counter()
    lines = decode_text(source.read_bytes()).splitlines()
    line = request.source_line
    if line is None or not 1 <= line <= len(lines):
        return _without_file(root, request, "not_renderable", f"line {line} is not a line of the document")
    first, last = max(1, line - CONTEXT_LINES), min(len(lines), line + CONTEXT_LINES)
    width = len(str(last))
    text = "".join(f"{'→' if n == line else ' '} {n:>{width}} | {lines[n - 1]}\n" for n in range(first, last + 1))
    target = root / request.evidence_path
    _write_atomically(target, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return EvidenceOutcome(request.evidence_path, request.document_id, None, "rendered", located="lines",
                           bytes=target.stat().st_size, seconds=round(time.perf_counter() - started, 3))


def decode_text(data: bytes) -> str:
    """A text extract's characters: UTF-8 (a BOM removed), else GB18030, as the parser reads them."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def read_reason(root: str | Path, evidence_path: str) -> str | None:
    """Why the evidence at ``evidence_path`` was not written (its ``.reason.json``), or ``None``."""
    path = Path(root) / (evidence_path + REASON_SUFFIX)
    try:
        return json.loads(path.read_text(encoding="utf-8"))["reason"]
    except (OSError, ValueError, KeyError):
        return None


def _without_file(root: Path, request: EvidenceRequest, status: str, reason: str) -> EvidenceOutcome:
    """An outcome without a file; the reason kept beside where the file would be."""
    try:
        target = root / (request.evidence_path + REASON_SUFFIX)
        payload = json.dumps({"status": status, "reason": reason, "document_id": request.document_id},
                             ensure_ascii=False)
        _write_atomically(target, lambda tmp: Path(tmp).write_text(payload, encoding="utf-8"))
    except OSError:
        pass  # the outcome still carries the reason
    return EvidenceOutcome(request.evidence_path, request.document_id, request.source_page, status, reason)


def _write_atomically(target: Path, write: Callable[[str], object]) -> None:
    """Write ``target`` through a temporary file renamed over it (never half a file); a stale reason removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        write(str(tmp))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    if not target.name.endswith(REASON_SUFFIX):
        target.with_name(target.name + REASON_SUFFIX).unlink(missing_ok=True)
