-- 最大项目 every project ranked by its budget (总计, 万元) with its goal (绩效目标)
-- and the share of its indicators that are quantified (量化指标占比, the rule of
-- int_project_indicator_quality). The report shows the top of the ranking.
select
    budget.project_key,
    rank() over (order by budget.amount_total_wan desc nulls last)          as amount_rank,
    budget.department,
    budget.fiscal_year,
    budget.spending_unit,
    budget.project_name,
    budget.amount_total_wan,
    budget.amount_fiscal_appropriation_wan,
    budget.amount_special_account_wan,
    budget.amount_other_wan,
    projects.goal_text,
    quality.indicator_count,
    quality.quantitative_count,
    round(1.0 * quality.quantitative_count / nullif(quality.indicator_count, 0), 4)
                                                                        as share_quantitative
from {{ ref('fct_project_budget') }} as budget
inner join {{ ref('dim_project') }} as projects
    on budget.project_key = projects.project_key
left join {{ ref('int_project_indicator_quality') }} as quality
    on budget.project_key = quality.project_key

-- Rows combine documents: refreshed off the drop's path (tag whole_warehouse, reports_refresh_job).
{{ config(tags=["whole_warehouse"]) }}
