"""``budget-etl``: what a person sees in the terminal, run as a user runs it (a subprocess).

Fast tests: the version, help text on every option, a wrong folder answered
before Dagster is imported. Slow tests (real Dagster, dbt and GX runs): the
short story of a run with a quarantined file (its reason shortened, with the
reason file), the full log in the file whose path is printed, and the exit
status and last line when nothing of the run loaded.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest

from orchestration.cli import main
from tests.conftest import REPO_ROOT, SAMPLES_DIR

BUDGET_ETL = Path(sys.executable).parent / "budget-etl"


def budget_etl(*args: str, warehouse: Path | None = None, columns: int = 100, timeout: float = 600):
    """Run the installed ``budget-etl`` with a terminal width of ``columns``; the CompletedProcess."""
    env = {**os.environ, "COLUMNS": str(columns)}
    env.pop("DAGSTER_HOME", None)  # an ephemeral instance, as a fresh clone without make
    if warehouse is not None:
        env["WAREHOUSE_DIR"] = str(warehouse)
    return subprocess.run([str(BUDGET_ETL), *args], capture_output=True, text=True, env=env, timeout=timeout,
                          cwd=REPO_ROOT)


def test_version():
    from importlib.metadata import version

    result = budget_etl("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"budget-etl {version('budget-targets-warehouse')}"


def test_every_option_has_help_text():
    commands = [main, *main.commands.values()]
    for command in commands:
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{command.name} {param.opts} has no help text"


def test_a_missing_inbox_is_answered_before_the_heavy_imports(tmp_path):
    started = time.monotonic()
    result = budget_etl("run", "--inbox", str(tmp_path / "nonexistent"), warehouse=tmp_path / "wh")
    elapsed = time.monotonic() - started
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    assert elapsed < 5, f"{elapsed:.1f} s: the arguments must be checked before Dagster, dbt and GX are imported"
    assert not (tmp_path / "wh").exists()


def _lines(result) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.strip()]


@pytest.mark.slow
def test_a_run_tells_a_short_story_with_quarantine_reasons(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    seed = SAMPLES_DIR / "003_cd7a85ae5b49b932.txt"
    shutil.copy(seed, inbox / seed.name)
    (inbox / "empty_upload.txt").write_bytes(b"")
    (inbox / "photo.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    result = budget_etl("run", "--inbox", str(inbox), warehouse=tmp_path / "wh", columns=100)
    lines = _lines(result)
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert len(lines) <= 40, f"{len(lines)} lines:\n{out}"
    paths = ("budget-etl ", "Warehouse: ", "Full log: ", "    → ")  # printed whole, the terminal wraps them
    assert max(len(line) for line in lines[:-1] if not line.startswith(paths)) <= 100, out
    assert not re.search(r"\d+ of \d+ (START|PASS|OK)", out), "dbt's per-node lines belong in the log file"
    assert "{" not in out, "no raw dicts"
    for phase in ("pipeline loaded", "staging", "dbt build", "publish serving.duckdb"):
        assert phase in out, phase
    assert re.search(r"dbt build \(models and tests\): (\d+) of \1 models, (\d+) of \2 tests", out)
    # Each quarantined file: its reason (shortened to the line) and where to read it whole.
    for name in ("empty_upload.txt", "photo.pdf"):
        (line,) = [line for line in lines if line.startswith(f"quarantined: {name}: ")]
        reason = line.split(": ", 2)[2]
        assert len(reason) > 10
        follow = lines[lines.index(line) + 1]
        assert follow.strip().startswith("→") and follow.strip().endswith(".reason.json")
        full = json.loads(Path(follow.strip()[2:]).read_text("utf-8"))["reason"]
        assert full.removeprefix(f"{name}: ").startswith(reason.rstrip("…")), (reason, full)
    assert "empty" in next(line for line in lines if line.startswith("quarantined: empty_upload.txt"))
    # The full log: printed path, holds what the terminal left out.
    (log_line,) = {line for line in lines if line.startswith("Full log: ")}
    log = Path(log_line.removeprefix("Full log: "))
    text = log.read_text("utf-8")
    assert re.search(r"\d+ of \d+ PASS", text) and "dbt_models - Finished dbt command" in text
    assert lines[-1].startswith("1 of 3 document(s) loaded")


@pytest.mark.slow
def test_nothing_loaded_exits_non_zero_and_says_so(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "empty_upload.txt").write_bytes(b"")
    result = budget_etl("run", "--inbox", str(inbox), warehouse=tmp_path / "wh")
    assert result.returncode == 1, result.stdout + result.stderr
    last = _lines(result)[-1]
    assert last.startswith("No document of this run loaded"), last
    assert "marts published" not in result.stdout

    empty = tmp_path / "empty"
    empty.mkdir()
    result = budget_etl("run", "--inbox", str(empty), warehouse=tmp_path / "wh")
    assert result.returncode == 1
    assert _lines(result)[-1].startswith(f"No documents in {empty}")


def _row(**values) -> dict:
    from orchestration.summary import NOTE_COLUMNS, SUMMARY_COLUMNS

    row = {c: None for c, _ in SUMMARY_COLUMNS} | {c: None for c in NOTE_COLUMNS}
    return row | {"document_id": "ab" * 32} | values


@pytest.mark.parametrize("width", [80, 120, 200])
def test_the_summary_table_fits_the_terminal_and_keeps_file_and_status(width):
    from rich.console import Console

    from orchestration import cli

    rows = [_row(file_name="000_26deb59209c0fd2c.pdf", status="loaded", department="中国共产党广州市番禺区委员会宣传部",
                 doc_type="project_targets", version="current", fiscal_year=2024, fiscal_year_source="title",
                 spending_units=6, projects=43, tasks=0, indicators=271, amount_total_wan=2541.82,
                 reconciliation_status="合计 vs units amount_total: 13789.02 ≠ 13789.01 (diff 0.01)")]
    console = Console(width=width, record=True)
    original, cli.console = cli.console, console
    try:
        table, dropped = cli._summary_table(rows, width)
        console.print(table)
    finally:
        cli.console = original
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= width
    assert "000_26deb59209c0fd2c.pdf" in text and "loaded" in text
    assert (dropped == []) == (width >= 200)


def test_notes_give_the_quarantine_reason_and_its_file(tmp_path):
    from orchestration.summary import document_notes

    reason_file = tmp_path / "bad.abababababab.pdf.reason.json"
    reason_file.write_text("{}")
    rows = [_row(file_name="bad.pdf", status="quarantined", quarantine_reason="bad.pdf: not a PDF: no %PDF- header"),
            _row(file_name="a.txt", status="loaded", fiscal_year=None)]
    quarantined, no_year = document_notes(rows, tmp_path)
    assert (quarantined.label, quarantined.text, quarantined.more) == ("quarantined", "not a PDF: no %PDF- header", str(reason_file))
    assert no_year.label == "no fiscal year" and "left empty" in no_year.text
