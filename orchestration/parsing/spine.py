"""The spine: a document is a sequence of tables.

``file → format reader → tables → classifier → table reader → records``.
:func:`read_disclosure` runs it for a PDF that is not a single
项目支出绩效目标表 / 部门整体绩效目标 form (those are dispatched earlier by
:func:`orchestration.parsing.pdf_document.parse_pdf`, page 1's title mark):

1. :func:`orchestration.parsing.formats.pdf.read_pdf_layout` — tables (cells with
   page + bbox, continued tables joined) and narrative pages;
2. :func:`orchestration.parsing.tables.classify_table` — each table's kind from its
   title and header labels;
3. :func:`orchestration.parsing.readers.budget_tables.read_budget_table` for every
   kind of :data:`~.tables.classify.READ_KINDS` (the standard tables, 项目支出表,
   政府采购预算表); other tables stay in the inventory with title, pages and labels,
   and their text in a ``table_not_read`` event;
4. tables of kind ``performance_target_grid`` (a national 绩效目标 grid inside the
   disclosure, found by its 一级指标/二级指标/三级指标 labels) are read together, in
   page order, by :func:`orchestration.parsing.readers.grid_targets.read_national_grid`:
   its budget lines (万元) and indicators, or its 部门整体 profile, tasks and indicators
   (income in 元), become the document's, as if the grid had been submitted alone; a grid
   the reader cannot read gives a ``grid_not_read`` event with its reason; the fund split
   printed under 其中 (财政资金 / 其他资金) is read onto the projects
   (:func:`.readers.bundle_targets.fund_columns`);
5. tables of kind ``project_goals`` (项目支出绩效表 and 重点项目绩效目标 tables: project, amount,
   绩效目标, no indicators) are read by :func:`orchestration.parsing.readers.project_goals.read_project_goals`
   into budget lines (万元) with their goals;
   5b. a table of kind ``department_targets`` with an indicator grid header (北京 预算13表 部门整体支出绩效目标表:
   活动 | 绩效指标 | 指标性质 | 指标值 | 度量单位) is read by
   :func:`orchestration.parsing.readers.department_overview.read_department_overview` into the document's
   ``department_targets`` (profile with the budget in 元, one task per 活动, indicators with taxonomy codes);
6. (:mod:`.readers.bundle_targets`) target budget lines without a unit (a grid or goal table without 单位名称 column: the
   department's own projects) get the document's department as their spending unit, with a
   ``spending_unit_from_department`` event; and the targets are judged by the bundle's own
   arithmetic: Σ of the target table's projects against the 项目支出 total of the 支出总表
   (or of the 项目支出表), a ``targets_vs_project_expenditure`` event either way (a finding:
   a target table may list only the key projects);
7. the inventory (:class:`~.disclosure_records.InventoryEntry`) lists every table
   and narrative page, read or not.

Document facts come from the words of the document: the department from
``编制部门：`` / ``编制单位：`` / ``预算主管部门：`` (else the cover's first line
that names no year, budget or contents), the fiscal year from the first
``20NN年`` of the titles and cover, the scope ``unit`` when a title or the
cover says 预算单位 / 单位预算 / 编制单位 (else ``department``), the stage from the
tables' titles. A document whose standard tables hold no amount at all is a
template (``is_template``): registered, not loaded.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from .disclosure_records import Disclosure, InventoryEntry, TableCell
from .formats.grid import DocumentLayout
from .readers.budget_tables import column_labels, read_budget_table, split_header
from .readers.bundle_targets import append_lines, fund_columns, sum_parents, targets_vs_project_expenditure, unit_from_department
from .readers.department_overview import is_overview_table, read_department_overview
from .readers.narrative import read_narrative
from .readers.project_goals import read_project_goals, stated_unit
from .readers.self_evaluation import read_self_evaluation
from .readers.three_public import read_three_public
from .evaluation_records import EvaluationSet
from .records import BudgetLine
from .records import ParsedDocument, ParseError, ParseEvent
from .tables import READ_KINDS, classify_table, table_title, table_unit

_DEPARTMENT = re.compile(r"(?:编制部门|编制单位|预算主管部门|部门名称|单位名称|(?<![\u4e00-\u9fff])部\s*门)\s*[:：]\s*(\S+)")
#: A section heading (一、主要职能。 （二） 3. 第一部分), never a department.
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．]|第.部分)|。$")
#: A disclosure's title on its cover: [year] name [year] [部门|单位] 预算/决算 …
_TITLE_NAME = re.compile(r"^(?:20\d\d年度?)?(.+?)(?:20\d\d年度?|年度?)?(?:部门|单位)?(?:综合)?(?:预算|决算)")
_DISCLOSURE_TITLE = re.compile(r"(?:部门|单位)(?:综合)?(?:预算|决算)|(?:预算|决算)(?:信息)?公开")
_YEAR = re.compile(r"(20\d\d)\s*年")
_CODED_DEPARTMENT = re.compile(r"^\d{3,}\s*[-－—]\s*(\S+?)\s+(?:单位\s*[:：]\s*)?(?:万元|元)$")
_NOT_A_NAME = re.compile(r"(20\d\d|预算|决算|目\s*录|第.部分|^\d+$|单位\s*[:：]|表$)")


def read_disclosure(layout: DocumentLayout) -> ParsedDocument:
    """Classify and read the tables of a document layout into a ``budget_disclosure`` :class:`ParsedDocument`.

    A document without any table is a prose disclosure: :func:`read_narrative_disclosure`.
    """
    if not layout.tables:
        return read_narrative_disclosure(layout)
    events = [ParseEvent(kind, detail, source_page=page) for kind, detail, page in layout.events]
    entries: list[tuple[int, InventoryEntry]] = []
    rows, amounts = [], []
    cells: list[TableCell] = []
    captions: list[str] = []
    stages: Counter[str] = Counter()
    grid_tables: list[tuple[object, InventoryEntry]] = []
    goal_lines: list[list[BudgetLine]] = []
    overview_tables: list[tuple[object, InventoryEntry]] = []
    evaluations = EvaluationSet()
    for table in layout.tables:
        title = table_title(table.caption)
        captions += table.caption
        header, _ = split_header(table)
        labels = column_labels(header, table.column_count)
        unit = table_unit(table.caption) or table_unit(labels)  # 单位：万元 in the caption, else in a header cell
        kind = classify_table(title, labels, [[cell.text for cell in row] for row in table.rows])
        if kind.stage:
            stages[kind.stage] += 1
        entry = InventoryEntry(
            entry_no=0, entry_type="table", kind=kind.kind, title=title, first_page=table.first_page,
            last_page=table.last_page, fund_type=kind.fund_type, stage=kind.stage, unit=unit,
            column_labels=labels, table_no=table.table_no, bbox_x0=table.bbox[0], bbox_top=table.bbox[1], bbox_x1=table.bbox[2],
            bbox_bottom=table.bbox[3],
        )
        events += [ParseEvent(k, d, source_page=p) for k, d, p in table.events]
        if table.notes:
            events.append(ParseEvent("table_note", f"table {table.table_no} ({title}): {' '.join(table.notes)[:300]}",
                                     source_page=table.last_page))
        if kind.key in READ_KINDS:
            if unit is None:
                events.append(ParseEvent("unit_not_stated", f"table {table.table_no} ({title}) states no 单位：; amounts kept without a unit",
                                         source_page=table.first_page))
            table_rows, table_amounts, _, table_events = read_budget_table(table, unit, kind.kind)
            if kind.kind == "three_public_expenses":
                table_amounts, more = read_three_public(table, table_rows, table_amounts)
                table_events += more
            entry.row_count, entry.amount_count, entry.read = len(table_rows), len(table_amounts), True
            rows += table_rows
            amounts += table_amounts
            events += table_events
        elif kind.kind == "performance_target_grid":
            grid_tables.append((table, entry))
        elif kind.kind == "project_goals":
            entry.unit = unit = unit or stated_unit(table.caption, labels)
            lines, goal_events = read_project_goals(table, unit)
            goal_lines.append(lines)
            events += goal_events
            entry.read, entry.row_count = True, sum(1 for line in lines if line.line_type == "project")
        elif kind.kind == "department_targets" and is_overview_table(table):
            overview_tables.append((table, entry))
        elif kind.kind == "self_evaluation":
            events += _read_self_evaluation(table, title, unit, entry, evaluations)
        else:
            events.append(ParseEvent("table_not_read", _unread_table_detail(table, kind.key, title),
                                     source_page=table.first_page))
            cells += table_cells(table)
        entries.append((table.table_no, entry))
    grid_document = _read_grids(grid_tables, layout, events)
    if grid_document is not None and grid_document.budget_lines:
        events += fund_columns(grid_document.budget_lines, [table for table, _ in grid_tables])
    inventory = _number_entries(entries, layout)
    stage = stages.most_common(1)[0][0] if stages else _stage_from(layout.head_lines)
    titles = [e.title for e in inventory if e.entry_type == "table" and e.title]
    scope = "unit" if (any(re.search(r"预算单位|单位预算|单位决算", t) for t in titles)
                       or any(re.match(r"\s*编制单位", line) for line in captions)) else "department"
    standard_read = [e for e in inventory if e.read and e.kind != "self_evaluation"]
    is_template = bool(standard_read) and not amounts
    department = _department(captions, layout.head_lines, layout.tables)
    evaluation_only = bool(evaluations.evaluations) and all(
        e.kind == "self_evaluation" for e in inventory if e.entry_type == "table")
    if evaluation_only:
        # a 自评表 alone: its 部门（单位）名称 cell names the department (its head lines are the form's title), and
        # it is a publication of its own (stage self_evaluation), never a version of the 部门预算 or 决算
        department = next((e.unit_name for e in evaluations.evaluations if e.unit_name), department)
        stage = "self_evaluation"
    if is_template:
        events.append(ParseEvent("template_without_amounts",
                                 f"{len(standard_read)} standard tables and not one amount: a blank form (template), registered, not loaded as a department"))
    figures = read_narrative([(page.page, page.lines) for page in layout.narrative_pages])
    if figures:  # the 说明 chapters of a bundle state figures its tables print (rpt_narrative_vs_tables)
        counts = Counter(figure.measure for figure in figures)
        events.append(ParseEvent("narrative_figures_read", f"{len(layout.narrative_pages)} pages of text beside the "
                                 f"tables: {len(figures)} headline figures read ("
                                 + ", ".join(f"{m} {n}" for m, n in counts.most_common()) + ")"))
    document = ParsedDocument(
        doc_type="budget_disclosure",
        layout="pdf_bundle",
        title=_document_title(layout.head_lines),
        department=department,
        fiscal_year=_fiscal_year(layout.head_lines + captions),
        page_count=layout.page_count,
        events=events,
        disclosure=Disclosure(scope=scope, stage=stage, inventory=inventory, rows=rows, amounts=amounts,
                              is_template=is_template, cells=cells, figures=figures),
    )
    if evaluations.evaluations:
        document.evaluations = evaluations
        if evaluation_only:  # the form's title with the year printed under it: 部门整体绩效自评表（2024年度）
            document.title = "".join(layout.tables[0].caption)[:200] or document.title
            projects = sorted({e.project_name for e in evaluations.evaluations if e.scope == "project" and e.project_name})
            if len(projects) == 1:  # a project's 自评表: the project names the publication (int_documents)
                document.title = f"{document.title}：{projects[0]}"[:300]
    if grid_document is not None:
        document.budget_lines, document.indicators = grid_document.budget_lines, grid_document.indicators
        document.department_targets = grid_document.department_targets
    _read_overviews(document, overview_tables)
    for lines in goal_lines:
        append_lines(document, lines)
    if document.budget_lines:
        unit_from_department(document, department)
        sum_parents(document.budget_lines)
        events.extend(targets_vs_project_expenditure(document.budget_lines, inventory, rows, amounts, department))
    return document


#: Characters of a prose document's text (white space removed) that must name the disclosure (部门预算, 预算公开 …).
NARRATIVE_HEAD_CHARS = 3000
#: Lines a cover title may wrap over.
COVER_TITLE_LINES = 2


def read_narrative_disclosure(layout: DocumentLayout) -> ParsedDocument:
    """A prose-only 部门预算 / 决算 disclosure (部门预算公开文件, 情况说明) → a ``budget_narrative`` document.

    Registered with its narrative pages as inventory and the headline figures its sentences state
    (:func:`.readers.narrative.read_narrative`: 收支总计, 收入/支出 by source and class, “三公”经费,
    机关运行经费, 政府采购; amounts as printed, in 元 too). Department from the cover or title
    (:func:`_department`), else the subject of the sentence stating its total
    (``江苏省政协办公厅2019年度收入、支出预算总计…``); year and stage (预算/决算) from the cover title.
    A ``narrative_figures_read`` event counts the figures by measure (``narrative_figures_not_found`` when none).

    Raises :class:`ParseError` when the first :data:`NARRATIVE_HEAD_CHARS` characters name no 部门预算 / 单位预算 /
    部门决算 / 预算公开 (another report in prose, such as a 统计公报: not a budget disclosure); a running head
    printed on every page (:func:`_running_lines`) is no evidence of what the body is.
    """
    pages = [(page.page, page.lines) for page in layout.narrative_pages]
    running = _running_lines(pages)
    text = "".join(squeezed for _, lines in pages for squeezed in map(_squeeze, lines) if squeezed not in running)
    if not _DISCLOSURE_TITLE.search(text[:NARRATIVE_HEAD_CHARS]):
        raise ParseError(
            f"no table with the column header 项目名称（资金使用单位）… and no other ruled table found on any of the "
            f"{layout.page_count} pages ({len(layout.narrative_pages)} pages of text only), and its first pages name no "
            "部门预算 / 部门决算 / 预算公开: not a 项目支出绩效目标表, 部门整体绩效目标 or 部门预算/决算 this parser knows."
        )
    figures = read_narrative(pages)
    title = _cover_title(layout.head_lines) or next(
        (squeezed for squeezed in (re.sub(r"\s+", "", line) for line in layout.head_lines)
         if re.search(r"预算|决算", squeezed) and not _HEADING.search(squeezed)), None)
    department = _department([], layout.head_lines) or _subject_department(figures)
    counts = Counter(figure.measure for figure in figures)
    events = [ParseEvent(kind, detail, source_page=page) for kind, detail, page in layout.events]
    events.append(ParseEvent(
        "narrative_figures_read" if figures else "narrative_figures_not_found",
        f"prose disclosure, {len(layout.narrative_pages)} pages of text, no table: {len(figures)} headline figures read"
        + (f" ({', '.join(f'{m} {n}' for m, n in counts.most_common())})" if figures else
           ": no sentence states a known figure (收支总计, 基本支出, “三公”经费 …) with an amount and unit")))
    return ParsedDocument(
        doc_type="budget_narrative",
        layout="pdf_narrative",
        title=title,
        department=department,
        fiscal_year=_fiscal_year(layout.head_lines),
        page_count=layout.page_count,
        events=events,
        disclosure=Disclosure(scope="department", stage=_stage_from([title or ""]) or _stage_from(layout.head_lines),
                              inventory=_number_entries([], layout), rows=[], amounts=[], figures=figures),
    )


def _squeeze(line: str) -> str:
    """``line`` NFKC-normalised, white space removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", line))


