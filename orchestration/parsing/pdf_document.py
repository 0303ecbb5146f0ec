"""Every PDF enters here: file checks, the text layer, then the reader of its layout.

Pure: PDF bytes in, :class:`ParsedDocument` out; no Dagster, no file I/O.

Every PDF enters here (:func:`parse_pdf`): the checks for a truncated,
damaged, password-protected or oversized file come first, then page 1's text
layer is checked and, when page 1 shows a department-wide title (部门整体 /
单位整体 … 绩效目标, whatever words stand between: :data:`.text_common.DEPARTMENT_TITLE`;
and not 项目支出绩效目标表), the file is a department-wide form, read instead of the
steps below by the reader of its layout: the national grid reader
(:mod:`.readers.grid_targets`, layout ``national_department_form``) when its pages print
the national grid (三级指标 without the 指标解释 / 说明及公式 columns: 部门整体支出 /
部门整体预算绩效目标申报表), else :mod:`.readers.department_targets_pdf` (layout
``department_targets_pdf``, the 部门整体绩效目标 form of 指标解释 / 指标说明及公式 / 预期指标). Any other PDF (no 项目支出绩效目标表 title or 项目名称 header on
page 1, or no such table on any page) is read as a sequence of tables by
:mod:`.spine`; a 项目支出绩效目标表 found among its tables is read by
:func:`.readers.project_targets_pdf.read_project_pages` on its pages.

"""

from __future__ import annotations

import io
import re
import traceback

import pdfplumber

from .readers.department_targets_pdf import parse_department_pdf
from .formats.pdf_ocr import recognise_image_pages
from .pdf_text import check_text_layer
from .ocr_checks import record_ocr
from .readers.project_targets_pdf import read_project_pages
from .records import ParsedDocument, ParseError, ParseEvent
from .text_common import PROJECT_TITLE_MARK, has_department_title, squeeze


def parse_pdf(data: bytes) -> ParsedDocument:
    """Parse the bytes of any PDF: a 项目支出绩效目标表, a 部门整体绩效目标 form, a national grid or a bundle (module docstring).

    A 项目支出绩效目标表 gives a :class:`ParsedDocument` with ``layout='pdf_table'``,
    ``page_count`` set, amounts in 万元 (``Decimal``; ``None`` for an empty
    cell) and page + bbox provenance on every budget line and indicator; a
    部门整体绩效目标 one with ``layout='department_targets_pdf'``, ``page_count``
    set and ``department_targets`` (income in 元; see :mod:`.readers.department_targets_pdf`).

    Raises :class:`ParseError` when the bytes are not a readable PDF, a page
    has ``(cid:N)`` text or no text layer, no table header is found, a row
    cannot be read, or the table does not start with its 合计 row.
    """
    _check_complete(data)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except MemoryError:
        raise  # over the parse budget: the parse pool names the limit
    except Exception as error:  # pdfminer raises many types for damaged files
        _reraise_memory_error(error)
        if _is_password_error(error):
            raise ParseError(
                "the PDF is encrypted with a password that is needed to open it, so it cannot be read and nothing "
                "was loaded. Encrypted: remove the password (e.g. qpdf --decrypt --password=… in.pdf out.pdf) or "
                "provide an unencrypted copy, or submit a text extract (UTF-8 .txt)."
            ) from None
        raise ParseError(
            f"not a readable PDF ({_describe(error)}): the file is damaged or not a PDF. Download or export it "
            "again, or submit a text extract (UTF-8 .txt)."
        ) from None
    try:
        with pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise ParseError(
                    f"the PDF has {len(pdf.pages)} pages, more than the {MAX_PAGES} a 项目支出绩效目标表 can "
                    "plausibly have: it was not parsed. Split it into the documents it holds and submit them one by one."
                )
            ocr = recognise_image_pages(pdf)
            document = _parse_open_pdf(pdf)
            record_ocr(document, ocr)
            if pdf.doc.encryption is not None:
                document.events.insert(0, ParseEvent(
                    "pdf_encrypted_without_user_password",
                    "the PDF is encrypted with an owner password only (opens without a password); read as is",
                ))
            return document
    except (ParseError, MemoryError):
        raise  # MemoryError: over the parse budget, named by the parse pool
    except Exception as error:  # noqa: BLE001 - a broken object inside an otherwise valid file
        _reraise_memory_error(error)
        if _raised_inside_pdf_library(error):
            raise ParseError(
                f"the PDF cannot be read ({_describe(error)}): it is damaged. Export it again, or submit a "
                "text extract (UTF-8 .txt)."
            ) from None
        raise


#: Where the end-of-file marker must appear (bytes from the end), as PDF readers require.
EOF_SEARCH_BYTES = 2048
#: More pages than any 项目支出绩效目标表 has: refuse instead of reading for minutes.
MAX_PAGES = 2000


