"""A PDF page's text layer: is there one, and its characters grouped into lines.

Shared by the two PDF table readers, :mod:`.readers.project_targets_pdf` (项目支出绩效目标表) and
:mod:`.readers.department_targets_pdf` (部门整体绩效目标), which both read a page's
characters into lines and refuse a page without readable text the same way.
Pure: pdfplumber characters in, lines out; geometry in points, origin top-left.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from .records import ParseError

#: Gap (× character size) between two characters of a line read as a space.
SPACE_GAP_FACTOR = 0.5
_CID = re.compile(r"\(cid:\d+\)")


@dataclass
class TextLine:
    """One line of text inside a cell (or above the table), with its page and bbox."""

    text: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    size: float


def check_text_layer(page, chars: list[dict], page_no: int) -> None:
    """Raise :class:`ParseError` for ``(cid:N)`` text or an image-only page."""
    cid = sum(1 for c in chars if _CID.search(c["text"]))
    if cid:
        raise ParseError(
            f"page {page_no}: {cid} of {len(chars)} characters come out as '(cid:N)': the PDF uses a font "
            "without a Unicode map (no ToUnicode table), so its text cannot be read reliably and nothing was "
            "loaded. Ask the publisher for a PDF with searchable text, run OCR on it (e.g. ocrmypdf "
            "--force-ocr), or submit a text extract (UTF-8 .txt)."
        )
    if not chars and page.images:
        raise ParseError(
            f"page {page_no} has no text layer: it holds only an image (probably a scan), so there is no text "
            "to read and nothing was loaded. Run OCR on the PDF (e.g. ocrmypdf) to add a text layer, or "
            "submit a text extract (UTF-8 .txt)."
        )


def text_lines(chars: list[dict], page_no: int, skipped: list[dict] | None = None) -> list[TextLine]:
    """Group characters into lines (top to bottom), each read left to right.

    A gap wider than ``SPACE_GAP_FACTOR`` × size becomes one space; a
    character printed again at the same place (fake bold: same text and font, less
    than a tenth of its size apart in x and in y, as pdfplumber's ``dedupe_chars``
    compares them) is read once, and appended to ``skipped`` when a list is given
    (so a caller can report it: nothing is dropped silently).
    """
    lines: list[list[dict]] = []
    for c in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and abs(c["top"] - lines[-1][0]["top"]) <= 0.5 * c["size"]:
            lines[-1].append(c)
        else:
            lines.append([c])
    result = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        parts: list[str] = []
        previous = None
        for c in line:
            if previous is not None:
                if (c["text"] == previous["text"] and c.get("fontname") == previous.get("fontname")
                        and abs(c["x0"] - previous["x0"]) < 0.1 * c["size"]
                        and abs(c["top"] - previous["top"]) < 0.1 * c["size"]):
                    if skipped is not None and c["text"].strip():
                        skipped.append(c)
                    continue
                gap = c["x0"] - previous["x1"]
                if gap > SPACE_GAP_FACTOR * c["size"] and c["text"] != " " and previous["text"] != " ":
                    parts.append(" ")
            parts.append(c["text"])
            previous = c
        result.append(
            TextLine(
                text="".join(parts),
                page=page_no,
                x0=min(c["x0"] for c in line),
                top=min(c["top"] for c in line),
                x1=max(c["x1"] for c in line),
                bottom=max(c["bottom"] for c in line),
                size=statistics.median(c["size"] for c in line),
            )
        )
    return result
