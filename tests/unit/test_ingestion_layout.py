"""The ingestion package imports one way (the drawing in ``orchestration/ingestion/__init__.py``), no Dagster;
the asset stays wiring, and ``jobs.py`` imports no asset definition."""

from __future__ import annotations

import ast

from tests.conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "orchestration" / "ingestion"

#: Module → the modules of the package it may import (a lower layer never imports a higher one).
ALLOWED = {
    "ingest": {"filing", "inbox", "loading", "parallel", "reading"},
    "parallel": {"inbox", "reading"},
    "filing": {"inbox", "loading", "reading"},
    "reading": {"inbox", "loading"},
    "inbox": set(),
    "loading": set(),
    "raw_descriptions": set(),
}


def _imports(path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_each_module_imports_only_the_layers_below_it_and_no_dagster():
    assert {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"} == set(ALLOWED)
    for module, allowed in ALLOWED.items():
        imported = _imports(PACKAGE / f"{module}.py")
        inside = {m.rsplit(".", 1)[-1] for m in imported if m.startswith("orchestration.ingestion.")}
        assert inside <= allowed, (module, inside - allowed)
        assert not any(m == "dagster" or m.startswith("dagster") for m in imported), module
        assert not any(m.startswith("orchestration.defs") for m in imported), module


def test_the_stage_documents_asset_is_wiring():
    """About 30 lines: the policy is ``ingest_documents`` (tests/unit/test_ingest_documents.py, no Dagster)."""
    path = REPO_ROOT / "orchestration" / "defs" / "ingestion" / "assets.py"
    (function,) = [n for n in ast.parse(path.read_text("utf-8")).body
                   if isinstance(n, ast.FunctionDef) and n.name == "stage_documents"]
    statements = function.body[1:] if isinstance(function.body[0].value, ast.Constant) else function.body  # docstring
    lines = statements[-1].end_lineno - statements[0].lineno + 1
    assert lines <= 35, lines


def test_jobs_import_no_asset_module():
    imported = _imports(REPO_ROOT / "orchestration" / "defs" / "jobs.py")
    assert imported <= {"dagster", "orchestration.defs.quality.checks", "orchestration.run_documents"}, imported


def test_the_readme_names_five_files_that_exist_in_the_order_a_document_travels():
    import re

    readme = (REPO_ROOT / "README.md").read_text("utf-8")
    section = readme.split("### Follow one document", 1)[1].split("\n### ", 1)[0]
    paths = re.findall(r"^\d\. `([^`]+)`", section, flags=re.M)
    assert paths == ["orchestration/defs/ingestion/sensors.py", "orchestration/ingestion/ingest.py",
                     "orchestration/ingestion/loading.py", "orchestration/defs/transformation/dbt.py",
                     "orchestration/serving.py"]
    for path, function in zip(paths, ["inbox_sensor", "ingest_documents", "write_document", "dbt_models",
                                      "publish_serving"]):
        text = (REPO_ROOT / path).read_text("utf-8")
        assert f"def {function}(" in text, (path, function)
