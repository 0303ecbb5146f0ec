"""Dagster definitions: ingestion (see ``orchestration/defs/__init__.py``)."""
