"""Truth without hand labels: a text PDF against its own scan (issue 28).

The text PDF is parsed as is (its text layer is the truth), then rasterized
(:func:`devtools.rasterize_pdf.rasterize`: blur, JPEG noise, optional skew) and parsed again
through OCR; the two readings are compared per table kind:

- ``cells``: the row cells read (code and name, white space and width ignored) plus the amount
  cells, equal in both readings, out of the text reading's;
- ``amounts``: amount cells (table, row, column) with the same amount;
- ``tables``: OCR'd tables of the kind, and how many its own arithmetic verified / failed.

    .venv/bin/python -m devtools.ocr_roundtrip ../shared/realdocs/budget-bundles/X.pdf [--dpi 150] [--pages 10-21]
"""

from __future__ import annotations

import argparse
import io
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .rasterize_pdf import DEFAULT_DPI, rasterize


@dataclass
class KindScore:
    """The comparison of one table kind (counts)."""

    cells: int = 0
    cells_equal: int = 0
    amounts: int = 0
    amounts_equal: int = 0
    tables: int = 0
    verified: int = 0
    failed: int = 0
    differences: list[str] = field(default_factory=list)


def subset(data: bytes, pages: list[int] | None) -> bytes:
    """The PDF of ``pages`` (1-based) of ``data`` with their text layer (all pages: ``data`` itself)."""
    if not pages:
        return data
    import pypdfium2 as pdfium

    target = pdfium.PdfDocument.new()
    target.import_pages(pdfium.PdfDocument(data), [p - 1 for p in pages])
    out = io.BytesIO()
    target.save(out)
    return out.getvalue()


def _norm(text: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def compare(text_doc, ocr_doc) -> dict[str, KindScore]:
    """Per table kind, the OCR reading of a document against its text reading (module docstring)."""
    scores: dict[str, KindScore] = defaultdict(KindScore)
    truth, read = text_doc.disclosure, ocr_doc.disclosure
    kinds = {e.table_no: e.kind for e in truth.inventory if e.table_no is not None}
    for entry in read.inventory:
        if entry.entry_type == "table" and entry.read:
            score = scores[entry.kind]
            score.tables += 1
            score.verified += entry.ocr_verified is True
            score.failed += entry.ocr_verified is False
    rows = {(r.table_no, r.row_no, r.side_no): r for r in read.rows}
    for row in truth.rows:
        score = scores[kinds.get(row.table_no, "unknown")]
        other = rows.get((row.table_no, row.row_no, row.side_no))
        score.cells += 1
        if other is not None and other.code == row.code and _norm(other.name) == _norm(row.name):
            score.cells_equal += 1
        else:
            score.differences.append(f"t{row.table_no} r{row.row_no}: {row.code} {row.name!r} → "
                                     f"{(other.code, other.name) if other else None}")
    amounts = {(a.table_no, a.row_no, a.column_no): a for a in read.amounts}
    for amount in truth.amounts:
        score = scores[kinds.get(amount.table_no, "unknown")]
        other = amounts.get((amount.table_no, amount.row_no, amount.column_no))
        equal = other is not None and other.amount == amount.amount
        score.cells += 1
        score.amounts += 1
        score.cells_equal += equal
        score.amounts_equal += equal
        if not equal:
            score.differences.append(f"t{amount.table_no} r{amount.row_no} c{amount.column_no}: {amount.amount} → "
                                     f"{(other.amount, other.ocr_confidence) if other else None}")
    return dict(scores)


def round_trip(data: bytes, dpi: int = DEFAULT_DPI, pages: list[int] | None = None, **noise):
    """``(text document, OCR document, per-kind scores, OCR seconds, OCR'd pages)`` of ``data``'s ``pages``."""
    from orchestration.parsing.pdf_document import parse_pdf

    text_pdf = subset(data, pages)
    text_doc = parse_pdf(text_pdf)
    scan = rasterize(text_pdf, dpi=dpi, **noise)
    started = time.perf_counter()
    ocr_doc = parse_pdf(scan)
    seconds = time.perf_counter() - started
    return text_doc, ocr_doc, compare(text_doc, ocr_doc), seconds, ocr_doc.page_count


def summary_totals(doc) -> list:
    """The 收支总表's total rows' amounts ``[(row name, amount)]`` (收入总计, 支出总计 …)."""
    tables = {e.table_no for e in doc.disclosure.inventory if e.kind == "income_expenditure_summary"}
    rows = {(r.table_no, r.row_no): r for r in doc.disclosure.rows if r.table_no in tables and r.row_kind == "total"}
    return sorted((_norm(rows[(a.table_no, a.row_no)].name), a.amount) for a in doc.disclosure.amounts
                  if (a.table_no, a.row_no) in rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="+")
    parser.add_argument("--dpi", type=int, default=DEFAULT_DPI)
    parser.add_argument("--pages")
    parser.add_argument("--skew", type=float, default=0.0)
    args = parser.parse_args(argv)
    pages = None
    if args.pages:
        a, _, b = args.pages.partition("-")
        pages = list(range(int(a), int(b or a) + 1))
    for path in args.pdf:
        text_doc, ocr_doc, scores, seconds, page_count = round_trip(Path(path).read_bytes(), args.dpi, pages, skew=args.skew)
        print(f"{Path(path).name}: {page_count} pages OCR'd in {seconds:.1f} s ({page_count / seconds:.2f} pages/s); "
              f"收支总表 totals equal: {summary_totals(text_doc) == summary_totals(ocr_doc)}")
        for kind, s in sorted(scores.items()):
            print(f"  {kind:34} cells {s.cells_equal}/{s.cells}  amounts {s.amounts_equal}/{s.amounts}  "
                  f"tables {s.tables} verified {s.verified} failed {s.failed}")
            for line in s.differences[:8]:
                print(f"      {line}")
        for event in ocr_doc.events:
            if event.kind.startswith("ocr_"):
                print(f"  {event.kind}: {event.detail[:400]}")


if __name__ == "__main__":
    main()
