"""Security: parameterized SQL, file names that cannot escape, read-only readers.

- Every ``execute``/``executemany`` in ``orchestration/`` whose SQL is an
  f-string interpolates only identifiers from code (table and schema names,
  column lists, placeholders) or a path escaped by ``_sql_literal`` (ATTACH
  takes no parameters); document content always travels as parameters.
- A file name with ``../``, absolute paths, quotes or NUL-like junk becomes a
  kept name inside the warehouse folder.
- The serving database is opened read-only by readers (the README's example):
  writes through such a connection fail, and a reader does not block the
  publication of a new serving file.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import pytest

from orchestration.ingestion.filing import kept_file_name, safe_file_stem
from orchestration.ingestion.filing import Destinations, file_away
from orchestration.ingestion.reading import register
from orchestration.ingestion.loading import DocumentRegistration
from orchestration.serving import publish_serving
from tests.conftest import REPO_ROOT

#: Expressions allowed inside an f-string SQL: identifiers and lists built in code, never content.
ALLOWED_INTERPOLATIONS = {
    "table", "schema", "column_list", "placeholders", "cols", "_sql_literal(warehouse_path)", "_sql_literal(tmp)",
    "_sql_literal(serving_path)",
    # orchestration/ingestion/loading.py: flattened_columns_ddl() — dataclass field names and a fixed SQL type map
    "f.name", "sub.name", "_SQL_TYPES[base]",
    # orchestration/quality/suites.py: a WHERE clause with ``?`` placeholders (_doc_filter), a constant subquery,
    # and the SQL of the dbt project's macros (dbt_project/macros/budget_hierarchy.sql, rendered by
    # quality/dbt_macros.py from the repository's file with CTE names as arguments: no document content)
    "where", "_CURRENT", "parents", "reconciliation",
    # the run's scope (issue 29): joins and filters built in code with ``?`` placeholders (suites._departments_of,
    # defs/quality/checks._quarantined_documents) and the table alias they apply to (a constant of the caller)
    "staged_scope", "marted_scope", "alias", "scoped",
    # orchestration/defs/transformation/dbt.py: a model's relation name from dbt's manifest, quoted by the
    # dbt-duckdb adapter ("warehouse"."marts"."fct_x"): an identifier dbt built, never document content
    "node['relation_name']",
    # orchestration/ingestion/loading.py: _insert_columns — ``unnest(?::<type>[])`` per column, each type read from
    # duckdb_columns() of the raw schema (raw_schema.sql's DDL); the values are list parameters
    "unnested_casts",
}


_SQL_WORDS = re.compile(r"\b(SELECT|INSERT|DELETE|UPDATE|ATTACH|CREATE|DROP|ALTER|COPY)\b")


def _sql_fstrings():
    """Every f-string in ``orchestration/`` whose literal text reads like SQL."""
    for path in sorted((REPO_ROOT / "orchestration").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.JoinedStr):
                literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
                if _SQL_WORDS.search(literal):
                    yield path, node


def test_sql_with_interpolation_only_interpolates_identifiers():
    offenders = []
    checked = 0
    for path, sql in _sql_fstrings():
        checked += 1
        for part in sql.values:
            if isinstance(part, ast.FormattedValue):
                expr = ast.unparse(part.value)
                if expr not in ALLOWED_INTERPOLATIONS:
                    offenders.append(f"{path.relative_to(REPO_ROOT)}:{sql.lineno}: {{{expr}}}")
    assert checked >= 8
    assert offenders == [], offenders


def test_sql_is_never_built_with_format_or_percent():
    offenders = []
    for path in sorted((REPO_ROOT / "orchestration").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant)
                    and isinstance(node.left.value, str) and _SQL_WORDS.search(node.left.value)):
                offenders.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
                    and isinstance(node.func.value, ast.Constant) and _SQL_WORDS.search(str(node.func.value.value))):
                offenders.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    assert offenders == []


@pytest.mark.parametrize("name", [
    "../../etc/passwd", "../../../tmp/evil.pdf", "/abs/path/doc.txt", "..", "...", "a/../../b.txt",
    "it's \"quoted\".txt", "名字 with spaces.pdf", "x\x00y.txt", "\\..\\..\\win.pdf", "😀.pdf",
])
def test_kept_names_cannot_escape_the_folder(tmp_path, name):
    stem = safe_file_stem(name)
    assert "/" not in stem and "\\" not in stem and not stem.startswith(".")
    registration = DocumentRegistration("ab" * 32, name, "/src", "txt", 1)
    kept = kept_file_name(registration)
    assert "/" not in kept and "\\" not in kept and "\x00" not in kept and kept not in (".", "..")
    quarantine = tmp_path / "wh" / "quarantine"
    source = tmp_path / "in.bin"
    source.write_bytes(b"x")
    target = file_away(source, b"x", registration, Destinations(tmp_path / "wh" / "archive", quarantine), "quarantined",
                       "reason")
    assert target.resolve().parent == quarantine.resolve()
    assert source.exists(), "batch mode never moves the input"


def test_registration_uses_the_base_name_only(tmp_path):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / ".." / "doc.txt"
    path.write_bytes(b"abc")
    assert register(path, b"abc").file_name == "doc.txt"


@pytest.fixture
def marts_db(tmp_path) -> Path:
    db = tmp_path / "it's a \"warehouse\"" / "warehouse.duckdb"  # quotes in the path: ATTACH literal escaping
    db.parent.mkdir()
    con = duckdb.connect(str(db))
    con.execute("CREATE SCHEMA marts; CREATE TABLE marts.t AS SELECT 'O''Brien 😀' AS name")
    con.close()
    return db


def test_serving_is_opened_read_only_by_readers(marts_db):
    serving = marts_db.with_name("serving.duckdb")
    assert publish_serving(marts_db, serving) == {"t": 1}
    reader = duckdb.connect(str(serving), read_only=True)  # as in the README
    try:
        assert reader.execute("SELECT name FROM marts.t").fetchall() == [("O'Brien 😀",)]
        with pytest.raises(duckdb.Error, match="read-only"):
            reader.execute("DELETE FROM marts.t")
        # a reader holding the old file does not stop the next publication (atomic replace)
        assert publish_serving(marts_db, serving) == {"t": 1}
        assert reader.execute("SELECT count(*) FROM marts.t").fetchone() == (1,)
    finally:
        reader.close()
    assert not list(serving.parent.glob("serving.duckdb.tmp-*"))


def test_readme_shows_read_only_readers():
    readme = (REPO_ROOT / "README.md").read_text("utf-8")
    assert "read_only=True" in readme
