"""Dagster definitions: transformation (see ``orchestration/defs/__init__.py``)."""