def _running_lines(pages: list[tuple[int, list[str]]]) -> set[str]:
    """Running heads and feet: a page's first or last line (squeezed) printed the same on more than one page."""
    seen = Counter(_squeeze(line) for _, lines in pages if lines for line in {lines[0], lines[-1]})
    return {line for line, count in seen.items() if count > 1 and line}


def _cover_title(head: list[str]) -> str | None:
    """The cover's title, joined over its wrapped lines (``2018 年度江苏省高级`` + ``人民法院预算公开``; at most
    :data:`COVER_TITLE_LINES`, none a heading, 目录, a table title or a 名称 label), when it names the disclosure
    (部门预算, 预算公开 …); else ``None``."""
    text = ""
    for line in head[:COVER_TITLE_LINES]:
        squeezed = _squeeze(line)
        if not squeezed or _HEADING.search(squeezed) or re.match(r"目录", squeezed) or re.search(r"名称|表", squeezed):
            break
        text += squeezed
        if re.search(r"预算|决算", squeezed):
            break
    return text[:200] if _DISCLOSURE_TITLE.search(text) else None


def _subject_department(figures) -> str | None:
    """The subject of the sentence stating a total (``江苏省政协办公厅2019年度收入、支出预算总计``): the words
    before its year or 本年, when they hold no digit; else ``None``."""
    for figure in figures:
        if figure.measure in ("total", "income_total", "expenditure_total"):
            match = re.match(r"^(\D{2,40}?)(?:本年|20\d\d年)", figure.label)
            if match and not re.search(r"本部门|我部门", match.group(1)):
                return match.group(1)
    return None


