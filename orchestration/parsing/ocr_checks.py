"""Arithmetic as the OCR's proof-reader: an OCR'd table is published only when its own sums hold.

Pure: a :class:`~.records.ParsedDocument` and the :class:`~.formats.pdf_ocr.OcrReport` of its
PDF in, the same document out with provenance and findings added (issue 28):

- every inventory entry gets its ``text_source``: ``ocr`` when one of its pages was an image read by OCR,
  ``ocr:<reason>`` when its text layer was replaced by OCR (``cid_text``, ``garbled_text``,
  ``poor_invisible_layer``: :func:`.formats.pdf_ocr.judge_text_layer`), ``ocr_layer`` when it is read from
  a scan's good invisible OCR layer (kept), else ``text_layer``; a document with OCR'd pages gets a
  ``pages_read_by_ocr`` event (pages, resolution, mean confidence, seconds), each page whose text layer was
  replaced a ``text_layer_replaced_by_ocr`` event (why, with the evidence), each kept invisible layer an
  ``invisible_text_layer_kept`` event;
- every *read* OCR'd table is judged by the identities the document itself implies, on the amounts
  as printed: exactly in a table in 元; in 万元 within the publisher's rounding (half a unit of the
  last printed decimal per cell, :func:`rounding_tolerance`: the real 财政局 2024 决算 misses 合计 by
  0.01 万元 in its text layer) — a misread digit anywhere but the last decimal breaks it:

  1. **code tree**: a code's amount = Σ its children's (类 ``204`` = Σ 款 ``204xx``, 款 = Σ 项), per
     column and side, where children are printed;
  2. **total = Σ top level**: a side's first 合计/总计 row = Σ its top-level rows printed above it —
     the 类 codes (3 digits) when the side has codes, else the rows numbered ``一、二、…``;
  3. **row parts**: in a table whose columns are a ``total`` and the ``basic`` and ``project``
     parts only, every row's total = basic + project;
  4. **balance**: a 收支总表's income 总计 = its expenditure 总计 (the same printed row, two sides);
  5. **“三公”经费**: 公务用车 = 购置费 + 运行维护费, 合计 = 因公出国 + 公务用车 + 公务接待 (+ 会议费 + 培训费
     where the printed 合计 includes them), per row, fund and measure.

  A table where an identity fails gets ``ocr_verified = False`` and an ``ocr_arithmetic_failed``
  event naming the identity, both numbers and the suspect cells with their OCR confidence (lowest
  first); dbt holds such a table back (``contract_issue`` ``ocr_arithmetic_failed``) and lists it in
  ``rpt_disclosure_tables_held_back`` for review instead of publishing it. A table where all hold is
  ``ocr_verified = True``; one where no identity applies stays ``None`` with an ``ocr_table_unverified``
  event.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from .records import ParsedDocument, ParseEvent

#: An entry over pages of several sources is named by the first of these it has (the least trusted first).
_SOURCE_RANK = ["ocr", "ocr:cid_text", "ocr:garbled_text", "ocr:poor_invisible_layer", "ocr_layer"]
_NUMBERED = re.compile(r"^[一二三四五六七八九十]+[、.．]")
#: Suspect cells named per failed identity in an event.
SUSPECTS_SHOWN = 6


def record_ocr(document: ParsedDocument, report) -> None:
    """Mark ``document``'s inventory with each entry's text source and judge its OCR'd tables (module docstring).

    ``report`` is the :class:`~.formats.pdf_ocr.OcrReport` of the PDF (no pages: every entry is ``text_layer``)."""
    ocr_pages = report.page_numbers
    sources = {p.page: "ocr" if p.reason == "no_text_layer" else f"ocr:{p.reason}" for p in report.pages}
    sources.update({page: "ocr_layer" for page, _ in report.kept_layers if page not in sources})
    for page in report.pages:
        if page.reason != "no_text_layer":
            document.events.append(ParseEvent(
                "text_layer_replaced_by_ocr", f"page {page.page}: its text layer was read by OCR instead "
                f"({page.reason}: {page.detail})", source_page=page.page))
    for page, detail in report.kept_layers:
        document.events.append(ParseEvent(
            "invisible_text_layer_kept", f"page {page}: a scan with an invisible OCR layer that reads as Chinese text "
            f"({detail}): the layer was kept, not OCR'd again; the ruling lines were taken from the image",
            source_page=page))
    if report.pages:
        scores = [p.confidence for p in report.pages if p.confidence is not None]
        confidence = f"mean recogniser confidence {sum(scores) / len(scores):.3f}" if scores else "no text recognised"
        document.events.insert(0, ParseEvent(
            "pages_read_by_ocr",
            f"{len(report.pages)} of {document.page_count or '?'} pages {_why(report.pages)} and were read by OCR "
            f"(rapidocr, {report.dpi} dpi, {report.seconds:.1f} s): pages {_ranges(sorted(ocr_pages))}; {confidence}",
            source_page=min(ocr_pages)))
    disclosure = document.disclosure
    if disclosure is None:
        return
    for entry in disclosure.inventory:
        pages = range(entry.first_page, entry.last_page + 1)
        found = [sources[p] for p in pages if p in sources]
        entry.text_source = min(found, key=_SOURCE_RANK.index) if found else "text_layer"
        if entry.entry_type == "table" and entry.text_source.startswith("ocr") and entry.read:
            entry.ocr_verified, events = judge_table(entry, disclosure.rows, disclosure.amounts)
            document.events += events


def judge_table(entry, rows: list, amounts: list) -> tuple[bool | None, list[ParseEvent]]:
    """Check one OCR'd table's identities (module docstring, rules 1–5).

    Returns ``(verified, events)``: ``True`` all hold, ``False`` one fails (one ``ocr_arithmetic_failed``
    event per failed identity), ``None`` none applies (an ``ocr_table_unverified`` event)."""
    table_no = entry.table_no
    rows = [r for r in rows if r.table_no == table_no]
    cells = {(a.row_no, a.column_no): a for a in amounts if a.table_no == table_no}
    failures: list[str] = []
    checked = 0
    for identity, total, parts in identities(entry, rows, cells):
        checked += 1
        summed = sum((p.amount for p in parts), Decimal(0))
        if abs(summed - total.amount) > rounding_tolerance(total, parts):
            failures.append(_failure(identity, total, parts, summed))
    label = f"table {table_no} ({entry.title or entry.kind}, p{entry.first_page})"
    if failures:
        return False, [ParseEvent("ocr_arithmetic_failed", f"{label} read by OCR: {failure}; held back for review",
                                  source_page=entry.first_page) for failure in failures]
    if not checked:
        return None, [ParseEvent("ocr_table_unverified", f"{label} read by OCR: no sum of its own to check it by "
                                 "(no code tree, total row or basic + project columns)", source_page=entry.first_page)]
    return True, []


def identities(entry, rows: list, cells: dict) -> list[tuple[str, object, list]]:
    """The table's identities as ``(name, total cell, part cells)`` (amount records), rules 1–5."""
    found: list[tuple[str, object, list]] = []
    columns = sorted({column for _, column in cells})
    by_side: dict[int, list] = defaultdict(list)
    for row in rows:
        by_side[row.side_no].append(row)
    for side_rows in by_side.values():
        coded = {r.code: r for r in side_rows if r.code}
        for code, parent in coded.items():
            children = [r for c, r in coded.items() if len(c) == len(code) + 2 and c.startswith(code)]
            if children:
                found += _per_column(f"code {code} = Σ its {len(children)} sub-codes", parent, children, cells, columns)
        totals = [r for r in side_rows if r.row_kind == "total"]
        if totals:
            total = totals[0]
            above = [r for r in side_rows if r.row_no < total.row_no and r.row_kind != "total"]
            top = ([r for r in above if r.code and len(r.code) == 3] if coded
                   else [r for r in above if r.name and _NUMBERED.match(r.name)])
            if top:
                found += _per_column(f"{total.name} = Σ its {len(top)} top-level rows", total, top, cells, columns)
    roles = {a.column_no: a.column_role for a in cells.values()}
    by_role = {role: column for column, role in roles.items()}
    if set(roles.values()) == {"total", "basic", "project"} and len(roles) == 3:
        for row in rows:
            total = cells.get((row.row_no, by_role["total"]))
            parts = [cells.get((row.row_no, by_role[r])) for r in ("basic", "project")]
            if total is not None and all(p is not None for p in parts):
                found.append((f"row {row.name or row.code}: 合计 = 基本支出 + 项目支出", total, parts))
    if entry.kind == "three_public_expenses":
        found += _three_public(cells)
    if entry.kind in ("income_expenditure_summary", "fiscal_appropriation_summary"):
        sides = {r.side_no: r for r in rows if r.row_kind == "total" and r.name and "总计" in r.name}
        if 1 in sides and 2 in sides and sides[1].row_no + 1 == sides[2].row_no:
            left = [a for (row, _), a in cells.items() if row == sides[1].row_no]
            right = [a for (row, _), a in cells.items() if row == sides[2].row_no]
            if len(left) == 1 and len(right) == 1:
                found.append(("收入总计 = 支出总计", right[0], left))
    return found


