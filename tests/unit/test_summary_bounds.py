"""The run summary at any size (issue 29): 1,000 documents list 50 by name, those needing attention first."""

from __future__ import annotations

from orchestration.summary import MAX_LISTED, SUMMARY_COLUMNS, rows_to_show, to_markdown


def summary_rows(n: int) -> list[dict]:
    """``n`` loaded documents; the last three need attention (two quarantined, one does not reconcile)."""
    rows = []
    for i in range(n):
        row = {c: None for c, _ in SUMMARY_COLUMNS}
        row.update(file_name=f"{i:04d}_项目支出绩效目标表.pdf", status="loaded", reconciliation_status="OK",
                   department=f"部门{i}", projects=3, amount_total_wan=12.5)
        rows.append(row)
    rows[-1].update(status="quarantined", reconciliation_status=None)
    rows[-2].update(status="quarantined", reconciliation_status=None)
    rows[-3].update(reconciliation_status="2 subtotals differ")
    return rows


def test_a_summary_of_1000_documents_lists_50_those_needing_attention_first():
    rows = summary_rows(1_000)
    shown = rows_to_show(rows)
    assert len(shown) == MAX_LISTED
    assert [r["file_name"] for r in shown[:3]] == ["0997_项目支出绩效目标表.pdf", "0998_项目支出绩效目标表.pdf",
                                                   "0999_项目支出绩效目标表.pdf"]
    assert shown[3]["file_name"] == "0000_项目支出绩效目标表.pdf"
    markdown = to_markdown(rows)
    assert markdown.count("\n| ") == MAX_LISTED  # the header's first line has no newline before it
    assert markdown.endswith("… and 950 more documents (all of them: marts.rpt_document_summary)")
    assert len(markdown.encode("utf-8")) < 20_000


def test_a_small_summary_lists_every_document_in_its_order():
    rows = summary_rows(5)
    assert rows_to_show(rows) == rows
    assert "more documents" not in to_markdown(rows) and to_markdown(rows).count("项目支出绩效目标表.pdf") == 5
