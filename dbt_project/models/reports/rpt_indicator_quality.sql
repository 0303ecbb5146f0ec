-- 指标质量 per department and fiscal year, one row per measure, for a grouped
-- bar chart: share quantified (量化), with a unit (有单位), vague (模糊),
-- taxonomy violations (分类错误) — from rpt_department_indicator_quality — and templated
-- indicators (模板化): indicators whose name + annual target pair recurs in two
-- or more projects (rpt_indicator_reuse, kind indicator_target).
with quality as (
    select * from {{ ref('rpt_department_indicator_quality') }}
),

reused_pairs as (
    select indicator_name, target_text
    from {{ ref('rpt_indicator_reuse') }}
    where reuse_kind = 'indicator_target'
),

templated as (
    select
        facts.department_key,
        facts.fiscal_year,
        count(*)                                            as templated_count
    from {{ ref('int_indicator_targets') }} as facts
    inner join reused_pairs
        on trim(facts.indicator_name) = reused_pairs.indicator_name
       and trim(facts.annual_target) = reused_pairs.target_text
    where facts.project_key is not null
    group by facts.department_key, facts.fiscal_year
),

measures as (
    select department, fiscal_year, indicator_count, 'share_quantitative' as measure, '量化' as measure_label, 1 as measure_order,
           quantitative_count as indicator_with_property
    from quality
    union all
    select department, fiscal_year, indicator_count, 'share_with_unit', '有单位', 2, with_unit_count
    from quality
    union all
    select department, fiscal_year, indicator_count, 'share_vague', '模糊表述', 3, vague_count
    from quality
    union all
    select department, fiscal_year, indicator_count, 'share_taxonomy_violation', '分类错误', 4, taxonomy_violation_count
    from quality
    union all
    select quality.department, quality.fiscal_year, quality.indicator_count, 'share_templated', '模板化复用', 5,
           coalesce(templated.templated_count, 0)
    from quality
    left join templated
        on quality.department_key = templated.department_key
       and quality.fiscal_year is not distinct from templated.fiscal_year
)

select
    department,
    fiscal_year,
    measure,
    measure_label,
    measure_order,
    indicator_count,
    indicator_with_property,
    round(1.0 * indicator_with_property / nullif(indicator_count, 0), 4)   as share
from measures

-- Rows combine documents: refreshed off the drop's path (tag whole_warehouse, reports_refresh_job).
{{ config(tags=["whole_warehouse"]) }}
