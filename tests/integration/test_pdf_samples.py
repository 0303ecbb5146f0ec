"""`make run`'s job over the bundled samples folder, PDFs included: they land in the marts with page provenance."""

from __future__ import annotations

import pytest


from tests.conftest import SAMPLES_DIR, SEED_FILES
from tests.pipeline import batch_over_copies, query

#: a whole pipeline run over the PDF samples (~45 s of setup): end to end, in the slow tier
pytestmark = pytest.mark.slow

SAMPLE_PDFS = sorted(SAMPLES_DIR.glob("*.pdf"))
#: Seed 002 (部门整体绩效目标) rendered as a ruled form: 22 indicators, 4 tasks.
DEPARTMENT_PDF = next(SAMPLES_DIR.glob("002_*.pdf"))
DEPARTMENT_INDICATORS, DEPARTMENT_TASKS = 22, 4


@pytest.fixture(scope="module")
def samples_warehouse(samples_run):
    """The main job over a copy of warehouse/samples (what `make run` reads): the session's run
    (``tests/shared_runs.py``, also copied by the dashboard test)."""
    return samples_run


def test_every_sample_pdf_is_loaded_like_its_text(samples_warehouse):
    result, wh = samples_warehouse
    assert result.success
    assert [p.name[:3] for p in SAMPLE_PDFS] == [p.name[:3] for p in SEED_FILES]  # every seed, both forms
    summary = {
        row[0]: row[1:]
        for row in query(wh, """SELECT file_name, doc_type, status, department, fiscal_year, spending_units, projects,
                                       tasks, indicators, amount_total_wan, reconciliation_status
                                FROM marts.rpt_document_summary""")
    }
    assert len(summary) == 2 * len(SEED_FILES) == 10
    for pdf in SAMPLE_PDFS:
        text = pdf.with_suffix(".txt").name
        kind = "department_targets" if pdf == DEPARTMENT_PDF else "project_targets"
        assert summary[pdf.name][:2] == (kind, "loaded"), summary[pdf.name]
        assert summary[pdf.name] == summary[text], pdf.name
    assert summary[DEPARTMENT_PDF.name][6:8] == (DEPARTMENT_TASKS, DEPARTMENT_INDICATORS)


def test_pdf_documents_carry_pages_and_provenance(samples_warehouse):
    _, wh = samples_warehouse
    documents = query(wh, "SELECT file_name, format, layout, page_count FROM raw.documents WHERE format = 'pdf' "
                          "ORDER BY file_name")
    assert [d[0] for d in documents] == [p.name for p in SAMPLE_PDFS]
    layouts = {name: (layout, pages) for name, _, layout, pages in documents}
    assert layouts.pop(DEPARTMENT_PDF.name) == ("department_targets_pdf", 3)
    assert all(layout == "pdf_table" and pages > 1 for layout, pages in layouts.values())
    missing = query(
        wh,
        """SELECT count(*) FILTER (WHERE b.source_page IS NULL OR b.bbox_x0 IS NULL OR b.bbox_bottom IS NULL),
                  count(*) FILTER (WHERE b.source_page > d.page_count), count(*)
           FROM raw.budget_lines b JOIN raw.documents d USING (document_id) WHERE d.format = 'pdf'""",
    )[0]
    assert missing[:2] == (0, 0) and missing[2] > 0
    (no_page,) = query(
        wh,
        """SELECT count(*) FROM raw.performance_indicators i JOIN raw.documents d USING (document_id)
           WHERE d.format = 'pdf' AND (i.source_page IS NULL OR i.bbox_x0 IS NULL)""",
    )[0]
    assert no_page == 0
    (indicators, without_page) = query(
        wh,
        """SELECT count(*), count(*) FILTER (WHERE i.source_page IS NULL OR i.source_page > d.page_count)
           FROM raw.department_indicators i JOIN raw.documents d USING (document_id) WHERE d.format = 'pdf'""",
    )[0]
    assert (indicators, without_page) == (DEPARTMENT_INDICATORS, 0)


def test_text_and_pdf_of_one_publication_count_once(samples_warehouse):
    """A PDF and its text extract share (doc_type, department, year): one is current, the marts count it once."""
    _, wh = samples_warehouse
    current = dict(query(wh, "SELECT file_name, is_current_version FROM marts.rpt_document_summary"))
    for pdf in SAMPLE_PDFS:
        assert current[pdf.name] != current[pdf.with_suffix(".txt").name], pdf.name
    (projects,) = query(wh, "SELECT count(*) FROM marts.fct_project_budget")[0]
    assert projects == 43 + 27 + 31 + 51
    # the department form too: staging holds both versions, the marts one
    (staged,) = query(wh, "SELECT count(*) FROM raw.department_indicators")[0]
    assert staged == 2 * DEPARTMENT_INDICATORS
    (targets,) = query(wh, "SELECT count(*) FROM marts.fct_department_target")[0]
    (tasks, overall) = query(wh, "SELECT count(*) FILTER (WHERE NOT is_overall), count(*) FILTER (WHERE is_overall) "
                                 "FROM marts.dim_department_task")[0]
    (incomes, income_total) = query(wh, "SELECT count(*), sum(income_total_yuan) FROM marts.fct_department_income")[0]
    assert (targets, tasks, overall, incomes) == (DEPARTMENT_INDICATORS, DEPARTMENT_TASKS, 1, 1)
    assert str(income_total) == "28036202.00"  # 元
    rows = query(wh, """SELECT department_target_document_count, department_task_count, department_indicator_count
                        FROM marts.dim_department WHERE department_target_document_count > 0""")
    assert rows == [(1, DEPARTMENT_TASKS, DEPARTMENT_INDICATORS)]


@pytest.fixture(scope="module")
def pdf_only_warehouse(tmp_path_factory):
    """The main job over the five sample PDFs alone (four project-target tables, one department form)."""
    return batch_over_copies(tmp_path_factory, "pdf_only", SAMPLE_PDFS)


@pytest.mark.slow  # a second warehouse, PDFs only
def test_marts_keep_pdf_page_provenance(pdf_only_warehouse):
    result, wh = pdf_only_warehouse
    assert result.success
    (projects, without_page) = query(
        wh,
        """SELECT count(*), count(*) FILTER (WHERE p.source_page IS NULL)
           FROM marts.dim_project p JOIN marts.rpt_document_summary d USING (document_id)
           WHERE d.file_name LIKE '%.pdf'""",
    )[0]
    assert projects == 43 + 27 + 31 + 51 and without_page == 0
    (targets, without_page) = query(
        wh, "SELECT count(*), count(*) FILTER (WHERE source_page IS NULL) FROM marts.fct_department_target")[0]
    assert (targets, without_page) == (DEPARTMENT_INDICATORS, 0)