def _read_self_evaluation(table, title: str | None, unit: str | None, entry: InventoryEntry,
                          evaluations: EvaluationSet) -> list[ParseEvent]:
    """A 绩效自评表 (:mod:`.readers.self_evaluation`): its evaluations, funding rows and indicator outcomes join the
    document's ``evaluations`` (numbered on), its entry is marked read; returns the reader's events and a
    ``self_evaluation_read`` event counting what was read."""
    number_from = len(evaluations.evaluations) + 1
    found, table_events = read_self_evaluation(table, title, number_from, unit)
    evaluations.evaluations += found.evaluations
    evaluations.funding += found.funding
    evaluations.indicators += found.indicators
    entry.read, entry.row_count = True, len(found.indicators) or len(found.evaluations)
    scores = ", ".join(f"{e.project_name or e.unit_name}: {e.total_score_printed}" for e in found.evaluations)[:300]
    return [*table_events, ParseEvent("self_evaluation_read", f"table {table.table_no} ({title or '自评'}) pages "
                                      f"{table.first_page}-{table.last_page}: {len(found.evaluations)} evaluation(s), "
                                      f"{len(found.funding)} funding row(s), {len(found.indicators)} indicator(s) "
                                      f"({scores})", source_page=table.first_page)]


def _read_overviews(document: ParsedDocument, overview_tables) -> None:
    """Step 5b: the 部门整体支出绩效目标表 of the bundle (:mod:`.readers.department_overview`) becomes the
    document's ``department_targets`` (profile in 元, one task per 活动, indicators), its entry marked read.
    The form names the department itself; the bundle's department stands in where it does not. A
    second such table, or one beside a 部门整体 grid already read, stays unread with a
    ``department_targets_table_not_read`` event (a document carries one department-wide record)."""
    for table, entry in overview_tables:
        if document.department_targets is not None:
            document.events.append(ParseEvent("department_targets_table_not_read",
                                              _unread_table_detail(table, "department_targets", entry.title)
                                              .replace("(no reader for this kind)", "(the document's department "
                                                       "targets are already read from another table)"),
                                              source_page=table.first_page))
            continue
        targets, table_events = read_department_overview(table, document.department)
        document.events.extend(table_events)
        document.department_targets = targets
        entry.read, entry.row_count = True, len(targets.indicators)
        document.events.append(ParseEvent("department_targets_read", f"table {table.table_no} ({entry.title}) pages "
                                          f"{table.first_page}-{table.last_page}: {len(targets.indicators)} indicator(s) "
                                          f"under {len(targets.tasks)} 活动", source_page=table.first_page))


