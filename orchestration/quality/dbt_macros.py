"""Render a macro of the dbt project outside dbt, for SQL that must run before dbt does.

The per-document GX gate decides before the dbt build (a document that does not add
up is quarantined, so its rows never reach the marts); it cannot read the dbt models,
which do not exist yet for the documents being gated. For a rule that dbt owns, the gate
renders the very macro the dbt model is built from (``dbt_project/macros/``) over the
raw rows it gates, so the rule is written once, in dbt.

Only plain-Jinja macros can be rendered here: no ``ref``/``source``/``config``; the
one adapter call provided is ``dbt.type_string()`` (DuckDB's ``VARCHAR``), the warehouse
being DuckDB. The macro text is the repository's file, never document content.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

from orchestration.settings import DBT_PROJECT_DIR


class _DuckDBDbt:
    """The part of dbt's ``dbt`` namespace the rendered macros may call, as dbt-duckdb answers it."""

    @staticmethod
    def type_string() -> str:
        return "VARCHAR"


@lru_cache(maxsize=None)
def _module(file_name: str):
    source = (DBT_PROJECT_DIR / "macros" / file_name).read_text("utf-8")
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    return environment.from_string(source).make_module({"dbt": _DuckDBDbt()})


def render_macro(file_name: str, macro: str, *args: str) -> str:
    """The SQL of ``macro`` (defined in ``dbt_project/macros/<file_name>``) called with ``args``."""
    return str(getattr(_module(file_name), macro)(*args)).strip()
