"""Pure parsers for government budget performance-target documents.

Entry point: :func:`parse_document` (bytes in, :class:`ParsedDocument` out).
No Dagster, no DuckDB, no file I/O: the caller reads the file and writes
the records (``orchestration/ingestion/loading.py``).

Modules:

- :mod:`.records` — the record types (the contract with the warehouse);
- :mod:`.text_common` — decoding, line joining, amounts, header facts;
- :mod:`.detect` — document type and layout;
- :mod:`.readers.project_targets_text` — the three 项目支出绩效目标表 text layouts;
- :mod:`.indicators` — one 绩效指标 cell → indicator records;
- :mod:`.targets` — one target text (实施周期指标值 / 年度指标值) → :class:`TargetValue`
  (:func:`parse_target`; reused for the department-wide indicators);
- :mod:`.amounts` — amount columns and reconciliation;
- :mod:`.department_records` — the 部门整体绩效目标 records (profile with income in 元, tasks, indicators);
- :mod:`.readers.department_targets_text` — 部门整体绩效目标: the one reader of the form's rows of
  cells (:func:`.readers.department_targets_text.parse_department_rows`, with its documented
  repairs), fed by the text extract (tab-separated lines) or by the PDF;
- :mod:`.text_templates` — a national grid template found in a text extract: named in the
  quarantine reason (its columns are not recoverable from text);
- :mod:`.pdf_document` — every PDF enters here: file checks, text layer, then
  项目支出绩效目标表 tables (pdfplumber), same records as the text path;
- :mod:`.readers.department_targets_pdf` — 部门整体绩效目标 PDFs: ruled table rows → cells → the
  shared department reader (layout ``department_targets_pdf``);
- :mod:`.spine` — every other PDF is a sequence of tables (doc_type ``budget_disclosure``,
  layout ``pdf_bundle``): :mod:`.formats` (PDF → tables of cells with page + bbox, a table
  continued over pages joined, narrative pages recorded without table extraction) →
  :mod:`.tables` (kind from title and header words) → :mod:`.readers` (the standard
  部门预算/决算 tables) → :mod:`.disclosure_records` (inventory, rows, amounts as printed
  with their unit). A document with tables of no known kind is registered with its inventory;
  a blank form (standard tables, no amount) is a template, registered.
"""

from __future__ import annotations

import dataclasses

from .readers.department_targets_text import parse_department_targets
from .detect import detect_document, sniff_binary_type
from .pdf_document import parse_pdf
from .readers.project_targets_text import (
    build_records,
    read_line_flow_rows,
    read_rows_then_indicators,
    read_tab_separated_rows,
)
from .records import (
    AMOUNT_FIELDS,
    PARSER_VERSION,
    BudgetLine,
    ParsedDocument,
    ParseError,
    ParseEvent,
    PerformanceIndicator,
    check_storable,
)
from .targets import TargetValue, parse_target
from .text_templates import template_reason
from .text_common import (
    PROJECT_TITLE_MARK,
    decode_text,
    find_department,
    find_title,
    fiscal_year_from_title,
    fiscal_year_with_source,
    split_lines,
)
from .vocabulary import starts_with_pdf_header

__all__ = [
    "AMOUNT_FIELDS",
    "PARSER_VERSION",
    "BudgetLine",
    "ParseError",
    "ParseEvent",
    "ParsedDocument",
    "PerformanceIndicator",
    "TargetValue",
    "parse_document",
    "parse_target",
]