def _read_grids(grid_tables, layout: DocumentLayout, events: list[ParseEvent]) -> ParsedDocument | None:
    """The national 绩效目标 grids of a disclosure read by the grid reader (step 4), their entries marked read.

    Returns the grid reader's document (``project_targets``: budget lines in 万元 and indicators;
    ``department_targets``: profile with income in 元, tasks, indicators), or ``None`` when there is
    no grid or it cannot be read (then a ``grid_not_read`` event says why, naming the pages).
    """
    from .readers.grid_targets import read_national_grid

    if not grid_tables:
        return None
    tables = [table for table, _ in grid_tables]
    pages = ", ".join(f"{t.first_page}-{t.last_page}" for t in tables)
    try:
        grid = read_national_grid(DocumentLayout(layout.page_count, tables, [], layout.head_lines), "pdf")
    except ParseError as error:
        events.append(ParseEvent("grid_not_read", f"performance-target grid on pages {pages} not read: {error}",
                                 source_page=tables[0].first_page))
        return None
    table_events = {(k, d, p) for table in tables for k, d, p in table.events}
    # the disclosure names its department itself (cover, titles): the grid reader's department_unknown
    # (a grid read without the document's first pages) is no finding of the disclosure
    events += [e for e in grid.events if (e.kind, e.detail, e.source_page) not in table_events
               and e.kind != "department_unknown"]
    count = len(grid.indicators) or len(grid.department_targets.indicators if grid.department_targets else [])
    events.append(ParseEvent("grid_read", f"performance-target grid on pages {pages} read by the national grid "
                             f"reader ({grid.layout}): {count} indicator(s)", source_page=tables[0].first_page))
    for table, entry in grid_tables:
        entry.read = True
        entry.row_count = len(table.rows)
    return grid


