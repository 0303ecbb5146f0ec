"""Dagster definitions: quality (see ``orchestration/defs/__init__.py``)."""