def rounding_tolerance(total, parts: list) -> Decimal:
    """How far a sum may miss its total by the publisher's own rounding: 0 in a table in 元 (its amounts are
    exact cents); in 万元 (converted from 元 and rounded, each cell by up to half a unit of its last printed
    decimal) half a unit per cell: ``0.005 × (parts + 1)`` for amounts printed to two decimals."""
    if total.unit == "元":
        return Decimal(0)
    decimals = max(-min(a.amount.as_tuple().exponent for a in [total, *parts]), 0)
    return Decimal(1).scaleb(-decimals) * (len(parts) + 1) / 2


def _three_public(cells: dict) -> list:
    """Rule 5, a “三公”经费 table: per row, fund and measure, 公务用车 = 购置费 + 运行维护费, and 合计 = 因公出国
    + 公务用车 + 公务接待 (+ 会议费 + 培训费 when the printed 合计 includes them: the reading that holds is taken)."""
    groups: dict[tuple, dict[str, object]] = defaultdict(dict)
    for amount in cells.values():
        groups[(amount.row_no, amount.fund, amount.column_measure, amount.spending_unit)][amount.column_role] = amount
    found = []
    for roles in groups.values():
        vehicles = [roles[r] for r in ("vehicle_purchase", "vehicle_operation") if r in roles]
        if "official_vehicles" in roles and len(vehicles) == 2:
            found.append(("公务用车 = 购置费 + 运行维护费", roles["official_vehicles"], vehicles))
        three = [roles[r] for r in ("outbound_travel", "official_vehicles", "official_reception") if r in roles]
        if "total" in roles and len(three) == 3:
            wider = three + [roles[r] for r in ("meeting", "training") if r in roles]
            summed = sum((a.amount for a in wider), Decimal(0))
            found.append(("“三公”合计 = 因公出国 + 公务用车 + 公务接待", roles["total"],
                          wider if summed == roles["total"].amount and len(wider) > 3 else three))
    return found