#: Characters of an unread table's text kept in its ``table_not_read`` event.
UNREAD_TEXT_CHARS = 4000


def table_cells(table) -> list[TableCell]:
    """The non-empty cells of a :class:`~.formats.grid.GridTable` where they start (a merged cell once),
    row by row, with their page and bbox or address: the generic store of a table no reader read."""
    return [TableCell(table.table_no, i, j, cell.text, cell.page, cell.address,
                      *(cell.bbox if cell.address is None else (None, None, None, None)), cell.confidence)
            for i, row in enumerate(table.rows, start=1) for j, cell in enumerate(row, start=1)
            if cell.is_origin and cell.text]


def _unread_table_detail(table, kind: str, title: str | None) -> str:
    """``table N (kind, title) pages a-b not read: <cells, tab-separated, one row per line>`` (capped)."""
    text = "\n".join("\t".join(cell.text for cell in row if cell.is_origin) for row in table.rows)
    cut = len(text) > UNREAD_TEXT_CHARS
    return (f"table {table.table_no} ({kind}, {title or 'no title'}) pages {table.first_page}-{table.last_page} "
            f"not read (no reader for this kind); its text{' (first ' + str(UNREAD_TEXT_CHARS) + ' characters)' if cut else ''}:\n"
            + text[:UNREAD_TEXT_CHARS])


