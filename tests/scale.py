"""A large serving database without running the pipeline thousands of times (issue 29).

:func:`multiply_marts` takes a copy of a real ``serving.duckdb`` (built by a real run over the
samples, so its schema is the serving schema) and multiplies the rows of every mart with SQL:
copy ``i`` of a row gets ``·i`` appended to its names (department, spending unit, file, document,
project), as 250 departments publishing the same templates would. Amounts are kept, so ties (the
same budget in many departments) are as common as in a province's real disclosures.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

#: Text columns that name a department, a unit, a file, a document or a project: suffixed per copy.
NAME_COLUMNS = frozenset({"department", "department_name", "spending_unit", "file_name", "document_id", "project_name"})


def multiply_marts(serving: Path, out: Path, copies: int, tables: tuple[str, ...] | None = None) -> dict[str, int]:
    """Copy ``serving`` to ``out`` and make every mart (or only ``tables``) hold ``copies`` times its rows.

    Returns the row count of each multiplied table. Tables without rows stay empty.
    """
    shutil.copy(serving, out)
    counts = {}
    with duckdb.connect(str(out)) as con:
        names = [t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY 1").fetchall()]
        for table in names if tables is None else tables:
            columns = con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' AND table_name = ? "
                "AND data_type = 'VARCHAR'", [table]).fetchall()
            renamed = [c for (c,) in columns if c in NAME_COLUMNS]
            replace = f" REPLACE ({', '.join(f'{c} || chr(183) || copy_no AS {c}' for c in renamed)})" if renamed else ""
            con.execute(f'INSERT INTO marts."{table}" SELECT t.*{replace} FROM marts."{table}" AS t, '
                        f"range(1, {copies}) AS r(copy_no)")
            counts[table] = con.execute(f'SELECT count(*) FROM marts."{table}"').fetchone()[0]
    return counts