def parse_document(data: bytes, file_name: str) -> ParsedDocument:
    """Parse one input file's bytes into a :class:`ParsedDocument`.

    ``file_name`` is used in error messages and to tell a damaged or mislabelled
    ``.pdf`` from a text extract. Steps: name files that are images,
    spreadsheets, archives… by their magic bytes (:func:`.detect.sniff_binary_type`)
    and stop; decode
    (:func:`.text_common.decode_text`), detect the form and layout
    (:func:`.detect.detect_document`), parse the layout. Amounts are
    ``Decimal`` in 万元; see :mod:`.amounts` for how columns are decided.

    PDF input (``%PDF`` magic) goes to :func:`.pdf_document.parse_pdf`: a
    项目支出绩效目标表 gets layout ``pdf_table``, ``page_count`` and page/bbox
    provenance; a 部门整体绩效目标 (title mark on page 1) layout
    ``department_targets_pdf``, ``page_count`` and ``source_page`` on its
    indicators (income in 元, not 万元); any other PDF is read by the spine
    (:func:`.spine.read_disclosure`): doc_type ``budget_disclosure``, layout
    ``pdf_bundle``, ``disclosure`` holding the table inventory and the rows and
    amounts of the standard tables (amounts as printed, unit 元 or 万元 per table).

    Raises :class:`ParseError` (message names ``file_name`` and says what to
    do) for empty, binary or undecodable input, for a PDF without a readable
    text layer (``(cid:N)`` text, scanned pages), for a text extract that is
    neither a 项目支出绩效目标表 nor a 部门整体绩效目标 (a national grid template as text is
    named, with the original file asked for: :mod:`.text_templates`), for a PDF without any
    table (prose only), and for a table whose structure cannot be read reliably.
    """
    try:
        document, lines = _parse(data, file_name)
        year, source = fiscal_year_with_source(document.title, file_name, lines)
        document = dataclasses.replace(document, fiscal_year=year, fiscal_year_source=source)
        _year_on_department_profile(document)
        document.events.extend(check_storable(document))  # fit the raw column types (records.py)
        return document
    except ParseError as error:
        raise ParseError(f"{file_name}: {error}") from None


def _year_on_department_profile(document: ParsedDocument) -> None:
    """A department-wide form whose title states no year (the national and 2026 forms) gets the
    document's fiscal year on its profile (``raw.department_targets.fiscal_year``, which the department
    marts read), from the same evidence (``fiscal_year_source``: cover, 编制说明 or file name)."""
    targets = document.department_targets
    if targets is not None and targets.profile.fiscal_year is None:
        targets.profile.fiscal_year = document.fiscal_year


def _parse(data: bytes, file_name: str) -> tuple[ParsedDocument, list]:
    """The parsed document and, for text input, its lines (evidence of the fiscal year)."""
    if starts_with_pdf_header(data):
        return parse_pdf(data), []
    suffix = file_name.lower().rsplit(".", 1)[-1] if "." in file_name else ""
    if suffix in TABLE_FORMATS:
        return parse_table_file(data, suffix), []
    named_pdf = file_name.lower().endswith(".pdf")
    kind = sniff_binary_type(data)
    if kind is not None:
        raise ParseError(
            f"not a PDF or a text extract{' although its name ends in .pdf' if named_pdf else ''}: its content "
            f"is {_with_article(kind)} (detected from the first bytes), so nothing was loaded. Submit the 项目支出绩效目标表 / 部门整体绩效目标 as a PDF with a text layer or "
            "as a UTF-8 text extract (a spreadsheet: save it as tab-separated text, UTF-8)."
        )
    try:
        text, events = decode_text(data)
    except ParseError as error:
        if named_pdf and data:
            raise ParseError(
                f"the name ends in .pdf but the file is not a PDF: it does not start with the %PDF- header "
                f"(first bytes {data[:8].hex(' ')}) and is not text either. The file is damaged or of another "
                "type: download or export the PDF again."
            ) from None
        raise
    lines = split_lines(text)
    try:
        detection = detect_document(text, lines)
        if detection.doc_type == "department_targets":
            return parse_department_targets(lines, events), lines
        return _parse_project_targets(lines, detection.layout, events), lines
    except ParseError:
        # a national grid template as text: name it and ask for the original file (.text_templates)
        reason = template_reason(text)
        if reason is None:
            raise
        raise ParseError(reason) from None


