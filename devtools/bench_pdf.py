"""Pages per second of the PDF parse next to the bare cost of pdfplumber on the same pages.

For each PDF, in the same run and process:

- ``bare``: ``pdfplumber.open`` from bytes, then per page ``page.chars``,
  ``page.lines`` and ``page.rects`` (what any pdfplumber table reader pays),
  ``page.close()``;
- ``parse``: the whole :func:`orchestration.parsing.parse_document` (pdfplumber
  plus our table reading, row merging, indicator parsing, reconciliation).

Each is timed ``--repeat`` times, the best run kept (least noise). Prints one
row per file and a total; ``--json`` prints the numbers as JSON instead (for
``make bench``).

    python -m devtools.bench_pdf warehouse/samples/*.pdf
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path

import pdfplumber

from orchestration.parsing import parse_document
from orchestration.parsing.records import ParseError


def bare_pdfplumber(data: bytes) -> int:
    """Open ``data`` with pdfplumber and read every page's chars, lines and rects; return the page count."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            _ = page.chars, page.lines, page.rects
            page.close()
        return len(pdf.pages)


def bare_pdfplumber_tables(data: bytes) -> int:
    """Open ``data`` and call ``page.extract_tables()`` on every page (the naive whole-document table read)."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.close()
        return len(pdf.pages)


def bench_bundles(paths: list[Path], repeat: int = 2) -> list[dict]:
    """Per 部门预算/决算 PDF, same process, best of ``repeat``: bare pdfplumber (chars + lines + rects),
    bare ``extract_tables()`` on every page, and ``parse_document`` (the spine: tables found only on
    ruled pages, classified and read). ``table_pages`` / ``narrative_pages`` from the parse's inventory.

    A document the parser refuses (:class:`~orchestration.parsing.records.ParseError`: it would be
    quarantined) is timed all the same, up to the refusal, with ``status`` giving the reason's start;
    ``doc_type`` is what the parse made of it (``budget_disclosure``, ``project_targets`` …)."""
    rows = []
    for path in paths:
        data = path.read_bytes()
        try:
            doc = parse_document(data, path.name)  # warm-up, and the inventory
            status, doc_type = "parsed", doc.doc_type
        except ParseError as error:
            doc, status, doc_type = None, f"refused: {str(error).split(': ', 1)[-1][:80]}", None
        inventory = doc.disclosure.inventory if doc is not None and doc.disclosure else []
        table_pages = {p for e in inventory if e.entry_type == "table" for p in range(e.first_page, e.last_page + 1)}
        pages = (doc.page_count if doc is not None else None) or bare_pdfplumber(data)
        bare = best_seconds(bare_pdfplumber, data, repeat)
        tables = best_seconds(bare_pdfplumber_tables, data, repeat)
        parse = best_seconds(lambda d: _parse_or_refuse(d, path.name), data, repeat)
        rows.append({"file": path.name, "folder": path.parent.name, "status": status, "doc_type": doc_type,
                     "pages": pages, "table_pages": len(table_pages),
                     "narrative_pages": sum(1 for e in inventory if e.entry_type == "narrative"),
                     "bare_s": bare, "bare_tables_s": tables, "parse_s": parse,
                     "bare_pages_per_s": pages / bare, "bare_tables_pages_per_s": pages / tables,
                     "parse_pages_per_s": pages / parse})
    return rows


def _parse_or_refuse(data: bytes, name: str) -> None:
    try:
        parse_document(data, name)
    except ParseError:
        pass


def best_seconds(function, data: bytes, repeat: int) -> float:
    """Shortest wall time of ``repeat`` calls of ``function(data)``."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function(data)
        best = min(best, time.perf_counter() - start)
    return best


def bench(paths: list[Path], repeat: int = 3) -> list[dict]:
    """One dict per file: pages, seconds and pages/second for ``bare`` and ``parse``."""
    rows = []
    for path in paths:
        data = path.read_bytes()
        pages = bare_pdfplumber(data)  # warm-up (imports, font caches)
        bare = best_seconds(bare_pdfplumber, data, repeat)
        parse = best_seconds(lambda d: parse_document(d, path.name), data, repeat)
        rows.append({"file": path.name, "pages": pages, "bare_s": bare, "parse_s": parse,
                     "bare_pages_per_s": pages / bare, "parse_pages_per_s": pages / parse})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="PDF parse pages/s vs bare pdfplumber")
    parser.add_argument("pdfs", type=Path, nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = bench(args.pdfs, args.repeat)
    pages = sum(r["pages"] for r in rows)
    bare, parse = sum(r["bare_s"] for r in rows), sum(r["parse_s"] for r in rows)
    total = {"file": "TOTAL", "pages": pages, "bare_s": bare, "parse_s": parse,
             "bare_pages_per_s": pages / bare, "parse_pages_per_s": pages / parse}
    if args.json:
        print(json.dumps({"files": rows, "total": total}, indent=2))
        return 0
    print(f"{'file':32} {'pages':>5} {'bare s':>8} {'parse s':>8} {'bare p/s':>9} {'parse p/s':>9} {'parse/bare':>10}")
    for r in rows + [total]:
        print(f"{r['file']:32} {r['pages']:5d} {r['bare_s']:8.3f} {r['parse_s']:8.3f} {r['bare_pages_per_s']:9.1f} "
              f"{r['parse_pages_per_s']:9.1f} {r['parse_s'] / r['bare_s']:10.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
