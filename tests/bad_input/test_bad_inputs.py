"""Every input of the bad-input corpus through the pure parser: outcome and reason.

The pipeline-level behaviour (raw rows, kept copies, the sensor) is in
``test_bad_inbox.py``; here each input is checked quickly on its own.
"""

from __future__ import annotations

import re

import pytest

from orchestration.ingestion.reading import parse_safely
from orchestration.parsing import parse_target
from orchestration.parsing.text_common import parse_amount, split_amount_tail
from tests.bad_input.corpus import CORPUS, LOADED, QUARANTINED, SQL_EMOJI_PROJECT, WARNINGS

WARNING_KINDS = {
    "decoded_as_gb18030", "line_ends_normalised", "utf8_bom_removed", "duplicate_project_in_unit",
    "reconciliation_difference", "pdf_encrypted_without_user_password",
}


#: Parsed with a warning event, then quarantined by the GX gate in the pipeline (see test_bad_inbox.py).
PARSED_WITH_WARNING_THEN_GATED = {
    "duplicate-project.txt": "duplicate_project_in_unit",
    "unreconciled.txt": "reconciliation_difference",
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_outcome_and_reason(name):
    build, outcome, reason, event_kind = CORPUS[name]
    if name in PARSED_WITH_WARNING_THEN_GATED:
        outcome, event_kind = WARNINGS, PARSED_WITH_WARNING_THEN_GATED[name]
    parsed, error = parse_safely(build(), name)
    if outcome == QUARANTINED:
        assert parsed is None
        assert error.startswith(f"{name}: ")
        assert "Internal parser error" not in error
        assert re.search(reason, error), error
    else:
        assert error is None, error
        kinds = {e.kind for e in parsed.events}
        if outcome == WARNINGS:
            assert event_kind in kinds
        else:
            assert not kinds & WARNING_KINDS, kinds


def test_amounts_in_every_printed_form():
    parsed, _ = parse_safely(CORPUS["amounts-printed-forms.txt"][0](), "a.txt")
    rows = [(b.line_type, b.amount_total, b.amount_fiscal_appropriation, b.amount_special_account, b.amount_other)
            for b in parsed.budget_lines]
    from decimal import Decimal as D

    assert rows == [
        ("department_total", D("1150.00"), D("1150.00"), None, None),
        ("spending_unit", D("1150.00"), D("1150.00"), None, None),
        ("project", D("1050.00"), D("1050.00"), None, None),
        ("project", D("100.00"), D("100.00"), None, None),
    ]
    assert not [e for e in parsed.events if e.kind == "reconciliation_difference"]


@pytest.mark.parametrize(
    ("cell", "value"),
    [("2,541.82", "2541.82"), ("２，５４１．８２", "2541.82"), ("(12.00)", "-12.00"), ("（12.00）", "-12.00"),
     ("-12.00", "-12.00"), ("−3.50", "-3.50"), ("-", None), ("—", None), ("－", None), ("", None), ("  ", None)],
)
def test_parse_amount_forms(cell, value):
    from decimal import Decimal

    assert parse_amount(cell) == (Decimal(value) if value else None)


def test_parse_amount_rejects_words_with_a_clear_message():
    with pytest.raises(ValueError, match=r"'约100万' is not a number in 万元 \(expected e\.g\. 1,234\.56"):
        parse_amount("约100万")


def test_line_layouts_read_full_width_and_parenthesised_amounts():
    assert split_amount_tail("  培训经费 １,２３４．５０ (12.00)") == ("培训经费", [__import__("decimal").Decimal("1234.50"),
                                                                          __import__("decimal").Decimal("-12.00")])


def test_duplicate_project_is_kept_and_flagged():
    parsed, _ = parse_safely(CORPUS["duplicate-project.txt"][0](), "d.txt")
    projects = [b.project_name for b in parsed.budget_lines if b.line_type == "project"]
    assert projects == ["培训经费", "办公设备购置", "培训经费"]
    (event,) = [e for e in parsed.events if e.kind == "duplicate_project_in_unit"]
    assert "rows 3 and 5" in event.detail and "both rows are kept" in event.detail


def test_gbk_records_the_encoding():
    parsed, _ = parse_safely(CORPUS["gbk.txt"][0](), "gbk.txt")
    assert parsed.events[0].kind == "decoded_as_gb18030"
    assert parsed.department == "广州市编码局"


def test_sql_and_emoji_project_name_is_kept_exactly():
    parsed, _ = parse_safely(CORPUS["sql-emoji.txt"][0](), "s.txt")
    assert parsed.budget_lines[2].project_name == SQL_EMOJI_PROJECT


def test_owner_password_pdf_reads_like_the_plain_one():
    from devtools.render_pdf import render_seed
    from tests.conftest import SAMPLES_DIR
    from tests.pdf_helpers import require_cjk_ttf

    require_cjk_ttf()
    plain, _ = parse_safely(render_seed(SAMPLES_DIR / "000_26deb59209c0fd2c.txt", "portrait-rules-ttf"), "plain.pdf")
    encrypted, _ = parse_safely(CORPUS["encrypted-owner-only.pdf"][0](), "enc.pdf")
    assert encrypted.budget_lines == plain.budget_lines
    assert encrypted.indicators == plain.indicators


@pytest.mark.parametrize("text, qualitative_class, value, unit", [
    ("—", "placeholder", None, None),
    ("(12.00)", "unclassified", None, None),  # an accounting negative is not a target level
    ("１２３％", None, 123.0, "%"),
    ("'; DROP TABLE x;--", "unclassified", None, None),
    ("😀" * 50, "unclassified", None, None),
    ("\x00\x01", "unclassified", None, None),
    ("≥" * 1000, "unclassified", None, None),
])
def test_parse_target_reads_odd_text_as_a_decided_target(text, qualitative_class, value, unit):
    """Odd text never raises and comes back decided: a number where there is one, else its qualitative class."""
    target = parse_target(text)
    assert (target.qualitative_class, target.value, target.unit) == (qualitative_class, value, unit)
    assert target.is_quantitative is (qualitative_class is None)


def test_parse_target_of_empty_text_is_missing():
    assert parse_target("") == parse_target(None) == parse_target("  ")
    assert parse_target("").qualitative_class == "missing" and parse_target("").is_placeholder


def test_a_parser_bug_quarantines_the_file_and_the_next_one_loads(tmp_path, monkeypatch):
    """Any exception other than ParseError is a parser bug: reported as such, the file kept, the run goes on."""
    import orchestration.ingestion.reading as reading
    from orchestration.ingestion.filing import Destinations
    from orchestration.ingestion.ingest import ingest_file
    from orchestration.ingestion.loading import connect
    from tests.bad_input.corpus import good_tsv

    real = reading.parse_document

    def buggy(data, name):
        if name == "bug.txt":
            raise RecursionError("maximum recursion depth exceeded")
        return real(data, name)

    monkeypatch.setattr(reading, "parse_document", buggy)
    (tmp_path / "in").mkdir()
    bug, fine = tmp_path / "in" / "bug.txt", tmp_path / "in" / "fine.txt"
    bug.write_text(good_tsv(department="甲局"), "utf-8")
    fine.write_text(good_tsv(department="乙局"), "utf-8")
    destinations = Destinations(tmp_path / "wh" / "archive", tmp_path / "wh" / "quarantine")
    with connect(tmp_path / "wh" / "w.duckdb") as con:
        first = ingest_file(con, bug, destinations)
        second = ingest_file(con, fine, destinations)
    assert first.status == "quarantined"
    assert first.error.startswith("Internal parser error (RecursionError: maximum recursion depth exceeded). The file is kept")
    assert second.status == "loaded"
    assert bug.exists() and fine.exists()
