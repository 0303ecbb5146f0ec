"""Helpers for the tests on the real 部门预算 / 部门决算 PDFs (``../shared/realdocs/budget-bundles``).

The folder is found next to the repository (``<repo>/../shared/realdocs``) or at
``$REALDOCS_DIR``; tests that need it are skipped with that reason when it is absent.
"""

from __future__ import annotations

import functools
import os
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.parsing import parse_document
from orchestration.parsing.records import ParsedDocument

REPO = Path(__file__).resolve().parents[1]
REALDOCS = Path(os.environ.get("REALDOCS_DIR", REPO.parent / "shared" / "realdocs"))
BUNDLES = REALDOCS / "budget-bundles"


def bundle_path(name: str) -> Path:
    path = BUNDLES / name
    if not path.is_file():
        pytest.skip(f"real document {path} not found (set REALDOCS_DIR to the realdocs folder)")
    return path


@functools.lru_cache(maxsize=None)
def parsed_bundle(name: str) -> ParsedDocument:
    """The parsed document (cached: each real PDF is parsed once per test session)."""
    path = bundle_path(name)
    return parse_document(path.read_bytes(), path.name)


def tables_by_key(doc: ParsedDocument) -> dict[str, list]:
    """``{'income_summary': [entry], 'function_expenditure:general_public': [entry], …}``."""
    out: dict[str, list] = {}
    for entry in doc.disclosure.inventory:
        if entry.entry_type == "table":
            key = f"{entry.kind}:{entry.fund_type}" if entry.fund_type else entry.kind
            out.setdefault(key, []).append(entry)
    return out


def pages(doc: ParsedDocument) -> dict[str, tuple[int, int]]:
    """Table key → (first page, last page) of its only table."""
    return {key: (e[0].first_page, e[0].last_page) for key, e in tables_by_key(doc).items() if len(e) == 1}


def amount(doc: ParsedDocument, key: str, role: str, *, code: str | None = None, name: str | None = None,
           side: int | None = None, measure: str | None = None) -> Decimal | None:
    """The amount printed in table ``key``, column role ``role``, row ``code`` (or row ``name``).

    Raises AssertionError when the row or cell is found more than once (ambiguous).
    """
    (entry,) = tables_by_key(doc)[key]
    rows = [r for r in doc.disclosure.rows if r.table_no == entry.table_no
            and (code is None or r.code == code) and (name is None or r.name == name)
            and (side is None or r.side_no == side)]
    found = [a.amount for r in rows for a in doc.disclosure.amounts
             if a.table_no == r.table_no and a.row_no == r.row_no and a.column_role == role
             and (measure is None or a.column_measure == measure)]
    assert len(found) <= 1, f"{key} {code or name} {role}: {found}"
    return found[0] if found else None


def codes(doc: ParsedDocument, key: str, length: int) -> list[str]:
    """Codes of one level (3 class, 5 section, 7 item) in table ``key``, in table order."""
    (entry,) = tables_by_key(doc)[key]
    return [r.code for r in doc.disclosure.rows if r.table_no == entry.table_no and r.code and len(r.code) == length]


@functools.lru_cache(maxsize=None)
def parsed_realdoc(relative: str) -> ParsedDocument:
    """A real document of ``$REALDOCS_DIR`` by its path inside it (``guangdong/深圳_….pdf``), parsed once per
    session; the test is skipped when the folder is absent."""
    path = REALDOCS / relative
    if not path.is_file():
        pytest.skip(f"real document {path} not found (set REALDOCS_DIR to the realdocs folder)")
    return parse_document(path.read_bytes(), path.name)
