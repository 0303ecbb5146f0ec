-- 同比 year over year per department × economic class (经济分类, e.g. 301 工资福利支出, 30101 基本工资) ×
-- coverage (basic / project / total table): a publication's 合计 (fct_economic_expenditure.total_yuan)
-- against the same department's publication of the year before, same stage and scope (the rule: macro
-- year_over_year). 元 and 万元; a code printed in one year only has presence current_only / prior_only.
with facts as (
    select document_id, file_name, department_name, scope, fiscal_year, stage, source_page,
           coverage, economic_code, economic_level, economic_name,
           total_yuan as amount_yuan
    from {{ ref('fct_economic_expenditure') }}
    where document_id in {{ current_documents() }}
)

select * from (
    {{ year_over_year('facts', keys=['coverage', 'economic_code'], labels=['economic_level', 'economic_name']) }}
) as compared

-- Rows combine documents: refreshed off the drop's path (tag whole_warehouse, reports_refresh_job).
{{ config(tags=["whole_warehouse"]) }}
