"""Processes the fault tests start and kill: a staging load, and a whole batch run.

``python -m tests.faults.workers stage WAREHOUSE_DIR FOLDER`` — register, parse
and stage every file of FOLDER (batch mode: read in place), one transaction per
document, as ``stage_documents`` does.
``python -m tests.faults.workers batch WAREHOUSE_DIR FOLDER`` — the whole
``main_job`` over FOLDER (staging, dbt marts, GX checks, serving copy).
"""

from __future__ import annotations

import sys
from pathlib import Path


def stage(warehouse_dir: Path, folder: Path) -> None:
    """No Dagster import here: the process starts fast, so the kills land inside the loads."""
    from orchestration.ingestion.filing import Destinations
    from orchestration.ingestion.inbox import list_inbox
    from orchestration.ingestion.ingest import ingest_file
    from orchestration.settings import duckdb_path
    from orchestration.ingestion.loading import connect

    files = list_inbox(folder)
    destinations = Destinations(warehouse_dir / "archive", warehouse_dir / "quarantine", move_processed=False)
    with connect(duckdb_path(warehouse_dir)) as con:
        print("loading", flush=True)
        for path in files:
            ingest_file(con, path, destinations)
    print("done", flush=True)


def batch(warehouse_dir: Path, folder: Path) -> int:
    import dagster as dg

    from orchestration.batch import run_batch
    from orchestration.definitions import build_definitions
    from orchestration.resources import WarehouseResource

    defs = build_definitions(WarehouseResource(warehouse_dir=str(warehouse_dir), inbox_dir=str(warehouse_dir / "inbox")))
    return 0 if run_batch(defs, dg.DagsterInstance.ephemeral(), folder, log_level="ERROR").success else 1


if __name__ == "__main__":
    mode, warehouse_dir, folder = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    if mode == "stage":
        stage(warehouse_dir, folder)
    else:
        sys.exit(batch(warehouse_dir, folder))