def _check_complete(data: bytes) -> None:
    """Raise :class:`ParseError` when the file ends without ``%%EOF`` (a truncated download or copy)."""
    if b"%%EOF" not in data[-EOF_SEARCH_BYTES:]:
        raise ParseError(
            f"the PDF is truncated: its {len(data):,} bytes end without the end-of-file marker %%EOF, so part "
            "of the file is missing (an interrupted download or copy) and nothing was loaded. Download or "
            "copy it again."
        )


def _is_password_error(error: BaseException) -> bool:
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    causes = [error, error.__cause__, error.__context__, *getattr(error, "args", ())]
    return any(isinstance(c, PDFPasswordIncorrect) for c in causes)


def _reraise_memory_error(error: BaseException) -> None:
    """Raise ``MemoryError`` when ``error`` is one (pdfplumber wraps it): the parse pool names the memory limit."""
    inner = error.args[0] if error.args and isinstance(error.args[0], BaseException) else error
    if isinstance(inner, MemoryError):
        raise MemoryError(_describe(inner)) from None


def _describe(error: BaseException) -> str:
    """``'PSEOF: Unexpected EOF'``: the type and message of the error, unwrapped from pdfplumber's wrapper."""
    if error.args and isinstance(error.args[0], BaseException):
        error = error.args[0]
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _raised_inside_pdf_library(error: BaseException) -> bool:
    """True when the exception comes from pdfminer/pdfplumber (or the C codecs they call) reading the file.

    Decided by the innermost Python frame of the traceback: a damaged file makes
    the library fail (``KeyError``, ``TypeError``, ``struct.error``…); an error
    raised in this module's own code is a bug and is not hidden.
    """
    if type(error).__module__.startswith(("pdfminer", "pdfplumber")):
        return True
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return False
    innermost = frames[-1].filename.replace("\\", "/")
    return "/pdfminer/" in innermost or "/pdfplumber/" in innermost or "/PIL/" in innermost


def _parse_open_pdf(pdf) -> ParsedDocument:
    if pdf.pages and _is_department_form(pdf.pages[0]):
        # a 部门整体绩效目标 title over a national grid (levels and a value column: 指标值 …) is read by the
        # grid reader; the Guangzhou form (预期指标, 指标说明及公式: no value column) by the department reader
        document = _read_national_grid(pdf, otherwise=None) if _prints_national_grid(pdf) else None
        return document if document is not None else parse_department_pdf(pdf)
    if pdf.pages and _has_self_evaluation_title(pdf.pages[0]):
        return _read_as_tables(pdf)  # a 绩效自评表: the spine's self_evaluation tables (readers/self_evaluation.py)
    if pdf.pages and _has_grid_labels(pdf.pages[0]):
        document = _read_national_grid(pdf)
        if document is not None:
            return document
    if pdf.pages and not _is_project_form(pdf.pages[0]):
        return _read_as_tables(pdf)
    # the pages stay open: should no page hold the form, they are read again as tables, not parsed again
    doc = read_project_pages(pdf, range(1, len(pdf.pages) + 1), close_pages=False)
    if doc is None:
        # page 1 named the form (a contents page listing 项目支出绩效目标表, say) but no page holds its
        # table: read the document as a sequence of tables like any other PDF
        return _read_as_tables(pdf)
    doc.page_count = len(pdf.pages)
    return doc


def _prints_national_grid(pdf) -> bool:
    """True when some page prints the level labels of a national indicator grid (三级指标, or 一级指标 and
    二级指标): its tables are then read cell by cell, and the grid reader decides by each header row's
    labels (:func:`.readers.grid_labels.is_grid_header`: levels and a value column), whatever other columns
    (指标解释, 评(扣)分标准 …) the grid has. The pages' characters stay cached for the reader that follows."""
    text = "".join(squeeze("".join(c["text"] for c in page.chars)) for page in pdf.pages)
    return "三级指标" in text or ("一级指标" in text and "二级指标" in text)


def _has_self_evaluation_title(first_page) -> bool:
    """True when page 1's head names a 绩效自评表 (自评表, 绩效自评, 自评结果): read as a sequence of tables, whose
    self-evaluation tables the spine reads (:mod:`.readers.self_evaluation`), not as a grid of targets."""
    text = re.sub(r"\s+", "", "".join(c["text"] for c in first_page.chars[:300]))
    return bool(re.search(r"自评(?:表|结果|情况)|绩效自评", text))


def _has_grid_labels(first_page) -> bool:
    """True when page 1 prints the level labels of a national indicator grid (三级指标, or 一级指标 and
    二级指标): its tables are then read cell by cell and the grid reader decides by each header row's
    labels (:func:`.readers.grid_labels.is_grid_header`: levels and a value column), whatever other
    columns (指标解释, 评(扣)分标准 …) the grid has."""
    text = re.sub(r"\s+", "", "".join(c["text"] for c in first_page.chars[:6000]))
    return "三级指标" in text or ("一级指标" in text and "二级指标" in text)


