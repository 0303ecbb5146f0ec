"""Dagster definitions: reporting (see ``orchestration/defs/__init__.py``)."""
