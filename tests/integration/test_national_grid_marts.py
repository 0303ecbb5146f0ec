"""The national grid templates through the whole pipeline: staging, GX gate, dbt marts.

One run of the main job over documents built from the real published texts
(tests/national_forms.py) in four formats; the marts must carry them with
``template = 'national_grid'`` next to nothing of the Guangzhou family.
"""

from __future__ import annotations

import pytest

from tests.national_forms import EZHOU, GUANGSHUI, HUNAN, SICHUAN, to_docx, to_html, to_pdf, to_xls, to_xlsx
from tests.pipeline import query, run_main_job


@pytest.fixture(scope="module")
def national_warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("national")
    inbox, warehouse_dir = root / "inbox", root / "warehouse"
    inbox.mkdir()
    warehouse_dir.mkdir()
    (inbox / "hunan.html").write_bytes(to_html(HUNAN))
    (inbox / "sichuan.xlsx").write_bytes(to_xlsx(SICHUAN))
    (inbox / "ezhou.docx").write_bytes(to_docx(EZHOU))
    (inbox / "guangshui.pdf").write_bytes(to_pdf(GUANGSHUI))
    (inbox / "sichuan-copy.xls").write_bytes(to_xls(SICHUAN))  # the same content again: one publication
    return run_main_job(inbox, warehouse_dir), warehouse_dir


def test_documents_load_with_their_format_and_layout(national_warehouse):
    _, wh = national_warehouse
    rows = query(wh, "SELECT file_name, format, layout, status FROM staging.documents ORDER BY file_name")
    assert rows == [
        ("ezhou.docx", "docx", "national_project_form", "loaded"),
        ("guangshui.pdf", "pdf", "national_department_form", "loaded"),
        ("hunan.html", "html", "national_project_form", "loaded"),
        ("sichuan-copy.xls", "xls", "national_project_grid", "loaded"),
        ("sichuan.xlsx", "xlsx", "national_project_grid", "loaded"),
    ]


def test_fact_carries_template_weight_direction_standard(national_warehouse):
    _, wh = national_warehouse
    rows = query(wh, """
        SELECT template, count(*), count(weight), sum(weight), count(direction), count(standard),
               sum(CASE WHEN annual_is_quantitative THEN 1 ELSE 0 END)
        FROM marts.fct_indicator_target GROUP BY template""")
    # current versions only: hunan 7, ezhou 6, sichuan 13 (its .xls copy is the same publication)
    assert rows == [("national_grid", 26, 13, 170.0, 12, 13, 22)]
    keyed = query(wh, """
        SELECT count(*) FROM marts.fct_indicator_target WHERE project_key IS NULL""")
    assert keyed == [(0,)]


def test_quality_mart_names_the_template_and_the_weights(national_warehouse):
    _, wh = national_warehouse
    rows = query(wh, """
        SELECT department, template, project_count, indicator_count, projects_with_weights_not_100
        FROM marts.mart_indicator_quality ORDER BY department NULLS LAST""")
    assert ("马踏镇部门", "national_grid", 2, 13, 2) in rows
    assert ("湘潭市环境卫生管理处", "national_grid", 1, 7, 0) in rows
