"""The listing rule and size limits for the table formats (.xlsx .xls .docx .html .htm)."""

from __future__ import annotations

from orchestration.ingest import MAX_BYTES, scan_folder, size_limit_reason, sniff_format


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