#: File suffixes read as tables (:mod:`.formats`) and the format reader of each.
TABLE_FORMATS: dict[str, str] = {"xlsx": "xlsx", "xls": "xls", "docx": "docx", "html": "html", "htm": "html"}
#: What the bytes of each table format start with (``None``: text, checked by the reader).
_TABLE_MAGIC: dict[str, tuple[bytes, str]] = {
    "xlsx": (b"PK\x03\x04", "an Excel .xlsx workbook (a ZIP container)"),
    "docx": (b"PK\x03\x04", "a Word .docx document (a ZIP container)"),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 .xls workbook (OLE2)"),
}


def parse_table_file(data: bytes, suffix: str) -> ParsedDocument:
    """An Excel (.xlsx, .xls), Word (.docx) or HTML (.html, .htm) file → records of the national grid templates.

    The suffix names the format (a file's name is the publisher's claim; its
    first bytes must agree, else :class:`ParseError` names both). The format
    reader (:mod:`.formats.excel`, :mod:`.formats.word`, :mod:`.formats.html`)
    gives the tables; :func:`.readers.grid_targets.read_national_grid` reads the
    项目支出 / 部门整体 performance-target templates from them (amounts in 万元 on
    budget lines, 元 on department income). A file of these formats without a
    national indicator grid raises :class:`ParseError` saying so.
    """
    from .formats.excel import read_xls_layout, read_xlsx_layout
    from .formats.html import read_html_layout
    from .formats.word import read_docx_layout
    from .readers.grid_targets import has_national_grid, read_national_grid

    fmt = TABLE_FORMATS[suffix]
    magic = _TABLE_MAGIC.get(fmt)
    if magic is not None and not data.startswith(magic[0]):
        actual = sniff_binary_type(data) or "text or unknown bytes"
        raise ParseError(f"the name ends in .{suffix} but the content is not {magic[1]}: it is {actual}. "
                         "Save the file again in its real format, or name it for what it is.")
    if fmt == "docx" and b"word/" not in data[:65536] and b"word/" not in data[-65536:]:
        raise ParseError(f"the name ends in .{suffix} but the ZIP holds no word/ part: it is {sniff_binary_type(data)}")
    reader = {"xlsx": read_xlsx_layout, "xls": read_xls_layout, "docx": read_docx_layout, "html": read_html_layout}[fmt]
    try:
        layout = reader(data)
    except (ParseError, MemoryError):
        raise
    except Exception as error:  # noqa: BLE001 - a damaged part deep inside a workbook or document
        raise ParseError(f"the {fmt} file cannot be read ({type(error).__name__}: {str(error)[:200]}): it is damaged. "
                         "Open and save it again, or export the table as PDF.") from None
    if not has_national_grid(layout):
        raise ParseError(
            f"no performance-target grid found in the {len(layout.tables)} table(s) of this {fmt} file: no row has the "
            "labels 一级指标 / 二级指标 / 三级指标 of the national templates (项目支出绩效目标表, 部门整体支出绩效目标表). "
            "Other tables from Excel, Word or HTML are not read yet: submit the PDF or a text extract."
        )
    document = read_national_grid(layout, fmt)
    return document


def _with_article(noun: str) -> str:
    """``'an Excel spreadsheet'``, ``'a PNG image'``, ``'an HTML page'``."""
    return ("an " if noun[0] in "AEIOU" or noun.startswith(("HTML", "OFD")) else "a ") + noun


def _parse_project_targets(lines, layout: str, events: list[ParseEvent]) -> ParsedDocument:
    """项目支出绩效目标表: header facts, then rows of the detected layout, then records."""
    title = find_title(lines, PROJECT_TITLE_MARK)
    department, department_events = find_department(lines)
    events = events + department_events
    if layout == "tab_separated":
        rows, layout_events = read_tab_separated_rows(lines)
    elif layout == "rows_then_indicators":
        rows, layout_events = read_rows_then_indicators(lines)
    else:
        rows, layout_events = read_line_flow_rows(lines)
    budget_lines, indicators, record_events = build_records(rows)
    return ParsedDocument(
        doc_type="project_targets",
        layout=layout,
        title=title,
        department=department,
        fiscal_year=fiscal_year_from_title(title),
        budget_lines=budget_lines,
        indicators=indicators,
        events=events + layout_events + record_events,
    )
