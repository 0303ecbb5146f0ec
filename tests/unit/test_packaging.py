"""The wheel ships the code location only: development tools stay out of it and out of its imports."""

from __future__ import annotations

import ast
import tomllib

from setuptools import find_packages

from tests.conftest import REPO_ROOT


def test_the_wheel_packages_orchestration_only():
    found = (tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"]["find"])
    packages = find_packages(str(REPO_ROOT), include=found["include"], exclude=found.get("exclude", ()))
    assert "orchestration" in packages and "orchestration.defs" in packages
    assert not [p for p in packages if not p.startswith("orchestration")], packages


def test_nothing_in_orchestration_imports_devtools_or_tests():
    offenders = []
    for path in sorted((REPO_ROOT / "orchestration").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.relative_to(REPO_ROOT)}: {n}" for n in names if n.split(".")[0] in ("devtools", "tests")]
    assert not offenders


def test_the_wheel_ships_the_indicator_taxonomy_the_dbt_seed_is():
    from orchestration.parsing.vocabulary import TAXONOMY_SEED

    patterns = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-data"]["orchestration"]
    relative = TAXONOMY_SEED.relative_to(REPO_ROOT / "orchestration")
    assert any(relative.match(pattern) for pattern in patterns), (relative, patterns)
    assert (REPO_ROOT / "dbt_project" / "seeds" / "indicator_category.csv").resolve() == TAXONOMY_SEED.resolve()