def _per_column(name: str, total_row, part_rows: list, cells: dict, columns: list[int]) -> list:
    out = []
    for column in columns:
        total = cells.get((total_row.row_no, column))
        if total is None:
            continue
        parts = [cells[(r.row_no, column)] for r in part_rows if (r.row_no, column) in cells]
        if parts:
            out.append((f"{name} (column {total.column_label})", total, parts))
    return out


def _failure(identity: str, total, parts: list, summed: Decimal) -> str:
    suspects = sorted([total, *parts], key=lambda a: (a.ocr_confidence is None, a.ocr_confidence or 0))
    named = ", ".join(f"row {a.row_no} col {a.column_no} {a.amount} (confidence "
                      f"{'n/a' if a.ocr_confidence is None else f'{a.ocr_confidence:.3f}'})"
                      for a in suspects[:SUSPECTS_SHOWN])
    return (f"{identity}: printed {total.amount}, parts sum to {summed} (difference {total.amount - summed}); "
            f"suspect cells, least confident first: {named}")


def _why(pages: list) -> str:
    """``hold only an image (a scan)`` when every OCR'd page did, else what the pages had instead."""
    if all(p.reason == "no_text_layer" for p in pages):
        return "hold only an image (a scan)"
    reasons = sorted({p.reason for p in pages})
    return f"have no readable text layer ({', '.join(reasons)})"


def _ranges(pages: list[int]) -> str:
    out: list[str] = []
    for page in pages:
        if out and int(out[-1].split("-")[-1]) == page - 1:
            out[-1] = f"{out[-1].split('-')[0]}-{page}"
        else:
            out.append(str(page))
    return ", ".join(out)
