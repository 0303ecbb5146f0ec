"""Dagster resources: where the warehouse and the inbox are."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from orchestration import settings


class WarehouseResource(dg.ConfigurableResource):
    """Locations of the warehouse (DuckDB file, quarantine) and of the inbox.

    Defaults come from the environment variables ``WAREHOUSE_DIR`` and
    ``INBOX_DIR`` (see ``orchestration/settings.py``); both can be overridden
    in the launchpad's resource config.
    """

    warehouse_dir: str
    inbox_dir: str

    @classmethod
    def from_env(cls) -> "WarehouseResource":
        """Build the resource from ``WAREHOUSE_DIR`` / ``INBOX_DIR`` (or the defaults)."""
        return cls(warehouse_dir=str(settings.warehouse_dir()), inbox_dir=str(settings.inbox_dir()))

    @property
    def duckdb_path(self) -> Path:
        """Absolute path of ``warehouse.duckdb``."""
        return settings.duckdb_path(self.warehouse_dir)

    @property
    def quarantine_dir(self) -> Path:
        """Folder for copies of quarantined files and their ``.reason.json``."""
        return Path(self.warehouse_dir).resolve() / "quarantine"
