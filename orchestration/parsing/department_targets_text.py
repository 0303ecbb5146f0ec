"""Minimal reading of a 部门整体绩效目标 extract (layout ``department_targets_tsv``).

For now only the header facts are extracted — title, 部门名称 and the
fiscal year written in the title (``荔湾区部门整体绩效目标（2023）年`` → 2023);
budget lines and indicators of this form are parsed by a later issue.
"""

from __future__ import annotations

from .records import ParsedDocument, ParseEvent
from .text_common import DEPARTMENT_TITLE_MARK, SourceLine, find_department, find_title, fiscal_year_from_title


def parse_department_targets(lines: list[SourceLine], events: list[ParseEvent]) -> ParsedDocument:
    """A :class:`ParsedDocument` with title, department and fiscal_year only (no rows yet)."""
    title = find_title(lines, DEPARTMENT_TITLE_MARK)
    department, department_events = find_department(lines)
    return ParsedDocument(
        doc_type="department_targets",
        layout="department_targets_tsv",
        title=title,
        department=department,
        fiscal_year=fiscal_year_from_title(title),
        events=events + department_events,
    )
