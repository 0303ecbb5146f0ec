-- 同比 year over year per department × function class (功能分类 类/款/项) × fund type: a publication's
-- 合计 (fct_function_expenditure.total_yuan) against the same department's publication of the year
-- before, same stage and scope (the rule: macro year_over_year). 元 and 万元; change in 元 and as a
-- fraction of the prior year; a code printed in one year only has presence current_only / prior_only.
with facts as (
    select document_id, file_name, department_name, scope, fiscal_year, stage, source_page,
           fund_type, function_code, function_level, function_name,
           total_yuan as amount_yuan
    from {{ ref('fct_function_expenditure') }}
    where document_id in {{ current_documents() }}
)

select * from (
    {{ year_over_year('facts', keys=['fund_type', 'function_code'], labels=['function_level', 'function_name']) }}
) as compared

-- Rows combine documents: refreshed off the drop's path (tag whole_warehouse, reports_refresh_job).
{{ config(tags=["whole_warehouse"]) }}
