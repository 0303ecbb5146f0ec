"""``ingest_documents``: the ingestion policy of a run, without Dagster (real DuckDB, a real sample document).

The sample ``001_e8da7b277dfa638a.txt`` is the 项目支出绩效目标表 of 中共广州市黄埔区委员会宣传部: its 合计 row
prints 8,777.20 万元, the sum of its three 资金使用单位 rows and of its 27 projects (the document's own arithmetic).
"""

from __future__ import annotations

import logging
import shutil
from decimal import Decimal

import pytest

from orchestration.ingestion.filing import Destinations
from orchestration.ingestion.ingest import ingest_documents, outcomes_markdown
from orchestration.ingestion.loading import connect
from orchestration.ingestion.reading import document_id
from tests.conftest import SAMPLES_DIR

SAMPLE = SAMPLES_DIR / "001_e8da7b277dfa638a.txt"


@pytest.fixture(autouse=True)
def _parse_here(monkeypatch):
    monkeypatch.setenv("PARSE_POOL", "auto")  # one worker: parse in this process (no pool start-up in a unit test)


def _totals(con, doc_id):
    return dict((t, (n, s)) for t, n, s in con.execute(
        "SELECT line_type, count(*), sum(amount_total) FROM raw.budget_lines WHERE document_id = ? GROUP BY 1",
        [doc_id]).fetchall())


def test_a_batch_run_loads_the_listed_file_in_place_and_quarantines_one_gone_since_listing(tmp_path, caplog):
    folder = tmp_path / "in"
    folder.mkdir()
    kept = shutil.copy(SAMPLE, folder / "huangpu.txt")
    gone = folder / "gone.txt"
    gone.write_text("项目支出绩效目标表\n", "utf-8")
    gone_id = document_id(gone)
    gone.unlink()  # listed (hashed), then deleted before the run read it
    doc_id = document_id(SAMPLE)
    destinations = Destinations(tmp_path / "wh" / "archive", tmp_path / "wh" / "quarantine", move_processed=False)
    with caplog.at_level(logging.INFO), connect(tmp_path / "wh" / "w.duckdb") as con:
        run = ingest_documents(con, [doc_id, gone_id], {doc_id: str(kept), gone_id: str(gone)}, destinations, workers=1)
        totals = _totals(con, doc_id)
        stored = dict(con.execute("SELECT document_id, status FROM raw.documents").fetchall())
    assert [o.status for o in run.outcomes] == ["quarantined", "loaded"]  # the vanished file is known before parsing
    assert "deleted or moved after it was listed" in run.outcomes[0].error and run.missing == []
    loaded = run.outcomes[1].facts
    assert (loaded.department, loaded.project_count, loaded.spending_unit_count) == ("中共广州市黄埔区委员会宣传部", 27, 3)
    assert totals == {"department_total": (1, Decimal("8777.20")), "spending_unit": (3, Decimal("8777.20")),
                      "project": (27, Decimal("8777.20"))}
    assert stored == {doc_id: "loaded", gone_id: "quarantined"}
    assert kept.exists() and not (tmp_path / "wh" / "archive").exists()  # a batch run reads in place
    assert (tmp_path / "wh" / "quarantine" / f"gone.{gone_id[:12]}.txt.reason.json").exists()
    assert "huangpu.txt: loaded" in caplog.text
    assert "| huangpu.txt | loaded | project_targets | 中共广州市黄埔区委员会宣传部 |" in outcomes_markdown(run.outcomes)


def test_a_drop_run_moves_the_file_and_leaves_a_changed_one_for_the_sensor(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    dropped = shutil.copy(SAMPLE, inbox / "drop.txt")
    changed = inbox / "changed.txt"
    changed.write_text("旧的内容\n", "utf-8")
    changed_id = document_id(changed)
    changed.write_text("新的内容\n", "utf-8")  # rewritten after the sensor hashed it
    doc_id = document_id(SAMPLE)
    destinations = Destinations(tmp_path / "wh" / "archive", tmp_path / "wh" / "quarantine", move_processed=True)
    with connect(tmp_path / "wh" / "w.duckdb") as con:
        run = ingest_documents(con, [doc_id, changed_id], {doc_id: str(dropped), changed_id: str(changed)},
                               destinations, workers=1)
        (source_path,) = con.execute("SELECT source_path FROM raw.documents WHERE document_id = ?", [doc_id]).fetchone()
    assert [o.status for o in run.outcomes] == ["loaded"] and run.missing == [changed_id]
    assert not dropped.exists() and changed.exists()  # moved to archive/; the changed file waits for the next tick
    assert source_path == str(tmp_path / "wh" / "archive" / f"drop.{doc_id[:12]}.txt")


def test_a_document_no_file_holds_is_reported_missing(tmp_path):
    destinations = Destinations(tmp_path / "archive", tmp_path / "quarantine")
    with connect(tmp_path / "w.duckdb") as con:
        run = ingest_documents(con, ["0" * 64], {}, destinations, workers=1)
    assert run.outcomes == [] and run.missing == ["0" * 64]
