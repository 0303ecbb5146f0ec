"""Helpers that run the real pipeline for tests: the batch job `make run` runs, and read-only queries.

Every integration test goes through :func:`run_main_job` (real Dagster, DuckDB, dbt and GX on a
temporary warehouse folder); the expensive runs that tests only read are session fixtures in
``tests/conftest.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.batch import BatchResult, run_batch
from orchestration.definitions import build_definitions
from orchestration.resources import WarehouseResource
from orchestration.settings import duckdb_path


def run_main_job(inbox: Path, warehouse_dir: Path) -> BatchResult:
    """A batch run over ``inbox`` (read in place) into ``warehouse_dir``, as `make run` does."""
    defs = build_definitions(WarehouseResource(warehouse_dir=str(warehouse_dir), inbox_dir=str(warehouse_dir / "inbox")))
    return run_batch(defs, dg.DagsterInstance.ephemeral(), inbox)


def batch_over_copies(tmp_path_factory, name: str, files) -> tuple[BatchResult, Path]:
    """Copy ``files`` into a fresh inbox, run the batch job into a fresh warehouse; (result, warehouse dir)."""
    root = tmp_path_factory.mktemp(name)
    inbox, warehouse_dir = root / "inbox", root / "warehouse"
    inbox.mkdir()
    warehouse_dir.mkdir()
    for p in files:
        shutil.copy(p, inbox / p.name)
    return run_main_job(inbox, warehouse_dir), warehouse_dir


def query(warehouse_dir: Path, sql: str, params=None) -> list[tuple]:
    """Rows of ``sql`` on the warehouse's DuckDB file, opened read-only."""
    con = duckdb.connect(str(duckdb_path(warehouse_dir)), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
