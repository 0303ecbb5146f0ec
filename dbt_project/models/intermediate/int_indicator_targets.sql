-- One row per 绩效指标 performance indicator of a loaded document (current versions), with the
-- taxonomy check and target comparisons; fct_indicator_target publishes it, and the indicator
-- reports and int_project_indicator_quality read it here (a mart does not read a mart).
-- project_key is NULL when the indicator's line_no is not a project line
-- (e.g. a department_targets document, which has no budget lines yet).
-- Targets are normalized at parse time (orchestration/parsing/targets.py);
-- here they gain value × scale, the taxonomy check against the official
-- categories, and a flag when the two periods' targets disagree.
with indicators as (
    select * from {{ ref('int_performance_indicators') }}
    where document_id in {{ current_documents() }}
),

projects as (
    select project_key, department_key, spending_unit_key
    from {{ ref('int_projects') }}
),

documents as (
    select document_id, department, fiscal_year
    from {{ ref('int_documents') }}
),

categories as (
    select category_code, category_level, parent_code,
           {{ category_short_name('category_name_zh') }}        as category_short_name_zh
    from {{ ref('indicator_category') }}
),

checked as (
    select
        indicators.*,
        level1.category_code                                as known_level1_code,
        level2.category_code                                as known_level2_code,
        level2.parent_code                                  as level2_parent_code,
        case
            when indicators.level1_code is null or indicators.level2_code is null
                then 'missing_code'
            when level1.category_code is null then 'unknown_level1_code'
            when level2.category_code is null then 'unknown_level2_code'
            when level2.parent_code <> indicators.level1_code then 'level2_not_under_level1'
            when replace(coalesce(indicators.level1_name, ''), '指标', '') <> level1.category_short_name_zh
              or replace(coalesce(indicators.level2_name, ''), '指标', '') <> level2.category_short_name_zh
                then 'name_differs'
        end                                                 as taxonomy_issue
    from indicators
    left join categories as level1
        on indicators.level1_code = level1.category_code
       and level1.category_level = 1
    left join categories as level2
        on indicators.level2_code = level2.category_code
       and level2.category_level = 2
)

select
    checked.indicator_key,
    projects.project_key,
    checked.document_id,
    {{ department_key('documents.department') }} as department_key,
    projects.spending_unit_key,
    documents.fiscal_year,
    checked.line_no,
    checked.seq,
    checked.seq_as_written,
    checked.level1_code,
    checked.level1_name,
    checked.level2_code,
    checked.level2_name,
    checked.indicator_name,
    checked.period_target,
    checked.annual_target,
    checked.renumbered,
    -- template family and the national grid's own columns (指标性质, 度量单位, 权重, 指标方向性, 绩效标准)
    checked.template,
    checked.operator,
    checked.measure_unit,
    checked.weight,
    checked.direction,
    checked.standard,
    -- taxonomy (seed indicator_category)
    coalesce(checked.level2_parent_code, checked.known_level1_code)
                                                as indicator_type_code,
    case coalesce(checked.level2_parent_code, checked.known_level1_code)
        when '1' then 'output'
        when '2' then 'outcome'
        when '3' then 'satisfaction'
        when '4' then 'cost'
    end                                         as indicator_type,
    checked.taxonomy_issue,
    coalesce(checked.taxonomy_issue in (
        'missing_code', 'unknown_level1_code', 'unknown_level2_code', 'level2_not_under_level1'
    ), false)                                   as is_taxonomy_violation,
    -- normalized targets, both periods
    {%- for column in target_columns() %}
    checked.{{ column }},
    {%- endfor %}
    {%- for period in target_periods() %}
    checked.{{ period }}_value * checked.{{ period }}_scale_factor
                                                as {{ period }}_value_normalized,
    checked.{{ period }}_value_upper * checked.{{ period }}_scale_factor
                                                as {{ period }}_value_upper_normalized,
    {%- endfor %}
    -- annual vs implementation-period target (only when both are given)
    coalesce(checked.period_target is not null and checked.annual_target is not null
        and coalesce(checked.period_unit_normalized, '') <> coalesce(checked.annual_unit_normalized, ''),
        false)                                  as is_target_unit_mismatch,
    coalesce(checked.period_target is not null and checked.annual_target is not null
        and checked.period_comparator <> checked.annual_comparator,
        false)                                  as is_target_comparator_mismatch,
    coalesce(checked.period_target is not null and checked.annual_target is not null
        and (coalesce(checked.period_unit_normalized, '') <> coalesce(checked.annual_unit_normalized, '')
             or checked.period_comparator <> checked.annual_comparator),
        false)                                  as is_target_mismatch
from checked
inner join documents
    on checked.document_id = documents.document_id
left join projects
    on checked.budget_line_key = projects.project_key
