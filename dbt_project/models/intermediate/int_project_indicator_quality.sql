-- 绩效指标质量 per project: the counts rpt_department_indicator_quality sums per
-- department and year, and rpt_largest_projects shows per project. One place
-- for the rule: an indicator's "target of record" is its annual target
-- (年度指标值), or its implementation-period target (实施周期指标值) when the
-- annual one is empty. Grain: project (every project, also one without indicators).
with indicators as (
    select
        project_key,
        template,
        weight,
        indicator_type_code,
        is_taxonomy_violation,
        is_target_mismatch,
        case when annual_target is not null then annual_is_quantitative else period_is_quantitative end
                                                        as is_quantitative,
        case when annual_target is not null then annual_unit_normalized else period_unit_normalized end
                                                        as unit_normalized,
        case when annual_target is not null then annual_is_vague else period_is_vague end
                                                        as is_vague,
        case when annual_target is not null then annual_is_control_figure else period_is_control_figure end
                                                        as is_control_figure,
        case when annual_target is not null then annual_is_non_answer else period_is_non_answer end
                                                        as is_non_answer,
        case when annual_target is not null then annual_is_placeholder else period_is_placeholder end
                                                        as is_placeholder,
        -- unparsed values are counted per target, both periods (never dropped)
        case when period_qualitative_class = 'unclassified' then 1 else 0 end
          + case when annual_qualitative_class = 'unclassified' then 1 else 0 end
                                                        as unclassified_targets
    from {{ ref('int_indicator_targets') }}
    where project_key is not null
),

per_project as (
    select
        projects.project_key,
        projects.department_key,
        projects.department,
        projects.fiscal_year,
        count(indicators.project_key)                                           as indicator_count,
        sum(case when indicators.is_quantitative then 1 else 0 end)            as quantitative_count,
        sum(case when indicators.unit_normalized is not null then 1 else 0 end) as with_unit_count,
        sum(case when indicators.is_vague then 1 else 0 end)                   as vague_count,
        sum(case when indicators.is_taxonomy_violation then 1 else 0 end)      as taxonomy_violation_count,
        sum(case when indicators.is_control_figure then 1 else 0 end)          as control_figure_count,
        sum(case when indicators.is_non_answer then 1 else 0 end)              as non_answer_count,
        sum(case when indicators.is_placeholder then 1 else 0 end)             as placeholder_count,
        sum(case when indicators.is_target_mismatch then 1 else 0 end)         as target_mismatch_count,
        coalesce(sum(indicators.unclassified_targets), 0)                       as unclassified_target_count,
        max(case when indicators.indicator_type_code = '1' then 1 else 0 end)  as has_output,
        max(case when indicators.indicator_type_code = '2' then 1 else 0 end)  as has_outcome,
        max(case when indicators.indicator_type_code = '3' then 1 else 0 end)  as has_satisfaction,
        -- template family of the project's indicators (NULL for a project without indicators)
        max(indicators.template)                                                as template,
        -- 权重 (national grid): their sum and how many indicators print one
        sum(indicators.weight)                                                  as weight_total,
        count(indicators.weight)                                                as weighted_indicator_count
    from {{ ref('int_projects') }} as projects
    left join indicators
        on projects.project_key = indicators.project_key
    group by projects.project_key, projects.department_key, projects.department, projects.fiscal_year
)

select * from per_project
