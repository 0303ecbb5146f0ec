"""Recognise which document and which text layout an extract is.

Document rule: the title names the form. ``部门整体绩效目标`` near the top →
a department-wide performance-target form (``department_targets``, layout
``department_targets_tsv``); ``项目支出绩效目标表`` → the project-expenditure
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

import re
from dataclasses import dataclass

from .records import DocType, ParseError
from .text_common import DEPARTMENT_TITLE_MARK, PROJECT_TITLE_MARK, SourceLine

#: How much of the text counts as "the head" where the title must appear.
HEAD_CHARS = 2000
_FIRST_ITEM_AT_LINE_START = re.compile(r"^1\s*、\s*\d\s*-")


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
    department_at = head.find(DEPARTMENT_TITLE_MARK)
    project_at = head.find(PROJECT_TITLE_MARK)
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
        if _FIRST_ITEM_AT_LINE_START.match(line.stripped):
            return "line_flow"
    return "line_flow"
