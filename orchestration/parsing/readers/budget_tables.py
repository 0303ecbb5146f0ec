"""Reader of the standard tables of a 部门预算 / 部门决算 disclosure.

Every standard table (收支总表, 收入/支出总表, 财政拨款收支总表, 功能分类,
经济分类, 三公经费) has the same shape: row labels on the left (a 类/款/项
code in one to three columns, a name), amount columns on the right, and
sometimes two such sides next to each other (收入 | 支出). One reader reads
them all from a :class:`~orchestration.parsing.formats.grid.GridTable`:

1. **Header rows** are the leading rows before the first body row; a body row
   has an amount (``87,267,272.44``), a code (``204``) or a row label that
   starts with an ordinal (``一、``, ``1.``) or is a total (合计/总计/小计); a row
   labelled 栏次 (the columns' numbers 1, 2, 3 …) is a header row.
2. **Column labels**: a column's header cells top to bottom (a merged cell
   labels every column it spans), distinct texts joined with ``/``:
   ``收入预算/合计``, ``“三公”经费预算数/公务用车购置及运行费/购置费``.
3. **Column types**: a *code* column has only 1–3 digit cells (a 款/项 part
   printed with one digit, ``2``, is read as ``02`` with a ``code_zero_padded`` event) and a label with
   编码 or 类/款/项; a *name* column has text cells (or, when every cell is
   empty as in a blank template, a label with 项目 or 名称); every other
   column holds amounts. A name or code column after an amount column starts
   a new **side**.
4. **Rows**: per side, the code is the code columns joined (or a leading
   ``204 06 01`` in the name), the name the name column (or the text of a
   merged cell such as ``合计`` spanning the code columns); a side whose
   label, code and amounts are all empty is skipped (blank ruled rows). A
   name ending in 合计/总计/小计 makes a ``total`` row.
5. **Amounts**: every non-empty cell of an amount column is parsed
   (:func:`~orchestration.parsing.text_common.parse_amount`) and kept as
   printed with the table's unit; a cell that is not a number is an
   ``amount_cell_not_a_number`` event naming page and text (nothing is dropped silently).
   The column's role comes from its label words (:data:`COLUMN_ROLES`); the only amount
   column of a table labelled 金额 (or nothing) is the ``total``.
6. **Orientation**: a table with one amount column, no code column and its labels in name
   columns is printed transposed (items as rows: the Jiangsu 收入预算总表 lists its sources
   一般公共预算资金 | 小计 | 10,070.48). Its row is read whole (one side), named by its label
   cells joined with ``/``; in an ``income_summary`` each amount's role is its row label's
   (``一般公共预算资金/小计`` → ``general_public``, ``收入总计`` → ``total``), else the column's;
   its 收入总计 is checked against the sum of the sources' subtotals (:func:`check_sources`).
   A column with neither label nor text (a spacer of the grid) is no column of any side; an
   unlabelled amount column that never shares a row with a labelled one is that column drawn
   over two grid columns (its label). A side with amounts but no label takes the label of the
   side to its left when that one has no amounts (``支出合计`` drawn over the 功能分类 side).
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..disclosure_records import BudgetTableAmount, BudgetTableRow
from ..formats.grid import GridCell, GridTable
from ..records import ParseError, ParseEvent
from ..text_common import parse_amount
from ..vocabulary import BLANK_FORM_ELLIPSIS, FISCAL_APPROPRIATION_WORD, FUND_TYPE_WORDS
from .outline import infer_levels

_AMOUNT = re.compile(r"^[-(（]?[0-9０-９][0-9０-９,，]*([.．][0-9０-９]+)?[)）]?$")
_CODE = re.compile(r"^(\d{1,3}|\d{5}|\d{7})$")
#: A code printed in the name cell, separated from the name by white space (``204 06 01 行政运行``), a
#: dash (``2010801-行政运行``, ``30101-基本工资``) or brackets (``[201]一般公共服务支出``, ``【20140】信访事务``).
_CODE_IN_NAME = re.compile(
    r"^(?:[\[【［]\s*(\d{3})(\d{2})?(\d{2})?\s*[\]】］]\s*"
    r"|(\d{3})(?:\s*(\d{2}))?(?:\s*(\d{2}))?(?:\s*[-－—]\s*|\s+))(\S.*)$")
#: A column of printed row numbers (行次 1, 2, …; 栏次; 序号): the rows' numbers, not amounts.
_LINE_LEAVES = ("行次", "栏次", "序号")
_LINE_NUMBER = re.compile(r"^\d{1,3}$")
_ORDINAL = re.compile(r"^([一二三四五六七八九十]+、|\d+[.．、]|\(\d+\)|（\d+）)")
_TOTAL = re.compile(r"(合计|总计|小计)$")
_CODE_LEAVES = ("类", "款", "项")
#: The label of a header row numbering the columns (栏次 | 1 | 2 | 3 …).
_COLUMN_NUMBER_LABELS = ("栏次",)

#: Column roles by label words, most specific first. A label is matched from
#: its last segment upwards; a generic last segment (小计) yields to a
#: specific parent (公务用车购置及运行费/小计 → official_vehicles).
COLUMN_ROLES: tuple[tuple[str, str], ...] = (
    ("扣除", "net_amount"),  # 扣除基建项目后预算数 (北京): the column above net of a part, not a part of the row
    ("事业单位经营收入", "operating_income"),
    ("经营收入", "operating_income"),
    ("事业收入", "business_income"),
    ("上级补助", "superior_subsidy"),
    ("附属单位上缴", "affiliated_remittance"),
    ("其他收入", "other_income"),
    ("因公出国", "outbound_travel"),
    ("公务用车购置及运行", "official_vehicles"),
    ("购置费", "vehicle_purchase"),
    ("运行费", "vehicle_operation"),
    ("运行维护费", "vehicle_operation"),
    ("公务接待", "official_reception"),
    ("机关运行经费", "administrative_operating"),
    ("人员经费", "personnel"),
    ("公用经费", "public_operating"),
    ("人员支出", "personnel"),  # 湖州 基本支出/人员支出
    ("公用支出", "public_operating"),  # 杭州 基本支出/日常公用支出
    ("上缴上级", "remitted_to_superior"),
    ("经营支出", "operating_expenditure"),
    ("对附属单位", "subsidy_to_affiliated"),
    ("年初结转", "opening_balance"),
    ("上年结转", "opening_balance"),
    ("上年结余", "opening_balance"),
    ("财政专户", "special_account"),
    ("专户管理", "special_account"),
    ("债务资金", "debt_funds"),
    ("年末结转", "closing_balance"),
    ("基本支出", "basic"),
    ("项目支出", "project"),
    *FUND_TYPE_WORDS,
    FISCAL_APPROPRIATION_WORD,
    ("合计", "total"),
    ("总计", "total"),
    ("本年收入", "current_income"),
    ("本年支出", "current_expenditure"),
    ("其他资金", "other_funds"),
)
_GENERIC_LEAVES = ("小计", "预算数", "决算数", "金额")


def column_role(label: str) -> str | None:
    """The role of an amount column from its label (``'收入预算/事业单位经营收入'`` → ``'operating_income'``)."""
    segments = [s for s in re.sub(r"[\s“”\"]", "", label).split("/") if s]
    for depth, segment in enumerate(reversed(segments)):
        if depth == 0 and segment in _GENERIC_LEAVES and len(segments) > 1:
            continue
        for word, role in COLUMN_ROLES:
            if word in segment:
                return role
    if segments and segments[-1] == "小计":
        return "subtotal"
    return "amount" if segments and segments[-1] in _GENERIC_LEAVES else None


def column_measure(label: str) -> str | None:
    """``budget`` for a column labelled …/预算数, ``final`` for …/决算数 (a 决算 table prints both), else ``None``."""
    leaf = label.split("/")[-1] if label else ""
    return "budget" if "预算数" in leaf else "final" if "决算数" in leaf else None


def split_header(table: GridTable) -> tuple[list[list[GridCell]], list[list[GridCell]]]:
    """``(header rows, body rows)`` of a table (rule 1 of the module docstring)."""
    for i, row in enumerate(table.rows):
        if _is_body_row(row):
            return table.rows[:i], table.rows[i:]
    return table.rows, []


def column_labels(header: list[list[GridCell]], column_count: int) -> list[str]:
    """One label per column: the distinct header texts top to bottom joined with ``/`` (a row numbering the
    columns, 栏次 | 1 | 2 …, names no column)."""
    header = [row for row in header if not _numbers_columns(row)]
    labels = []
    for j in range(column_count):
        parts: list[str] = []
        for row in header:
            text = row[j].text if j < len(row) else ""
            if text and text not in parts:
                parts.append(text)
        labels.append("/".join(parts))
    return labels


def read_budget_table(table: GridTable, unit: str | None, kind: str | None = None
                      ) -> tuple[list[BudgetTableRow], list[BudgetTableAmount], list[str], list[ParseEvent]]:
    """Read a standard table into rows and amounts (rules in the module docstring).

    ``kind`` is the table's kind (:func:`..tables.classify.classify_table`); an ``income_summary``
    printed transposed takes each amount's role from its row label (rule 6).
    Returns ``(rows, amounts, column_labels, events)``; amounts are as printed,
    in ``unit`` (``元``/``万元``/``None``). Never raises for a cell it cannot
    read: that cell becomes an event.
    """
    header, body = split_header(table)
    labels = column_labels(header, table.column_count)
    types = _column_types(labels, body)
    labels = label_unlabelled_amounts(labels, types, body)
    for j, cell in enumerate(body[0] if body else []):
        if types[j] == "code" and cell.is_origin and cell.text in _CODE_LEAVES:
            labels[j] = f"{labels[j]}/{cell.text}" if labels[j] else cell.text
    roles = _column_roles(labels, types, kind)
    transposed = is_transposed(types, labels)
    sides = [list(range(len(types)))] if transposed else _sides(types)
    rows_by_source = transposed and kind == "income_summary"
    row_labels = with_groups([_row_label(row, sides[0], types) for row in body]) if transposed else []
    rows: list[BudgetTableRow] = []
    amounts: list[BudgetTableAmount] = []
    events: list[ParseEvent] = []
    row_no = 0
    placeholders = 0
    own_column = classification_column(labels, types, kind)
    for body_no, body_row in enumerate(body):
        left_label = None  # the label of the side to the left when it has no amounts of its own
        for side_no, columns in enumerate(sides, start=1):
            parsed, skipped = _read_side(body_row, columns, types, own_column)
            placeholders += skipped
            if parsed is None:
                left_label = None
                continue
            code_parts, name, cells, cross = parsed
            if transposed:
                name = row_labels[body_no] or name
            if not name and not code_parts and cells and left_label:
                name = left_label  # one label cell drawn over two sides (支出合计 | … | 21,955.35)
            left_label = name if name and not cells and not code_parts else None
            row_no += 1
            padded = [part.zfill(2) if k > 0 and len(part) == 1 else part for k, part in enumerate(code_parts)]
            if padded != code_parts:
                events.append(ParseEvent(
                    "code_zero_padded",
                    f"table {table.table_no} row {row_no}: code printed as {' '.join(code_parts)}, read as {' '.join(padded)}",
                    source_page=body_row[columns[0]].page,
                ))
                code_parts = padded
            first = body_row[columns[0]]
            code = "".join(code_parts) or None
            rows.append(BudgetTableRow(
                table_no=table.table_no, row_no=row_no, side_no=side_no,
                side_label=labels[columns[0]].split("/")[0] if labels[columns[0]] else None,
                row_kind="total" if name and _TOTAL.search(re.sub(r"\s+", "", name)) else "item",
                code=code,
                class_code=code_parts[0] if len(code_parts) > 0 else None,
                section_code=code_parts[1] if len(code_parts) > 1 else None,
                item_code=code_parts[2] if len(code_parts) > 2 else None,
                name=name, source_page=first.page,
                bbox_x0=first.bbox[0], bbox_top=first.bbox[1], bbox_x1=first.bbox[2], bbox_bottom=first.bbox[3],
                cross_codes="; ".join(f"{labels[j] or f'column {j + 1}'} {code}" for j, code in cross) or None,
            ))
            for j, cell in cells:
                try:
                    value = parse_amount(cell.text)
                except ParseError:
                    events.append(ParseEvent(
                        "amount_cell_not_a_number",
                        f"table {table.table_no} row {row_no} column {labels[j]!r}: {cell.text[:40]!r} is not an amount; kept here, not loaded",
                        source_page=cell.page,
                    ))
                    continue
                if value is None:
                    continue
                amounts.append(BudgetTableAmount(
                    table_no=table.table_no, row_no=row_no, side_no=side_no, column_no=j + 1,
                    column_label=labels[j], column_role=(column_role(name) if rows_by_source and name else None) or roles[j],
                    column_measure=column_measure(labels[j]),
                    amount=value, unit=unit, source_page=cell.page, ocr_confidence=cell.confidence,
                ))
    for row in header:
        if _numbers_columns(row):  # its characters are in no label: kept here
            printed = " ".join(cell.text for cell in row if cell.is_origin and cell.text.strip())
            events.append(ParseEvent("column_numbers_row", f"table {table.table_no}: column numbers {printed} printed "
                                     "under the header, not amounts", source_page=row[0].page if row else table.first_page))
    for j in (j for j, kind in enumerate(types) if kind == "line"):
        numbers = [int(row[j].text) for row in body if j < len(row) and row[j].is_origin and row[j].text]
        if numbers:
            events.append(ParseEvent(
                "row_number_column",
                f"table {table.table_no} column {labels[j]!r}: the rows' printed numbers ({len(numbers)}, "
                f"{min(numbers)}–{max(numbers)}), not amounts", source_page=table.first_page))
    if placeholders:
        events.append(ParseEvent("placeholder_cells", f"table {table.table_no}: {placeholders} cells hold only an ellipsis (…), read as empty",
                                 source_page=table.first_page))
    if rows_by_source:
        events += check_sources(table.table_no, rows, amounts)
    if kind in CLASS_TABLE_KINDS:
        events += assign_outline(table.table_no, rows, amounts)
    return rows, amounts, labels, events


#: Tables whose rows are function or economic classes (类/款/项): where a producer prints names only,
#: :func:`assign_outline` reads the levels from the sums.
CLASS_TABLE_KINDS = frozenset({"function_expenditure", "expenditure_summary", "economic_expenditure"})


def assign_outline(table_no: int, rows: list[BudgetTableRow], amounts: list[BudgetTableAmount]) -> list[ParseEvent]:
    """Give the rows of a class table printed with names and no codes their level and name path, when
    the table's sums prove one reading (:func:`.outline.infer_levels`); mutates ``rows``.

    Applies when no row has a code, the table's first row is its 合计 and at least two named item
    rows follow (a table that prints codes, or has no 合计 to anchor the sums, is left as it is).
    Returns one event: ``outline_from_sums`` (how many 类/款/项 were read) or ``outline_not_proved``
    (no single reading: the rows stay without level, listed as unread class rows downstream).
    """
    if any(row.code for row in rows) or not rows or rows[0].row_kind != "total":
        return []
    items = rows[1:]
    if len(items) < 2 or any(row.row_kind != "item" or not row.name for row in items):
        return []
    totals: dict[int, Decimal] = {}
    for amount in amounts:
        if amount.column_role == "total" and amount.row_no not in totals:
            totals[amount.row_no] = Decimal(str(amount.amount))
    if rows[0].row_no not in totals:
        return []
    outline = infer_levels([totals.get(row.row_no, Decimal(0)) for row in items], totals[rows[0].row_no])
    page = rows[0].source_page
    if outline is None:
        return [ParseEvent("outline_not_proved", f"table {table_no}: {len(items)} class rows printed with names and no "
                           "codes, and no single reading of their 类/款/项 levels makes every parent equal the sum of its "
                           "children: rows kept without a level", source_page=page)]
    path: list[str] = []
    for row, level in zip(items, outline.levels):
        path = [*path[:level - 1], row.name]
        row.outline_level, row.outline_path = level, "/".join(path)
    counts = [outline.levels.count(level) for level in range(1, outline.depth + 1)]
    names = "/".join(f"{count} {word}" for count, word in zip(counts, ("类", "款", "项")))
    return [ParseEvent("outline_from_sums", f"table {table_no}: printed with names and no codes; levels read from the "
                       f"sums ({names}; every parent equals the sum of its children, the 类 the 合计)", source_page=page)]


def check_sources(table_no: int, rows: list[BudgetTableRow], amounts: list[BudgetTableAmount]) -> list[ParseEvent]:
    """The arithmetic of a transposed income table (rule 6): its 收入总计 (role ``total``) against the sum of
    its sources' subtotals (the other total rows with a role). One ``income_sources_verified`` event when
    they are equal, else ``income_sources_differ`` with both numbers (as printed, the table's unit); none
    when the table prints no 收入总计."""
    kinds = {row.row_no: row.row_kind for row in rows}
    totals = [a for a in amounts if kinds.get(a.row_no) == "total"]
    grand = [a for a in totals if a.column_role == "total"]
    if len(grand) != 1:
        return []
    parts = [a for a in totals if a.column_role not in (None, "total", "amount", "subtotal")]
    summed = sum((a.amount for a in parts), type(grand[0].amount)(0))
    kind = "income_sources_verified" if summed == grand[0].amount else "income_sources_differ"
    roles = ", ".join(f"{a.column_role} {a.amount}" for a in parts)
    return [ParseEvent(kind, f"table {table_no}: 收入总计 {grand[0].amount} vs Σ of its {len(parts)} source subtotal(s) "
                             f"{summed} ({roles})", source_page=grand[0].source_page)]


def label_unlabelled_amounts(labels: list[str], types: list[str], body: list[list[GridCell]]) -> list[str]:
    """Labels with an unlabelled amount column given the label of the nearest labelled amount column
    whose rows it complements (never a text in the same row): one printed column drawn over two grid
    columns (amounts right-aligned in cells of different widths: ``金额`` over 15,844.04 and a column
    without header over 2,171.78 below it). A column that shares a row with every labelled one keeps
    its empty label."""
    out = list(labels)
    filled = [{i for i, row in enumerate(body) if j < len(row) and row[j].is_origin and row[j].text}
              for j in range(len(labels))]
    labelled = [k for k, kind in enumerate(types) if kind == "amount" and labels[k]]
    for j, kind in enumerate(types):
        if kind != "amount" or labels[j] or not filled[j]:
            continue
        for k in sorted(labelled, key=lambda k: abs(k - j)):
            if not filled[j] & filled[k]:
                out[j] = labels[k]
                break
    return out


def is_transposed(types: list[str], labels: list[str]) -> bool:
    """True for a table printed transposed (rule 6): one amount column, no code column, labels in one or
    more name columns (a 收入预算总表 listing its sources as rows: 一般公共预算资金 | 小计 | 10,070.48)."""
    return len(_amount_columns(labels, types)) == 1 and "code" not in types and "name" in types


def _amount_columns(labels: list[str], types: list[str]) -> list[int]:
    """Amount columns, one per printed column (columns sharing a label by :func:`label_unlabelled_amounts`
    counted once)."""
    seen: dict[str, int] = {}
    out = []
    for j, kind in enumerate(types):
        if kind != "amount":
            continue
        if labels[j] and labels[j] in seen:
            continue
        seen[labels[j]] = j
        out.append(j)
    return out


def _column_roles(labels: list[str], types: list[str], kind: str | None = None) -> list[str | None]:
    """Role per column (:func:`column_role`); the only amount column of a table, labelled 金额 or
    nothing, holds the table's amounts: role ``total`` (a function table | 功能科目代码 | 功能科目名称 | 金额);
    so does an only column 基本支出 of an ``economic_expenditure`` table (a table of 基本支出 itself)."""
    roles = [column_role(label) for label in labels]
    amount_columns = _amount_columns(labels, types)
    if len(amount_columns) == 1:
        j = amount_columns[0]
        leaf = labels[j].split("/")[-1] if labels[j] else ""
        if roles[j] is None or (roles[j] == "amount" and leaf not in ("预算数", "决算数")) or (
                roles[j] == "basic" and kind == "economic_expenditure"):
            for k, label in enumerate(labels):
                if types[k] == "amount" and label == labels[j]:
                    roles[k] = "total"
    return roles


def _row_label(row: list[GridCell], columns: list[int], types: list[str]) -> str | None:
    """The label of a row of a transposed table: the distinct texts of its name cells left to right
    (merged cells included) joined with ``/`` (``一般公共预算资金/小计``), else ``None``."""
    parts: list[str] = []
    for j in columns:
        text = row[j].text.strip() if types[j] == "name" else ""
        if text and text not in parts and not BLANK_FORM_ELLIPSIS.match(text):
            parts.append(text)
    return "/".join(parts) or None


def with_groups(labels: list[str | None]) -> list[str | None]:
    """Row labels of a transposed table with a subtotal's group named: a ``小计`` printed without its group
    (the group's name drawn in one row of the block only) takes the group of the rows it heads, the
    first part of the first label of the block below it with two parts (``小计`` followed by
    ``一般公共预算资金/公共财政拨款(补助)资金`` → ``一般公共预算资金/小计``); the block ends at the next total."""
    out = list(labels)
    for i, label in enumerate(labels):
        if not label or "/" in label or not _TOTAL.search(label) or label.endswith(("总计", "合计")):
            continue
        for below in labels[i + 1:]:
            if not below or (_TOTAL.search(below) and "/" not in below):
                if below and _TOTAL.search(below):
                    break
                continue
            if "/" in below:
                group = below.split("/")[0]
                out[i] = f"{group}/{label}"
                break
    return out


def _numbers_columns(row: list[GridCell]) -> bool:
    """True for a header row numbering the columns: labelled 栏次, or whose texts are consecutive whole
    numbers (``** | 1 | 2 | 3 | 4 | 5`` in 杭州/湖州, ``1 | 2 | … | 12``) beside at most a mark (``**``, ``*``)."""
    texts = [re.sub(r"\s+", "", cell.text) for cell in row if cell.is_origin and cell.text.strip()]
    if any(text in _COLUMN_NUMBER_LABELS for text in texts):
        return True
    numbers = [int(text) for text in texts if re.fullmatch(r"\d{1,2}", text)]
    marks = [text for text in texts if not re.fullmatch(r"\d{1,2}", text)]
    return (len(numbers) >= 3 and all(b == a + 1 for a, b in zip(numbers, numbers[1:]))
            and all(re.fullmatch(r"[*＊]+", mark) for mark in marks))


def _is_body_row(row: list[GridCell]) -> bool:
    """A row with an amount or code cell, or whose only text is a label starting with an ordinal or naming a total."""
    texts = [cell.text.strip() for cell in row if cell.is_origin and cell.text.strip()]
    if _numbers_columns(row):
        return False  # 栏次 | 1 | 2 | 3 …: the columns' numbers, a header row
    if any(_AMOUNT.match(text) for text in texts):
        return True
    labels = [text for text in texts if not BLANK_FORM_ELLIPSIS.match(text)]
    return len(labels) == 1 and bool(_ORDINAL.match(labels[0]) or _TOTAL.search(labels[0]))


def _column_types(labels: list[str], body: list[list[GridCell]]) -> list[str]:
    """``code`` | ``name`` | ``amount`` | ``line`` (printed row numbers: 行次, 栏次, 序号) | ``empty`` per column (rule 3)."""
    types = []
    for j, label in enumerate(labels):
        texts = [row[j].text for row in body if j < len(row) and row[j].is_origin and row[j].text]
        leaf = label.split("/")[-1] if label else ""
        code_label = "编码" in label or "代码" in label or leaf in _CODE_LEAVES
        if re.sub(r"\s+", "", leaf) in _LINE_LEAVES and all(_LINE_NUMBER.match(t) for t in texts):
            types.append("line")
        elif texts and code_label and all(_CODE.match(t) or t in _CODE_LEAVES or _TOTAL.search(re.sub(r"\s+", "", t))
                                        or BLANK_FORM_ELLIPSIS.match(t) for t in texts):
            types.append("code")
        elif texts:
            numeric = sum(1 for t in texts if _AMOUNT.match(t) or t in ("-", "—", "－", "/"))
            types.append("amount" if numeric * 2 >= len(texts) else "name")
        elif code_label and ("编码" in leaf or "代码" in leaf or leaf in _CODE_LEAVES):
            types.append("code")
        elif "名称" in leaf or leaf == "项目" or leaf.endswith("项目"):
            types.append("name")
        elif not label:
            types.append("empty")  # no label and no text: a spacer column of the grid, no side of its own
        else:
            types.append("amount")
    return types


def _split_code(code: str) -> list[str]:
    """``'2050205'`` → ``['205', '02', '05']`` (a code printed in one column); a 2–3 digit part stays whole."""
    if len(code) in (5, 7):
        return [code[:3]] + [code[i:i + 2] for i in range(3, len(code), 2)]
    return [code]


def _sides(types: list[str]) -> list[list[int]]:
    """Column indices per side: a code/name column after an amount column starts a new side (rule 3)."""
    sides: list[list[int]] = []
    previous = None
    for j, kind in enumerate(types):
        if kind == "empty":
            continue
        if not sides or (kind != "amount" and previous == "amount"):
            sides.append([])
        sides[-1].append(j)
        previous = kind
    return sides


def _read_side(row: list[GridCell], columns: list[int], types: list[str], primary: int | None = None):
    """``((code parts, name, [(column, amount cell)], cross codes) or None when the side is blank, placeholder
    cells skipped)``. ``primary``: the classification column whose ``code-name`` is the row's own when the row
    prints several (:func:`classification_columns`); the others' ``(column, code)`` are its cross codes."""
    code_parts: list[str] = []
    name = None
    coded_names: dict[int, str] = {}
    cells: list[tuple[int, GridCell]] = []
    label_texts: list[str] = []
    placeholders = 0
    for j in columns:
        cell = row[j]
        if cell.is_origin and BLANK_FORM_ELLIPSIS.match(cell.text):
            placeholders += 1  # a blank form's '…': an empty cell, counted in a placeholder_cells event
            continue
        if types[j] == "line":
            continue  # the row's printed number (行次), reported once per table (row_number_column)
        if types[j] == "code":
            if cell.is_origin and _CODE.match(cell.text):
                code_parts += _split_code(cell.text)
            elif cell.is_origin and cell.text in _CODE_LEAVES:
                pass  # a 类/款/项 header leaf printed in the first body row: part of the column label
            elif cell.text and cell.is_origin:
                label_texts.append(cell.text)
            elif cell.text and cell.covered_by is not None and cell.covered_by[1] == j:
                pass
            elif cell.text and cell.covered_by is not None and not label_texts and not code_parts:
                label_texts.append(cell.text)
        elif types[j] == "name":
            if cell.is_origin and cell.text:
                name = cell.text
                if _CODE_IN_NAME.match(cell.text):
                    coded_names[j] = cell.text
            elif cell.text and not label_texts and not name:
                label_texts.append(cell.text)
        elif cell.is_origin and cell.text:
            cells.append((j, cell))
    cross: list[tuple[int, str]] = []
    if len(coded_names) > 1 and not code_parts:
        own = primary if primary in coded_names else max(coded_names)
        name = coded_names[own]
        for j, text in coded_names.items():
            if j != own:
                groups = _CODE_IN_NAME.match(text).groups()
                cross.append((j, "".join(part for part in (groups[:3] if groups[0] else groups[3:6]) if part)))
    if name is None and label_texts:
        name = label_texts[0]
    if name and not code_parts:
        match = _CODE_IN_NAME.match(name)
        if match:
            groups = match.groups()
            code_parts = [part for part in (groups[:3] if groups[0] else groups[3:6]) if part]
            name = groups[6]
    if not code_parts and not name and not cells:
        return None, placeholders
    return (code_parts, name, cells, cross), placeholders


#: Words of a classification column label, by the table kind whose own code it holds (北京's 支出总表 prints
#: 支出功能分类科目 | 政府支出经济分类科目 | 部门支出经济分类科目 on every row: an economic table's own code is the
#: 部门 economic one, the others are its cross codes).
_OWN_CLASSIFICATION: dict[str, tuple[str, ...]] = {
    "economic_expenditure": ("部门支出经济", "部门经济", "经济"),
    "function_expenditure": ("功能",),
    "expenditure_summary": ("功能",),
}


def classification_column(labels: list[str], types: list[str], kind: str | None) -> int | None:
    """The name column holding the table's own classification when rows print several (``code-name`` in two or
    more columns): the first column whose label has the most specific word of :data:`_OWN_CLASSIFICATION` for
    ``kind``; ``None`` (the last coded column is the row's own) when no label says."""
    for word in _OWN_CLASSIFICATION.get(kind or "", ()):
        for j, label in enumerate(labels):
            if types[j] == "name" and word in re.sub(r"\s", "", label or ""):
                return j
    return None
