"""Shared fixtures: the bundled sample documents and a temporary warehouse."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("DO_NOT_TRACK", "1")

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = REPO_ROOT / "warehouse" / "samples"
SEED_FILES = sorted(SAMPLES_DIR.glob("*.txt"))
PROJECT_TARGET_SEEDS = [p for p in SEED_FILES if not p.name.startswith("002_")]


def read_rows(db: Path, sql: str, params=None) -> list[tuple]:
    """The rows of ``sql`` (with ``params``) on the DuckDB file ``db``, opened read-only and closed again."""
    from orchestration.ingestion.loading import read_only_connection

    with read_only_connection(db) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def samples_dir() -> Path:
    """The five real seed documents shipped with the repo."""
    return SAMPLES_DIR


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """An empty inbox folder in a temporary directory."""
    path = tmp_path / "inbox"
    path.mkdir()
    return path


@pytest.fixture
def seed_inbox(inbox: Path) -> Path:
    """A temporary inbox holding copies of the five seeds."""
    for p in SEED_FILES:
        shutil.copy(p, inbox / p.name)
    return inbox


@pytest.fixture
def warehouse_dir(tmp_path: Path) -> Path:
    """A temporary warehouse folder (DuckDB file, quarantine)."""
    path = tmp_path / "warehouse"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def seeded_warehouse(tmp_path_factory):
    """One batch run of the main job over copies of the five seeds, shared by every test that only reads it.

    Returns ``(BatchResult, warehouse dir)``. Tests that write into a warehouse build their own.
    """
    from tests.pipeline import batch_over_copies

    return batch_over_copies(tmp_path_factory, "e2e", SEED_FILES)


# Session runs shared by the slow modules that read the same documents (issue 29: CI time).
from tests.shared_runs import disclosures_run, guangzhou_beijing_run, samples_run  # noqa: E402,F401
