"""Dagster definitions: alerting (see ``orchestration/defs/__init__.py``)."""
