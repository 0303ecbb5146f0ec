"""Synthetic documents derived from the real seeds, for tests and benchmarks.

A variant keeps a seed's structure, amounts and indicators (so it stays
internally consistent and passes the checks) and changes what identifies it:
the department name (部门名称), hence its (doc_type, department, fiscal_year)
key, and optionally a goal sentence (a *corrected re-publication*: same key,
different bytes).
"""

from __future__ import annotations

import re
from pathlib import Path

_DEPARTMENT = re.compile(r"(部门名称[：:]\s*)([^\s\t单]+?)((?:（部门）)?)(?=\s|\t|单位|$)", re.MULTILINE)


def department_variant(text: str, n: int) -> str:
    """``text`` with every 部门名称 value suffixed ``（样本n）`` (a new department)."""
    return _DEPARTMENT.sub(lambda m: f"{m.group(1)}{m.group(2)}（样本{n:03d}）{m.group(3)}", text)


def corrected_version(text: str, note: str = "（更正）") -> str:
    """``text`` with ``note`` appended to the first 绩效目标 sentence ending in 。: same key, new bytes."""
    index = text.index("。")
    return text[:index] + note + text[index:]


def write_variants(seed: Path, folder: Path, count: int, start: int = 0) -> list[Path]:
    """Write ``count`` department variants of ``seed`` into ``folder``; returns their paths."""
    text = seed.read_text("utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(start, start + count):
        path = folder / f"{seed.stem}_v{n:03d}{seed.suffix}"
        path.write_text(department_variant(text, n), "utf-8")
        paths.append(path)
    return paths
