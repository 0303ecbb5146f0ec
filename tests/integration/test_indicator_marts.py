"""Normalized targets, taxonomy and indicator-quality marts after the main job on the five seeds."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from tests.pipeline import query

#: The breakdown of every target (both periods) by comparator, dimension, flag and
#: qualitative class, read from marts.fct_indicator_target.
BREAKDOWN_SQL = """
WITH targets AS (
    SELECT 'period' AS period, period_comparator AS comparator, period_dimension AS dimension,
           period_qualitative_class AS qualitative_class, period_is_quantitative AS is_quantitative,
           period_unit_normalized AS unit_normalized,
           period_is_vague AS is_vague, period_is_control_figure AS is_control_figure,
           period_is_placeholder AS is_placeholder, period_is_non_answer AS is_non_answer,
           period_is_relative_change AS is_relative_change, period_has_multiple_values AS has_multiple_values,
           period_has_extra_text AS has_extra_text
    FROM marts.fct_indicator_target
    UNION ALL
    SELECT 'annual', annual_comparator, annual_dimension, annual_qualitative_class, annual_is_quantitative,
           annual_unit_normalized, annual_is_vague, annual_is_control_figure, annual_is_placeholder,
           annual_is_non_answer, annual_is_relative_change, annual_has_multiple_values, annual_has_extra_text
    FROM marts.fct_indicator_target
)
SELECT 'comparator' AS facet, comparator AS value, count(*) AS n FROM targets GROUP BY comparator
UNION ALL SELECT 'dimension', dimension, count(*) FROM targets WHERE is_quantitative GROUP BY dimension
UNION ALL SELECT 'qualitative_class', qualitative_class, count(*) FROM targets WHERE NOT is_quantitative GROUP BY qualitative_class
UNION ALL SELECT 'flag', 'is_vague', count(*) FROM targets WHERE is_vague
UNION ALL SELECT 'flag', 'is_control_figure', count(*) FROM targets WHERE is_control_figure
UNION ALL SELECT 'flag', 'is_placeholder', count(*) FROM targets WHERE is_placeholder
UNION ALL SELECT 'flag', 'is_non_answer', count(*) FROM targets WHERE is_non_answer
UNION ALL SELECT 'flag', 'is_relative_change', count(*) FROM targets WHERE is_relative_change
UNION ALL SELECT 'flag', 'has_multiple_values', count(*) FROM targets WHERE has_multiple_values
UNION ALL SELECT 'flag', 'has_extra_text', count(*) FROM targets WHERE has_extra_text
UNION ALL SELECT 'flag', 'with_unit', count(*) FROM targets WHERE unit_normalized IS NOT NULL
UNION ALL SELECT 'total', 'targets', count(*) FROM targets
ORDER BY facet, n DESC, value
"""


@pytest.fixture(scope="module")
def warehouse(seeded_warehouse) -> Path:
    """The shared seeds warehouse (``tests/conftest.py``), checked for the indicator assets it must hold."""
    result, warehouse_dir = seeded_warehouse
    assert result.success
    materialized = {e.asset_key.to_user_string() for e in result.results[0].get_asset_materialization_events()}
    for key in ("seeds/indicator_category", "marts/dim_indicator_category", "marts/fct_indicator_target",
                "marts/rpt_department_indicator_quality", "marts/rpt_indicator_reuse"):
        assert key in materialized, key
    # every dbt test (asset check) passes; GX warnings (non-blocking) are not this test's concern
    failed = [e.check_name for e in result.check_evaluations()
              if not e.passed and (e.severity == dg.AssetCheckSeverity.ERROR or not e.check_name.startswith("gx_"))]
    assert failed == []
    return warehouse_dir


def test_breakdown_every_target_parsed_or_named(warehouse):
    rows = query(warehouse, BREAKDOWN_SQL)
    print("\n" + "\n".join(f"{facet:18} {value!s:22} {n}" for facet, value, n in rows))
    counts = {(facet, value): n for facet, value, n in rows}
    (indicators,) = query(warehouse, "SELECT count(*) FROM marts.fct_indicator_target")[0]
    total = counts[("total", "targets")]
    assert total == 2 * indicators == 2 * 826
    quantitative = total - counts[("comparator", "none")]
    print(f"parsed into comparator/value/unit: {quantitative}/{total} = {quantitative / total:.1%}")
    assert quantitative / total > 0.5
    # the rest: every one in a named class, none unclassified
    qualitative = sum(n for (facet, _), n in counts.items() if facet == "qualitative_class")
    assert qualitative == counts[("comparator", "none")]
    assert ("qualitative_class", "unclassified") not in counts
    assert ("qualitative_class", None) not in counts


def test_raw_text_is_kept_next_to_the_normalized_columns(warehouse):
    (mismatched,) = query(
        warehouse,
        """SELECT count(*) FROM marts.fct_indicator_target f
           JOIN raw.performance_indicators s
             ON f.indicator_key = s.document_id || ':' || s.line_no || ':' || s.seq
           WHERE f.period_target IS DISTINCT FROM s.period_target OR f.annual_target IS DISTINCT FROM s.annual_target""",
    )[0]
    assert mismatched == 0


@pytest.mark.parametrize(
    ("annual_target", "comparator", "value", "unit", "normalized", "dimension"),
    [
        ("大于等于2000万人", "ge", 2000, "人", 2e7, "count"),
        ("超50亿元", "gt", 50, "元", 5e9, "money"),
        ("10万人次以上", "ge", 10, "人次", 1e5, "count"),
        ("不少于4场", "ge", 4, "场", 4, "count"),
        ("＞85分", "gt", 85, "point", 85, "score"),
    ],
)
def test_normalized_values_in_the_fact(warehouse, annual_target, comparator, value, unit, normalized, dimension):
    rows = set(
        query(
            warehouse,
            """SELECT annual_comparator, annual_value, annual_unit_normalized, annual_value_normalized, annual_dimension
               FROM marts.fct_indicator_target WHERE annual_target = ?""",
            [annual_target],
        )
    )
    assert rows == {(comparator, value, unit, normalized, dimension)}


def test_control_figure_and_taxonomy_violation_are_kept_and_flagged(warehouse):
    (control,) = query(
        warehouse, "SELECT count(*) FROM marts.fct_indicator_target WHERE annual_is_control_figure AND annual_value IS NULL"
    )[0]
    assert control > 0
    violations = query(
        warehouse,
        """SELECT level1_code, level2_code, indicator_type, count(*) FROM marts.fct_indicator_target
           WHERE is_taxonomy_violation GROUP BY ALL""",
    )
    assert violations == [("2", "31", "satisfaction", 6)]  # 2-效益指标；31-服务对象满意度 (seeds 000, 003, 004)
    (issues,) = query(warehouse, "SELECT count(*) FROM marts.fct_indicator_target WHERE taxonomy_issue IS NOT NULL")[0]
    assert issues == 6


def test_period_annual_disagreement_is_flagged(warehouse):
    rows = query(
        warehouse,
        """SELECT DISTINCT is_target_comparator_mismatch, is_target_unit_mismatch, is_target_mismatch
           FROM marts.fct_indicator_target WHERE period_target = '标准：控制数' AND annual_target = '100%'""",
    )
    assert rows == [(True, True, True)]
    (same,) = query(
        warehouse, "SELECT count(*) FROM marts.fct_indicator_target WHERE period_target = annual_target AND is_target_mismatch"
    )[0]
    assert same == 0


def test_indicator_quality_mart(warehouse):
    rows = query(
        warehouse,
        """SELECT department, fiscal_year, project_count, indicator_count, share_quantitative, share_with_unit,
                  share_vague, taxonomy_violation_count, unclassified_target_count,
                  share_projects_with_output_and_outcome, share_projects_with_satisfaction
           FROM marts.rpt_department_indicator_quality ORDER BY department""",
    )
    print("\n" + "\n".join(map(str, rows)))
    assert len(rows) == 4  # four departments, one fiscal year each
    (projects, indicators) = query(
        warehouse,
        """SELECT (SELECT count(*) FROM marts.dim_project),
                  (SELECT count(*) FROM marts.fct_indicator_target WHERE project_key IS NOT NULL)""",
    )[0]
    assert sum(r[2] for r in rows) == projects
    assert sum(r[3] for r in rows) == indicators
    assert sum(r[7] for r in rows) == 6
    assert all(r[8] == 0 for r in rows)
    for r in rows:
        assert all(0 <= share <= 1 for share in (r[4], r[5], r[6], r[9], r[10])), r
    by_department = dict(query(warehouse, "SELECT department, taxonomy_violation_count FROM marts.rpt_department_indicator_quality"))
    assert by_department["中共广州市委网络安全和信息化委员会办公室"] == 2  # seed 003


def test_indicator_reuse_mart(warehouse):
    top = query(
        warehouse,
        """SELECT indicator_name, target_text, project_count FROM marts.rpt_indicator_reuse
           WHERE reuse_kind = 'indicator_target' ORDER BY project_count DESC, indicator_name LIMIT 3""",
    )
    assert top[0] == ("资金使用及时性", "及时", 19)
    (min_projects, goal_rows) = query(
        warehouse,
        "SELECT min(project_count), count(*) FILTER (WHERE reuse_kind = 'goal_text') FROM marts.rpt_indicator_reuse",
    )[0]
    assert min_projects >= 2 and goal_rows > 0
