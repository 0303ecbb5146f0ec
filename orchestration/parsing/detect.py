"""Recognise which document and which text layout an extract is.

Document rule: the title names the form. ``部门整体绩效目标`` near the top —
or any 部门整体 / 单位整体 … 绩效目标 title, whatever words stand between
(``部门整体预算绩效目标申报表``, ``单位整体支出绩效目标表``;
:data:`.text_common.DEPARTMENT_TITLE`) → a department-wide performance-target
form (``department_targets``, layout ``department_targets_tsv``); ``项目支出绩效目标表`` → the project-expenditure
form (``project_targets``). Only the head (first ``HEAD_CHARS`` characters)
is searched, and the mark that comes first wins, so that content quoting
the other form cannot mislead.

For ``project_targets`` the layout is:

- ``tab_separated`` — the column header row (项目名称…) has tab-separated cells;
- ``rows_then_indicators`` — a lone ``绩效指标`` line (the indicator column's
  own page header) comes before the first indicator item ``1、d-``, i.e.
  the indicators are printed after all the rows;
- ``line_flow`` — otherwise: indicators follow each project's goal text.
"""

from __future__ import annotations

from dataclasses import dataclass

from .records import DocType, ParseError
from .text_common import DEPARTMENT_TITLE_MARK, PROJECT_TITLE_MARK, SourceLine, department_title_at, squeeze
from .vocabulary import LINE_STARTS_WITH_FIRST_INDICATOR

#: How much of the text counts as "the head" where the title must appear.
HEAD_CHARS = 2000


@dataclass(frozen=True)
class Detection:
    """Result of :func:`detect_document`: ``doc_type`` and ``layout`` names."""

    doc_type: DocType
    layout: str


def detect_document(text: str, lines: list[SourceLine]) -> Detection:
    """Classify decoded text (``text``) already split into ``lines``.

    Raises :class:`ParseError` when the head names neither form.
    """
    head = text[:HEAD_CHARS]
    department_at = department_title_at(head)
    project_at = squeeze(head).find(PROJECT_TITLE_MARK)
    if department_at >= 0 and (project_at < 0 or department_at < project_at):
        return Detection("department_targets", "department_targets_tsv")
    if project_at >= 0:
        return Detection("project_targets", detect_project_layout(lines))
    preview = " ".join(head.split())[:60]
    raise ParseError(
        f"not a {PROJECT_TITLE_MARK} or {DEPARTMENT_TITLE_MARK} document: neither title appears in the "
        f"first {HEAD_CHARS} characters (starts with {preview!r})"
    )


def detect_project_layout(lines: list[SourceLine]) -> str:
    """``tab_separated``, ``rows_then_indicators`` or ``line_flow`` (rules in the module docstring)."""
    header = next((line for line in lines if line.stripped.startswith("项目名称")), None)
    if header is not None and "\t" in header.text:
        return "tab_separated"
    for line in lines:
        if line.stripped == "绩效指标":
            return "rows_then_indicators"
        if LINE_STARTS_WITH_FIRST_INDICATOR.match(line.stripped):
            return "line_flow"
    return "line_flow"


# --------------------------------------------------------------------------
# File type by magic bytes (inputs that are neither a PDF nor text)
# --------------------------------------------------------------------------

#: Leading bytes → what a person would call the file. Checked before decoding,
#: so an image or a spreadsheet renamed ``.pdf``/``.txt`` is named for what it is.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Microsoft Office file (XLS/DOC, OLE2)"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x1f\x8b", "gzip archive"),
)
#: Members of a ZIP container that tell which Office/OFD format it is.
_ZIP_KINDS: tuple[tuple[str, str], ...] = (
    ("xl/", "Excel spreadsheet (XLSX, a ZIP container)"),
    ("word/", "Word document (DOCX, a ZIP container)"),
    ("ppt/", "PowerPoint file (PPTX, a ZIP container)"),
    ("OFD.xml", "OFD document (GB/T 33190 fixed-layout format, a ZIP container)"),
)


def sniff_binary_type(data: bytes) -> str | None:
    """Name the type of a file that is neither a PDF nor text, from its magic bytes.

    ``'PNG image'``, ``'JPEG image'``, ``'Excel spreadsheet (XLSX, a ZIP container)'``,
    ``'ZIP archive'``, ``'HTML page'`` …, or ``None`` when the bytes start like
    none of the known types (a PDF, a text extract, or unknown bytes).
    """
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP image"
    if data.startswith(b"PK\x03\x04"):
        head = data[:65536]
        for member, kind in _ZIP_KINDS:
            if member.encode() in head:
                return kind
        return "ZIP archive"
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:256].lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return "HTML page (a download that returned a web page instead of the document?)"
    return None
