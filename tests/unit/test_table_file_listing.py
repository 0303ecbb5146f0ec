"""The listing rule and size limits for the table formats (.xlsx .xls .docx .html .htm)."""

from __future__ import annotations

from orchestration.ingestion.inbox import scan_folder
from orchestration.ingestion.reading import MAX_BYTES, size_limit_reason, sniff_format


def test_table_formats_are_listed_and_named(tmp_path):
    for name in ("a.xlsx", "b.XLS", "c.docx", "d.html", "e.htm", "f.pptx", "g.doc"):
        (tmp_path / name).write_bytes(b"x")
    listing = scan_folder(tmp_path)
    assert [p.name for p in listing.files] == ["a.xlsx", "b.XLS", "c.docx", "d.html", "e.htm"]
    assert sorted(s.file_name for s in listing.skipped) == ["f.pptx", "g.doc"]
    assert [sniff_format(b"PK\x03\x04", n) for n in ("a.xlsx", "b.XLS", "c.docx", "d.html", "e.htm")] == [
        "xlsx", "xls", "docx", "html", "html"]
    assert sniff_format(b"%PDF-1.7", "report.xlsx") == "pdf"  # the bytes win for a PDF, as before


def test_size_limits_per_table_format():
    assert MAX_BYTES["xlsx"] == MAX_BYTES["xls"] == MAX_BYTES["docx"] == 32 * 2**20
    assert size_limit_reason("big.xlsx", "xlsx", 32 * 2**20) is None
    reason = size_limit_reason("big.xlsx", "xlsx", 33 * 2**20)
    assert "Excel workbook" in reason and "32 MiB" in reason
    assert "web page" in size_limit_reason("big.html", "html", 17 * 2**20)


def test_a_batch_folder_is_read_with_its_sub_folders_the_drop_inbox_is_not(tmp_path):
    """``make run INBOX=../shared/realdocs`` reads every province folder; links and hidden folders are not entered."""
    import os

    (tmp_path / "beijing").mkdir()
    (tmp_path / "beijing" / "b.pdf").write_bytes(b"x")
    (tmp_path / "beijing" / "notes.csv").write_bytes(b"x")
    (tmp_path / "guangzhou" / "2026").mkdir(parents=True)
    (tmp_path / "guangzhou" / "2026" / "g.pdf").write_bytes(b"x")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "h.pdf").write_bytes(b"x")
    (tmp_path / "empty.pdf").mkdir()
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "o.pdf").write_bytes(b"x")
    os.symlink(outside, tmp_path / "linked")
    (tmp_path / "a.txt").write_bytes(b"x")

    listing = scan_folder(tmp_path, recursive=True)
    assert [str(p.relative_to(tmp_path)) for p in listing.files] == ["a.txt", "beijing/b.pdf", "guangzhou/2026/g.pdf"]
    reasons = {s.file_name: s.reason for s in listing.skipped}
    assert set(reasons) == {".cache", "empty.pdf", "linked", "notes.csv"}
    assert "hidden" in reasons[".cache"] and "holds nothing" in reasons["empty.pdf"]
    assert "symbolic link" in reasons["linked"] and "unsupported file type" in reasons["notes.csv"]
    # the sensor's inbox: one level, a folder is named as not read
    flat = scan_folder(tmp_path)
    assert [p.name for p in flat.files] == ["a.txt"]
    assert "sub-folders are not read" in {s.file_name: s.reason for s in flat.skipped}["beijing"]
