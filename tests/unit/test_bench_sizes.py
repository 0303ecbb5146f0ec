"""``make bench`` part ``sizes`` (issue 29): the SQL that multiplies a warehouse's documents, and the table's inputs."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from devtools.bench_sizes import copy_evidence, copy_id, multiply_raw, ratios, sizes_from_env, to_markdown


def test_multiply_raw_gives_each_copy_a_new_id_and_department_and_keeps_the_values(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE SCHEMA raw")
        con.execute("CREATE TABLE raw.documents (document_id VARCHAR PRIMARY KEY, file_name VARCHAR, department VARCHAR)")
        con.execute("CREATE TABLE raw.budget_lines (document_id VARCHAR, line_no INTEGER, amount DECIMAL(18, 2))")
        con.execute("CREATE TABLE raw.cursor (name VARCHAR)")  # no document_id: left alone
        con.execute("CREATE TABLE raw.evidence_images (evidence_path VARCHAR PRIMARY KEY, document_id VARCHAR)")
        con.execute("INSERT INTO raw.evidence_images VALUES ('evidence/a/l3.txt', 'a')")
        con.execute("INSERT INTO raw.documents VALUES ('a', 'a.txt', '某局'), ('b', 'b.pdf', NULL)")
        con.execute("INSERT INTO raw.budget_lines VALUES ('a', 1, 10.50), ('a', 2, 4.25), ('b', 1, 1.00)")
        con.execute("INSERT INTO raw.cursor VALUES ('x')")
    assert multiply_raw(db, 3) == {"budget_lines": 9, "documents": 6, "evidence_images": 3}
    with duckdb.connect(str(db), read_only=True) as con:
        docs = con.execute("SELECT document_id, file_name, department FROM raw.documents ORDER BY file_name").fetchall()
        lines = con.execute("SELECT d.department, sum(l.amount), count(*) FROM raw.budget_lines l "
                            "JOIN raw.documents d USING (document_id) GROUP BY ALL ORDER BY ALL").fetchall()
        (cursor,) = con.execute("SELECT count(*) FROM raw.cursor").fetchone()
    assert [(f, d) for _, f, d in docs] == [("1_a.txt", "某局（副本1）"), ("1_b.pdf", None), ("2_a.txt", "某局（副本2）"),
                                            ("2_b.pdf", None), ("a.txt", "某局"), ("b.pdf", None)]
    new_ids = [i for i, f, _ in docs if f[0].isdigit()]
    assert len(set(new_ids)) == 4 and all(len(i) == 64 for i in new_ids)  # sha256 hex, like a real id
    # every copy's rows join to its own document, amounts kept
    assert lines == [("某局", Decimal("14.75"), 2), ("某局（副本1）", Decimal("14.75"), 2), ("某局（副本2）", Decimal("14.75"), 2),
                     (None, Decimal("3.00"), 3)]
    assert cursor == 1
    # the evidence rows and files follow their copy (the id in SQL is the id in Python)
    with duckdb.connect(str(db), read_only=True) as con:
        paths = {p for (p,) in con.execute("SELECT evidence_path FROM raw.evidence_images").fetchall()}
    assert paths == {"evidence/a/l3.txt", f"evidence/{copy_id('a', 1)}/l3.txt", f"evidence/{copy_id('a', 2)}/l3.txt"}
    assert {copy_id("a", 1), copy_id("a", 2)} <= {i for i, _, _ in docs}
    (tmp_path / "evidence" / "a").mkdir(parents=True)
    (tmp_path / "evidence" / "a" / "l3.txt").write_text("→ 3 | 合计", encoding="utf-8")
    assert copy_evidence(tmp_path, 3) == 2
    assert {str(p.relative_to(tmp_path)) for p in (tmp_path / "evidence").rglob("*.txt")} == paths


def test_sizes_from_env_and_the_ratio_largest_over_smallest():
    assert sizes_from_env("") == (10, 1000, 10000)
    assert sizes_from_env("1000, 10") == (10, 1000)
    with pytest.raises(ValueError):
        sizes_from_env("5")
    small = {"size": 10, "documents": 10, "load_average_before": [1, 1, 1], "load_average_after": [2, 2, 2],
             "daemon": {"p50_s": 20.0, "p95_s": 30.0, "max_s": 31.0, "first_s": 25.0, "all_succeeded": True, "visible": 5,
                        "drops": 5, "peak_rss_make_dev_mb": 1000.0, "median_parts_s": {"dbt": 10.0}},
             "backfill": {"documents_per_s": 2.0, "staging_documents_per_s": 8.0, "wall_s": 20.0, "peak_rss_tree_mb": 500.0,
                          "steps_s": {"stage": 5.0}}}
    large = {**small, "size": 1000, "documents": 1000,
             "daemon": {**small["daemon"], "p50_s": 30.0, "p95_s": 60.0, "peak_rss_make_dev_mb": 1500.0},
             "backfill": {**small["backfill"], "documents_per_s": 1.0, "staging_documents_per_s": 6.0,
                          "peak_rss_tree_mb": 600.0}}
    q = ratios([small, large])
    assert q == {"of": [1000, 10], "p50": 1.5, "p95": 2.0, "backfill_documents_per_s": 0.5,
                 "staging_documents_per_s": 0.75, "peak_rss_make_dev": 1.5, "peak_rss_backfill": 1.2}
    text = "\n".join(to_markdown({"sizes": [small, large], "ratios": q, "gap_s": 5.0, "drops": 5, "backfill_documents": 40}))
    assert "| 1,000 | 30.0 | 60.0 |" in text and "Ratio 1,000 / 10 documents: p50 1.5, p95 2.0" in text
    assert "| 1.0 | 6.0 |" in text and "(staging alone 0.75)" in text
