-- 绩效指标质量 per department and fiscal year: how measurable the indicators are.
-- Grain: department × fiscal year (fiscal_year NULL when the documents do not
-- state it). Built from project lines, so it counts the indicators attached to
-- a project. The per-project counts (and the "target of record" rule) are
-- int_project_indicator_quality.
with per_project as (
    select * from {{ ref('int_project_indicator_quality') }}
),

per_department_year as (
    select
        department_key,
        department,
        fiscal_year,
        count(*)                                        as project_count,
        sum(indicator_count)                            as indicator_count,
        sum(quantitative_count)                         as quantitative_count,
        sum(with_unit_count)                            as with_unit_count,
        sum(vague_count)                                as vague_count,
        sum(taxonomy_violation_count)                   as taxonomy_violation_count,
        sum(control_figure_count)                       as control_figure_count,
        sum(non_answer_count)                           as non_answer_count,
        sum(placeholder_count)                          as placeholder_count,
        sum(target_mismatch_count)                      as target_mismatch_count,
        sum(unclassified_target_count)                  as unclassified_target_count,
        sum(case when has_output = 1 and has_outcome = 1 then 1 else 0 end)
                                                        as projects_with_output_and_outcome,
        sum(has_satisfaction)                           as projects_with_satisfaction,
        sum(case when has_output = 1 and has_outcome = 1 and has_satisfaction = 1 then 1 else 0 end)
                                                        as projects_with_all_three_types,
        case when count(distinct template) > 1 then 'mixed' else max(template) end
                                                        as template,
        sum(case when weighted_indicator_count > 0 and weight_total <> 100 then 1 else 0 end)
                                                        as projects_with_weights_not_100
    from per_project
    group by department_key, department, fiscal_year
)

select
    {{ dbt.hash("department || '|' || coalesce(cast(fiscal_year as " ~ dbt.type_string() ~ "), '')") }}
                                                        as quality_key,
    department_key,
    department,
    fiscal_year,
    project_count,
    indicator_count,
    quantitative_count,
    round(1.0 * quantitative_count / nullif(indicator_count, 0), 4)        as share_quantitative,
    with_unit_count,
    round(1.0 * with_unit_count / nullif(indicator_count, 0), 4)           as share_with_unit,
    vague_count,
    round(1.0 * vague_count / nullif(indicator_count, 0), 4)               as share_vague,
    taxonomy_violation_count,
    round(1.0 * taxonomy_violation_count / nullif(indicator_count, 0), 4)  as share_taxonomy_violation,
    control_figure_count,
    non_answer_count,
    placeholder_count,
    target_mismatch_count,
    unclassified_target_count,
    projects_with_output_and_outcome,
    round(1.0 * projects_with_output_and_outcome / nullif(project_count, 0), 4)
                                                        as share_projects_with_output_and_outcome,
    projects_with_satisfaction,
    round(1.0 * projects_with_satisfaction / nullif(project_count, 0), 4)  as share_projects_with_satisfaction,
    projects_with_all_three_types,
    round(1.0 * projects_with_all_three_types / nullif(project_count, 0), 4)
                                                        as share_projects_with_all_three_types,
    template,
    projects_with_weights_not_100
from per_department_year

-- Rows combine documents: refreshed off the drop's path (tag whole_warehouse, reports_refresh_job).
{{ config(tags=["whole_warehouse"]) }}