def _number_entries(entries, layout: DocumentLayout) -> list[InventoryEntry]:
    """Tables and narrative pages in page order, numbered 1…."""
    merged: list[InventoryEntry] = [entry for _, entry in entries]
    for page in layout.narrative_pages:
        merged.append(InventoryEntry(entry_no=0, entry_type="narrative", kind="narrative", title=page.first_line[:200] or None,
                                     first_page=page.page, last_page=page.page))
    merged.sort(key=lambda e: (e.first_page, e.entry_type != "narrative", e.bbox_top or 0))
    for n, entry in enumerate(merged, start=1):
        entry.entry_no = n
    return merged


def _department(captions: list[str], head: list[str], tables=()) -> str | None:
    """The department, from the cover or a title, never a section heading.

    In order: ``编制部门：X`` / ``部门：X`` (…) in a caption or the head lines (the name ends at white
    space or ``单位：``), else a caption ``341-X 万元``, else a 部门名称 cell's neighbour in a table (Beijing
    prints it only in its 部门整体支出绩效目标表), else the name in the cover's title
    (``2017年度江苏省高级人民法院部门预算公开``, wrapped over lines: :func:`_title_department`), else the
    cover's first line that names no year, budget, contents, unit statement or table, is no heading
    (``一、主要职能。``, ``（二）…``, ``第一部分``: :data:`_HEADING`), has a Chinese character (not ``- 1 -``) and
    no digit or 名称 label (``专项名称127部门整体``).
    A labelled name wrapped over caption lines is taken whole from another caption that prints it whole."""
    labelled = [re.split(r"(?:金额)?单\s*位\s*[:：]", match.group(1))[0]
                for match in map(_DEPARTMENT.search, captions + head) if match]
    if labelled and labelled[0]:
        # a name wrapped in its caption (``部门名称：江苏省人大`` / ``单位:万元`` / ``常委会办公厅``) is
        # printed whole in another caption: the longest name that starts with the first one
        return max((name for name in labelled if name.startswith(labelled[0])), key=len)
    for line in captions:
        # 湖州: ``341-湖州市财政局 万元`` (the department's code and name, then the unit)
        match = _CODED_DEPARTMENT.match(line.strip())
        if match:
            return match.group(1)
    for table in tables:
        for row in table.rows[:8]:
            cells = [c.text.strip() for c in row if c.is_origin and c.text.strip()]
            for label, value in zip(cells, cells[1:]):
                if re.fullmatch(r"(部门名称|预算部门|主管部门)", re.sub(r"\s+", "", label)) and len(value) <= 40:
                    return value
    titled = _title_department(head)
    if titled:
        return titled
    for line in head:
        text = re.sub(r"\s+", "", line)
        if (re.search(r"[\u4e00-\u9fff]", text) and not re.search(r"\d|名称", text)
                and not _NOT_A_NAME.search(text) and not _HEADING.search(text)):
            return text
    return None


def _title_department(head: list[str]) -> str | None:
    """The name in a disclosure's title on the cover (:func:`_cover_title`, wrapped lines joined), read as
    ``[year] name [year] [部门|单位] 预算/决算…``; ``None`` when the cover has no disclosure title
    (``收支预算总表``), a heading comes first, or the name holds a digit or is empty."""
    text = _cover_title(head)
    match = _TITLE_NAME.match(text) if text else None
    name = match.group(1) if match else None
    if not name or re.search(r"\d|目录|表", name) or _HEADING.search(name):
        return None
    return name


def _fiscal_year(lines: list[str]) -> int | None:
    """The first ``20NN年`` of ``lines``, else a line that is only a year (a title split around it)."""
    for line in lines:
        match = _YEAR.search(line)
        if match:
            return int(match.group(1))
    for line in lines:
        if re.fullmatch(r"\s*(20\d\d)\s*", line):
            return int(line)
    return None


def _stage_from(lines: list[str]) -> str | None:
    text = "".join(lines)
    return "final_accounts" if "决算" in text else "budget" if "预算" in text else None


def _document_title(head: list[str]) -> str | None:
    for line in head:
        if "预算" in line or "决算" in line:
            return re.sub(r"\s+", "", line)[:200]
    return None
