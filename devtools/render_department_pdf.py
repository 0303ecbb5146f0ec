"""Render a parsed 部门整体绩效目标 back into a ruled PDF form, as departments publish it.

A development tool, the department-form sibling of :mod:`.render_pdf` (both draw with
:class:`~.pdf_canvas.FontSet`, :func:`~.pdf_canvas.wrap` and
:class:`~.pdf_canvas.Variant`): it makes
``warehouse/samples/002_*.pdf`` (``make samples``) and the PDFs of the
round-trip tests. A seed is parsed by the text path, rendered here from its
**records** (not from the messy text grid), parsed again by
:mod:`orchestration.parsing.readers.department_targets_pdf`, and both record sets must
hold the same business fields.

Layout: one ruled table (full grid) of eight columns — a narrow section
column, then 一级指标 / 二级指标 / 三级指标 / 指标解释 / 指标说明及公式 /
预期指标 / 计算单位 — continued over as many A4 pages as it needs:

- page 1: the title (``荔湾区部门整体绩效目标（2023）年``) centred above the table;
- section ``项目概况``: 部门名称 / 财政主管处室 / 部门职能概述, each a
  ``label：value`` cell spanning the seven right columns;
- section ``本年度部门预算收入``: 总额(元) / 财政拨款收入(元) /
  财政专户管理资金(元) / 其他收入(元), amounts in **元** with thousands
  separators (``28,036,202.00``), as the form prints them;
- section ``年度目标``: ``部门整体支出目标：…``, then the overall indicator
  table (header 一级指标 … 本年度预期指标 … 计算单位);
- one section per task, labelled ``任务N``: a header row 任务名称 /
  任务的绩效目标 / 主要实施项目 (cells spanning 2, 3 and 2 columns), the
  values row, then the task's indicator table (header ``预期达到目标``);
- section ``其他``: 其他需要说明的情况, 填报人, 填报日期 (``2023/1/4``), 联系电话;
- ``第 N 页 共 M 页`` centred under the table on every page.

Merged cells: the section label, 一级指标 and 二级指标 are vertically merged
over the rows that share them (no rule between those rows in that column),
their text centred in the part of the block on the page where it starts; a
block that goes on over a page break continues as a blank merged cell at the
top of the next page. An empty 二级指标 is printed ``-`` as on the form. Long
cells wrap character by character inside the cell (:func:`.render_pdf.wrap`:
joining the lines without separator gives the text back). Rows are never
split: a row that does not fit moves to the next page; with
``repeat_header`` the indicator table's header row is printed again at the
top of a page that continues a table (real forms do both).

填报人 / 联系电话 are not in the records (personal data, see
:mod:`orchestration.parsing.department_records`): :func:`render_department_seed`
takes them from the seed's own text, as published; rendering records alone
prints the labels with ``（略）`` when the form had them filled in.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path


from devtools.pdf_canvas import (
    FOOTER_SPACE,
    MARGIN,
    FontSet,
    Variant,
    cell_pad,
    column_edges,
    line_leading,
    new_canvas,
    draw_text,
    wrap,
)
from orchestration.parsing import parse_document
from orchestration.parsing.department_records import OVERALL_TASK_NO, DepartmentIndicator, DepartmentTargets
from orchestration.parsing.records import ParsedDocument

#: Indicator table header: overall table, task tables (as published).
OVERALL_HEADER = ("一级指标", "二级指标", "三级指标", "指标解释", "指标说明及公式", "本年度预期指标", "计算单位")
TASK_HEADER = ("一级指标", "二级指标", "三级指标", "指标解释", "指标说明及公式", "预期达到目标", "计算单位")
INDICATOR_FIELDS = ("indicator_name", "explanation", "formula", "expected_value", "calculation_unit")
#: 任务名称 / 任务的绩效目标 / 主要实施项目 cells: (first column, last column) of the 8.
TASK_SPANS = ((1, 2), (3, 5), (6, 7))
EMPTY_LEVEL2 = "-"
WITHHELD = "（略）"

DEPARTMENT_VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        # Portrait A4, built-in CID font, header NOT repeated on continuation pages.
        Variant("dept-portrait-grid-cid", landscape=False, grid=True, font="cid",
                widths=(46, 42, 62, 82, 100, 62, 72, 40), font_size=9.5, repeat_header=False),
        # Portrait A4, embedded TrueType subset, header repeated, other proportions.
        Variant("dept-portrait-grid-ttf", landscape=False, grid=True, font="ttf",
                widths=(40, 40, 72, 90, 104, 56, 70, 38), font_size=10.0, repeat_header=True),
        # Landscape A4, CID font, header repeated, wide text columns.
        Variant("dept-landscape-grid-cid", landscape=True, grid=True, font="cid",
                widths=(60, 54, 96, 128, 170, 96, 110, 54), font_size=9.0, repeat_header=True),
    )
}
DEFAULT_DEPARTMENT_VARIANT = "dept-portrait-grid-cid"


# --------------------------------------------------------------------------
# The form as rows of spans
# --------------------------------------------------------------------------


@dataclass
class Span:
    """One cell of a row: columns ``first..last`` (of 8), its text, and whether it continues the cell above."""

    first: int
    last: int
    text: str = ""
    align: str = "left"
    merged_from_above: bool = False  # part of a vertically merged block that started on an earlier row
    lines: list[str] = field(default_factory=list)
    block_rows: int = 1  # rows of the merged block this span starts (1 = not merged)


@dataclass
class FormRow:
    spans: list[Span]
    header_of: int | None = None  # task_no whose indicator table this row is the header of
    in_table: int | None = None  # task_no whose indicator table this row belongs to (body or header)

    def height_lines(self) -> int:
        return max([1] + [len(s.lines) for s in self.spans if not s.merged_from_above])


def _full(text: str) -> Span:
    return Span(1, 7, text)


def _section(rows: list[FormRow], label: str) -> list[FormRow]:
    """Put ``label`` in the section column of ``rows``, merged over all of them."""
    for i, row in enumerate(rows):
        row.spans.insert(0, Span(0, 0, label if i == 0 else "", "centre", merged_from_above=i > 0,
                                 block_rows=len(rows) if i == 0 else 1))
    return rows


def _yuan(value) -> str:
    return "" if value is None else f"{value:,.2f}"


def _indicator_rows(indicators: list[DepartmentIndicator], task_no: int) -> list[FormRow]:
    header = OVERALL_HEADER if task_no == OVERALL_TASK_NO else TASK_HEADER
    rows = [FormRow([Span(c, c, label, "centre") for c, label in enumerate(header, start=1)],
                    header_of=task_no, in_table=task_no)]
    previous: DepartmentIndicator | None = None
    level1_start = level2_start = None
    for indicator in indicators:
        same1 = previous is not None and indicator.level1_name == previous.level1_name and indicator.level1_name
        same2 = (same1 and indicator.level2_name is not None and indicator.level2_name == previous.level2_name)
        spans = [
            Span(1, 1, "" if same1 else (indicator.level1_name or ""), "centre", merged_from_above=bool(same1)),
            Span(2, 2, "" if same2 else (indicator.level2_name or EMPTY_LEVEL2), "centre", merged_from_above=bool(same2)),
        ]
        spans += [Span(c, c, getattr(indicator, f) or "") for c, f in enumerate(INDICATOR_FIELDS, start=3)]
        row = FormRow(spans, in_table=task_no)
        if same1:
            level1_start.spans[0].block_rows += 1
        else:
            level1_start = row
        if same2:
            level2_start.spans[1].block_rows += 1
        else:
            level2_start = row
        rows.append(row)
        previous = indicator
    return rows


def form_rows(doc: ParsedDocument, contacts: dict[str, str] | None = None) -> list[FormRow]:
    """The rows of the form, top to bottom (spans not yet wrapped)."""
    targets: DepartmentTargets = doc.department_targets
    p = targets.profile
    contacts = contacts or {}
    rows: list[FormRow] = []
    rows += _section([FormRow([_full(f"部门名称：{p.department or ''}")]),
                      FormRow([_full(f"财政主管处室：{p.finance_office or ''}")]),
                      FormRow([_full(f"部门职能概述：{p.function_summary or ''}")])], "项目概况")
    rows += _section([FormRow([_full(f"总额(元)：{_yuan(p.income_total_yuan)}")]),
                      FormRow([_full(f"财政拨款收入(元)：{_yuan(p.income_fiscal_appropriation_yuan)}")]),
                      FormRow([_full(f"财政专户管理资金(元)：{_yuan(p.income_special_account_yuan)}")]),
                      FormRow([_full(f"其他收入(元)：{_yuan(p.income_other_yuan)}")])], "本年度部门预算收入")
    rows += _section([FormRow([_full(f"部门整体支出目标：{p.overall_goal or ''}")]),
                      *_indicator_rows(targets.indicators_of(OVERALL_TASK_NO), OVERALL_TASK_NO)], "年度目标")
    for task in targets.tasks:
        header = FormRow([Span(a, b, label, "centre") for (a, b), label in zip(TASK_SPANS, ("任务名称", "任务的绩效目标", "主要实施项目"))])
        values = FormRow([Span(a, b, text or "") for (a, b), text in
                          zip(TASK_SPANS, (task.task_name, task.goal_text, task.projects_text))])
        rows += _section([header, values, *_indicator_rows(targets.indicators_of(task.task_no), task.task_no)],
                         f"任务{task.task_no}")
    filled_on = f"{p.filled_on.year}/{p.filled_on.month}/{p.filled_on.day}" if p.filled_on else ""
    filler = contacts.get("filler", WITHHELD if p.filler_named else "")
    phone = contacts.get("phone", WITHHELD if p.contact_phone_given else "")
    rows += _section([FormRow([_full(f"其他需要说明的情况：{p.other_notes or ''}")]),
                      FormRow([_full(f"填报人：{filler}")]),
                      FormRow([_full(f"填报日期：{filled_on}")]),
                      FormRow([_full(f"联系电话：{phone}")])], "其他")
    return rows


_CONTACT = re.compile(r"(填报人|联系电话)\s*[：:]\s*([^\t\r\n]*)")


def contacts_from_text(text: str) -> dict[str, str]:
    """填报人 and 联系电话 as printed in a text extract (``{'filler': …, 'phone': …}``)."""
    found = {}
    for label, value in _CONTACT.findall(text):
        key = "filler" if label == "填报人" else "phone"
        found.setdefault(key, value.strip())
    return found


# --------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------


@dataclass
class Layout:
    variant: Variant
    font: FontSet
    edges: list[float]

    @property
    def pad(self) -> float:
        return cell_pad(self.variant)

    @property
    def leading(self) -> float:
        return line_leading(self.variant)

    def wrap_row(self, row: FormRow) -> FormRow:
        for span in row.spans:
            width = self.edges[span.last + 1] - self.edges[span.first] - 2 * self.pad
            span.lines = wrap(span.text, width, self.font, self.variant.font_size)
        return row

    def height(self, row: FormRow) -> float:
        return 2 * self.pad + self.leading * row.height_lines()


TITLE_SPACE = 40.0  # points between the top margin and the table on page 1


def _top(page_no: int) -> float:
    return MARGIN + TITLE_SPACE if page_no == 1 else MARGIN


def paginate(rows: list[FormRow], layout: Layout) -> list[list[FormRow]]:
    """Rows per page: a row that does not fit starts the next page (header repeated if the variant says so)."""
    _, page_height = layout.variant.page_size
    limit = page_height - FOOTER_SPACE
    headers = {row.header_of: row for row in rows if row.header_of is not None}
    pages: list[list[FormRow]] = [[]]
    y = _top(1)
    for row in rows:
        height = layout.height(row)
        if y + height > limit and pages[-1]:
            pages.append([])
            y = _top(len(pages))
            if layout.variant.repeat_header and row.in_table is not None and row.header_of is None:
                repeat = _continuation_header(headers[row.in_table])
                pages[-1].append(repeat)
                y += layout.height(repeat)
        if y + height > limit:
            raise ValueError(f"a row of {row.height_lines()} lines does not fit on one page")
        pages[-1].append(row)
        y += height
    return pages


def _continuation_header(header: FormRow) -> FormRow:
    """The header row printed again on a new page; its section cell continues the section block."""
    spans = [Span(s.first, s.last, s.text, s.align, lines=list(s.lines)) for s in header.spans if s.first > 0]
    spans.insert(0, Span(0, 0, "", "centre", merged_from_above=True))
    return FormRow(spans, header_of=None, in_table=header.in_table)


# --------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------


def render_department(doc: ParsedDocument, variant: Variant | str = DEFAULT_DEPARTMENT_VARIANT,
                      contacts: dict[str, str] | None = None) -> bytes:
    """Render a parsed 部门整体绩效目标 as PDF bytes (layout in the module docstring).

    ``doc`` comes from :func:`orchestration.parsing.parse_document` with
    ``doc_type == 'department_targets'`` (income in 元). ``contacts``
    (``filler``, ``phone``) are printed in the footer when given. The output is
    deterministic (reportlab ``invariant`` mode). Raises ``KeyError`` for an
    unknown variant name, :class:`~.render_pdf.FontUnavailable` when a ``ttf``
    variant's font is missing, ``ValueError`` for a document of another type,
    a variant without a full grid (the form is read by its ruled cells), or a
    row taller than a page.
    """
    if doc.doc_type != "department_targets" or doc.department_targets is None:
        raise ValueError(f"only 部门整体绩效目标 documents can be rendered here, not {doc.doc_type}")
    if isinstance(variant, str):
        variant = DEPARTMENT_VARIANTS[variant]
    if not variant.grid or len(variant.widths) != 8:
        raise ValueError(f"variant {variant.name}: the department form needs a full grid of 8 columns")
    font = FontSet(variant.font)
    page_width, page_height = variant.page_size
    edges = column_edges(variant)
    layout = Layout(variant, font, edges)
    rows = [layout.wrap_row(row) for row in form_rows(doc, contacts)]
    pages = paginate(rows, layout)
    size, pad, leading = variant.font_size, layout.pad, layout.leading

    buffer = io.BytesIO()
    c = new_canvas(buffer, variant, doc.title or "部门整体绩效目标")

    def text(x: float, top: float, s: str, align: str = "left", font_size: float = size) -> None:
        draw_text(c, font, page_height, x, top, s, font_size, align)

    def hline(x0: float, x1: float, top: float) -> None:
        c.line(x0, page_height - top, x1, page_height - top)

    def vline(x: float, top: float, bottom: float) -> None:
        c.line(x, page_height - top, x, page_height - bottom)

    for page_no, page_rows in enumerate(pages, start=1):
        if page_no == 1:
            text(page_width / 2, MARGIN, doc.title or "", align="centre", font_size=size + 6)
        tops, y = [], _top(page_no)
        for row in page_rows:
            tops.append(y)
            y += layout.height(row)
        bottom = y
        for index, (row, top) in enumerate(zip(page_rows, tops)):
            height = layout.height(row)
            for span in row.spans:
                x0, x1 = edges[span.first], edges[span.last + 1]
                if index == 0 or not span.merged_from_above:
                    hline(x0, x1, top)
                vline(x0, top, top + height)
                if span.merged_from_above or not span.lines:
                    continue
                # A merged block: centre its text in the block's rows on this page.
                block_rows = page_rows[index:index + span.block_rows]
                block_height = sum(layout.height(r) for r in block_rows)
                text_top = top + (block_height - leading * len(span.lines)) / 2 if span.block_rows > 1 else top + pad
                if span.block_rows == 1 and span.align == "centre":
                    text_top = top + (height - leading * len(span.lines)) / 2
                for i, s in enumerate(span.lines):
                    if span.align == "centre":
                        text((x0 + x1) / 2, text_top + i * leading, s, align="centre")
                    else:
                        text(x0 + pad, text_top + i * leading, s)
            vline(edges[-1], top, top + height)
        hline(edges[0], edges[-1], bottom)
        text(page_width / 2, page_height - 30, f"第 {page_no} 页 共 {len(pages)} 页", align="centre", font_size=size)
        c.showPage()
    c.save()
    return buffer.getvalue()


def render_department_seed(seed: Path, variant: Variant | str = DEFAULT_DEPARTMENT_VARIANT) -> bytes:
    """Parse a 部门整体绩效目标 text seed with the text path and render it, contacts as printed in the seed."""
    data = seed.read_bytes()
    doc = parse_document(data, seed.name)
    if doc.doc_type != "department_targets":
        raise ValueError(f"{seed.name}: not a 部门整体绩效目标 ({doc.doc_type})")
    return render_department(doc, variant, contacts_from_text(data.decode("utf-8", "replace")))