def _read_national_grid(pdf, otherwise: str | None = "spine") -> ParsedDocument | None:
    """The national grid templates (:mod:`.readers.grid_targets`) from the PDF's ruled tables; when no
    table row is a grid header after all, the spine's reading (``otherwise="spine"``: ``None`` is then
    never returned for a readable PDF) or ``None`` (``otherwise=None``)."""
    from .formats.pdf import read_pdf_layout
    from .readers.grid_targets import has_national_grid, is_grid_header, read_national_grid
    from .spine import read_disclosure

    # when no grid is found the pages are read again (by the department reader): they stay open until then
    layout = read_pdf_layout(pdf, check_page=check_text_layer, is_header=is_grid_header, close_pages=otherwise is not None)
    if has_national_grid(layout):
        document = read_national_grid(layout, "pdf")
        document.page_count = len(pdf.pages)
        return document
    return read_disclosure(layout) if otherwise == "spine" else None


def _read_as_tables(pdf) -> ParsedDocument:
    """The spine (:mod:`.spine`); a 项目支出绩效目标表 found among the tables is read by this module's
    reader (:func:`.readers.project_targets_pdf.read_project_pages`) on its pages, so it loads exactly as it does alone (budget lines and indicators on the document)."""
    from .formats.pdf import read_pdf_layout
    from .readers.grid_labels import is_grid_header
    from .spine import read_disclosure

    # a national grid ruled with horizontal lines only is found by its header (formats/pdf_rules.py); the pages
    # stay open until the tables are classified: a 项目支出绩效目标表's pages are read again, not parsed again
    layout = read_pdf_layout(pdf, check_page=check_text_layer, is_header=is_grid_header, close_pages=False)
    document = read_disclosure(layout)
    targets: list = []
    previous = None
    for entry in (e for e in document.disclosure.inventory if e.entry_type == "table"):
        if entry.kind == "project_targets":
            targets.append(entry)
        elif (previous is not None and previous in targets and entry.kind == "unknown" and entry.title is None
              and entry.first_page == previous.last_page + 1):
            # an untitled table right after it whose columns the grid could not map: its continuation
            entry.kind = "project_targets"
            targets.append(entry)
        previous = entry
    pages = [p for e in targets for p in range(e.first_page, e.last_page + 1)]
    _close_pages_except(pdf, set(pages))
    if targets:
        try:
            inner = read_project_pages(pdf, pages)
        except ParseError as error:
            # one table that cannot be read soundly does not take the disclosure's other tables down
            inner = None
            document.events.append(ParseEvent("targets_not_read", f"项目支出绩效目标表 on pages {pages[0]}-{pages[-1]} "
                                              f"not read: {error}", source_page=pages[0]))
        if inner is not None:
            # records of national grids in the same document (spine) follow the table's, renumbered after them
            offset = len(inner.budget_lines)
            for record in (*document.budget_lines, *document.indicators):
                record.line_no += offset
            document.budget_lines = inner.budget_lines + document.budget_lines
            document.indicators = inner.indicators + document.indicators
            document.events += inner.events
            document.char_counts += inner.char_counts
            document.column_char_counts += inner.column_char_counts
            for entry in targets:
                entry.read = True
                entry.row_count = sum(1 for b in inner.budget_lines if entry.first_page <= (b.source_page or 0) <= entry.last_page)
            read_now = tuple(f"table {entry.table_no} (" for entry in targets)
            document.events = [e for e in document.events
                               if not (e.kind == "table_not_read" and e.detail.startswith(read_now))]
    return document


def _close_pages_except(pdf, kept: set[int]) -> None:
    """Close the pages of ``pdf`` (free their parsed objects) but those numbered in ``kept`` (1-based)."""
    for page_no, page in enumerate(pdf.pages, start=1):
        if page_no not in kept:
            page.close()


def _is_project_form(first_page) -> bool:
    """True when page 1 names the 项目支出绩效目标表 or prints its 项目名称 column header.

    Any other PDF is read as a sequence of tables (:mod:`.spine`): a 部门预算 /
    部门决算 disclosure, or a document registered with its table inventory.
    Page 1's characters are already cached by :func:`_is_department_form`.
    """
    text = "".join(c["text"] for c in first_page.chars[:4000])
    return PROJECT_TITLE_MARK in text or "项目名称" in text


def _is_department_form(first_page) -> bool:
    """True when page 1 shows a department-wide title (部门整体 … 绩效目标) and not the 项目支出绩效目标表 one.

    The text layer is checked first, so a scanned or ``(cid:N)`` department
    PDF is refused with the same reason as any other PDF. The page is left
    open on purpose: its characters stay cached for the parser that reads it
    next (closing it here made every PDF's first page be extracted twice:
    +7 % parse time on the benchmark corpus, +30–50 % on 2–3 page files).
    Closed on error.
    """
    try:
        chars = first_page.chars
        check_text_layer(first_page, chars, 1)
    except BaseException:
        first_page.close()
        raise
    text = "".join(c["text"] for c in chars[:2000])
    return has_department_title(text) and PROJECT_TITLE_MARK not in squeeze(text)
