"""Dagster definitions: serving (see ``orchestration/defs/__init__.py``)."""
