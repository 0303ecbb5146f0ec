-- 按资金来源的支出 project budgets per department and spending unit, one row
-- per funding source (财政拨款 / 财政专户拨款 / 其他资金), in 万元 as published.
-- Long form for stacked bars. Empty cells are NULL in the facts and 0 here:
-- a bar of an empty cell has no length.
with projects as (
    select * from {{ ref('fct_project_budget') }}
),

sources as (
    select department, fiscal_year, spending_unit,
           'fiscal_appropriation' as funding_source, '财政拨款' as funding_source_label, 1 as funding_source_order,
           amount_fiscal_appropriation_wan as amount
    from projects
    union all
    select department, fiscal_year, spending_unit,
           'special_account', '财政专户拨款', 2, amount_special_account_wan
    from projects
    union all
    select department, fiscal_year, spending_unit,
           'other', '其他资金', 3, amount_other_wan
    from projects
)

select
    department,
    fiscal_year,
    coalesce(spending_unit, '(未注明单位)')                           as spending_unit,
    funding_source,
    funding_source_label,
    funding_source_order,
    count(*)                                                         as project_count,
    cast(coalesce(sum(amount), 0) as decimal(18, 2))                 as amount_wan
from sources
group by department, fiscal_year, coalesce(spending_unit, '(未注明单位)'),
         funding_source, funding_source_label, funding_source_order

-- Rows combine documents: refreshed off the drop's path (tag whole_warehouse, reports_refresh_job).
{{ config(tags=["whole_warehouse"]) }}
