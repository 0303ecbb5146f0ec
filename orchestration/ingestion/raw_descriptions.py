"""The descriptions of the raw tables, read from the comments of ``orchestration/raw_schema.sql`` (their one source).

The comment block directly above ``CREATE TABLE IF NOT EXISTS raw.<table>`` describes
the table (lines joined with spaces). The Dagster ``raw/<table>`` assets and the dbt
source ``raw`` (``dbt_project/models/staging/_sources.yml``, kept equal by
:func:`sync_sources_yml`, checked by ``tests/unit/test_raw_descriptions.py``) use it.
Run ``python -m orchestration.ingestion.raw_descriptions`` to rewrite the yml after
changing a comment.
"""

from __future__ import annotations

import re
import sys
from importlib import resources
from pathlib import Path

_CREATE = re.compile(r"^CREATE TABLE IF NOT EXISTS raw\.(\w+)\s*\(")
#: Where dbt declares the source ``raw`` (relative to the repository root).
SOURCES_YML = Path("dbt_project/models/staging/_sources.yml")


def raw_table_descriptions(ddl: str | None = None) -> dict[str, str]:
    """Table name → description, in the order of ``raw_schema.sql``; a table without a comment block gets ``""``.

    A comment line made only of dashes ends the block (it separates sections of the file).
    """
    ddl = ddl if ddl is not None else resources.files("orchestration").joinpath("raw_schema.sql").read_text("utf-8")
    lines = ddl.splitlines()
    out: dict[str, str] = {}
    for i, line in enumerate(lines):
        match = _CREATE.match(line)
        if not match:
            continue
        block: list[str] = []
        j = i - 1
        while j >= 0 and lines[j].startswith("--") and lines[j].strip("- "):
            block.insert(0, lines[j][2:].strip())
            j -= 1
        out[match.group(1)] = " ".join(block)
    return out


def sync_sources_yml(text: str, descriptions: dict[str, str] | None = None) -> str:
    """``text`` of ``_sources.yml`` with the description of every raw table replaced by the generated one.

    Only the ``description`` of a table entry (``      - name: <table>``) changes; columns and tests are kept as written.
    """
    descriptions = descriptions if descriptions is not None else raw_table_descriptions()
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    i = 0
    while i < len(lines):
        out.append(lines[i])
        match = re.match(r"^      - name: (\w+)\s*$", lines[i])
        if match and match.group(1) in descriptions and i + 1 < len(lines) and lines[i + 1].startswith("        description:"):
            i += 2
            while i < len(lines) and lines[i].startswith("          "):  # a folded block's lines
                i += 1
            out.extend(_folded("        description: ", descriptions[match.group(1)]))
            continue
        i += 1
    return "".join(out)


def _folded(prefix: str, text: str, width: int = 100) -> list[str]:
    """A YAML folded scalar (``>``) holding ``text``, wrapped at ``width`` characters."""
    words, rows, row = text.split(), [], ""
    for word in words:
        if row and len(row) + 1 + len(word) > width:
            rows.append(row)
            row = word
        else:
            row = f"{row} {word}" if row else word
    rows.append(row)
    return [prefix + ">\n"] + [f"          {r}\n" for r in rows]


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()
    target = root / SOURCES_YML
    target.write_text(sync_sources_yml(target.read_text("utf-8")), "utf-8")
    print(f"wrote the raw table descriptions of {target} from orchestration/raw_schema.sql")
