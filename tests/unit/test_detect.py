"""Decoding and document/layout detection on the seeds and on bad input."""

import random
from pathlib import Path

import pytest

from orchestration.parsing import ParseError, parse_document

SAMPLES = Path(__file__).resolve().parents[2] / "warehouse" / "samples"


def _seed(prefix: str) -> bytes:
    return next(SAMPLES.glob(f"{prefix}_*.txt")).read_bytes()


@pytest.mark.parametrize(
    ("prefix", "layout"),
    [("000", "line_flow"), ("001", "rows_then_indicators"), ("003", "tab_separated"), ("004", "line_flow")],
)
def test_project_target_layouts(prefix, layout):
    doc = parse_document(_seed(prefix), f"{prefix}.txt")
    assert (doc.doc_type, doc.layout) == ("project_targets", layout)


def test_department_targets_seed_002_header_facts():
    doc = parse_document(_seed("002"), "002.txt")

    assert (doc.doc_type, doc.layout) == ("department_targets", "department_targets_tsv")
    assert doc.title == "荔湾区部门整体绩效目标（2023）年"
    assert doc.department == "中国共产党广州市荔湾区委员会宣传部"
    assert doc.fiscal_year == 2023
    # No project rows; its tables and repairs: tests/unit/test_parse_department_targets.py
    assert (doc.budget_lines, doc.indicators) == ([], [])
    assert doc.department_targets is not None


def test_zero_bytes():
    with pytest.raises(ParseError, match=r"^empty\.txt: empty file \(0 bytes\).*submit the file again"):
        parse_document(b"", "empty.txt")


def test_damaged_pdf_is_a_parse_error():
    with pytest.raises(ParseError, match=r"^a\.pdf: .*(not a readable PDF|cannot be read|no table|truncated)"):
        parse_document(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "a.pdf")


def test_random_bytes():
    junk = random.Random(20240601).randbytes(4096)
    with pytest.raises(ParseError, match="neither UTF-8 nor GB18030|binary data"):
        parse_document(junk, "junk.bin")


def test_text_of_another_kind():
    with pytest.raises(ParseError, match="not a 项目支出绩效目标表 or 部门整体绩效目标 document"):
        parse_document("2024年部门预算说明\n一、部门职责\n".encode("utf-8"), "other.txt")


def test_gb18030_copy_parses_like_the_original():
    original = parse_document(_seed("000"), "000.txt")
    recoded = parse_document(_seed("000").decode("utf-8").encode("gb18030"), "000_gb.txt")

    assert recoded.events[0].kind == "decoded_as_gb18030"
    assert recoded.events[1:] == original.events
    assert recoded.budget_lines == original.budget_lines
    assert recoded.indicators == original.indicators
    assert (recoded.title, recoded.department, recoded.fiscal_year) == (
        original.title, original.department, original.fiscal_year)


@pytest.mark.parametrize("prefix", ["001", "003", "004"])
def test_bom_and_crlf_copy_parses_like_the_original(prefix):
    original = parse_document(_seed(prefix), f"{prefix}.txt")
    windows = b"\xef\xbb\xbf" + _seed(prefix).replace(b"\n", b"\r\n")

    windows_doc = parse_document(windows, f"{prefix}_crlf.txt")
    # the BOM and the CRLF line ends are recorded, nothing else differs
    assert [e.kind for e in windows_doc.events[:2]] == ["utf8_bom_removed", "line_ends_normalised"]
    windows_doc.events = windows_doc.events[2:]
    assert windows_doc == original
