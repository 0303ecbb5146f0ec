"""Understanding a table: which kind it is, from its title and header labels.

See :func:`.classify.classify_table`. Nothing here reads files (that is
:mod:`orchestration.parsing.formats`) or amounts (that is :mod:`orchestration.parsing.readers`).
"""

from .classify import READ_KINDS, STANDARD_KINDS, TableKind, classify_table, table_title, table_unit

__all__ = ["READ_KINDS", "STANDARD_KINDS", "TableKind", "classify_table", "table_title", "table_unit"]
