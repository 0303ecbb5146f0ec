-- 部门整体绩效目标 profile of every document; income in 元 as published. int_department_targets keeps loaded documents.
with source as (
    select * from {{ source('raw', 'department_targets') }}
)

select
    source.document_id,
    source.department,
    cast(source.fiscal_year as integer)                                 as fiscal_year,
    source.finance_office,
    source.function_summary,
    cast(source.income_total_yuan as decimal(18, 2))                    as income_total_yuan,
    cast(source.income_fiscal_appropriation_yuan as decimal(18, 2))     as income_fiscal_appropriation_yuan,
    cast(source.income_special_account_yuan as decimal(18, 2))          as income_special_account_yuan,
    cast(source.income_other_yuan as decimal(18, 2))                    as income_other_yuan,
    source.overall_goal,
    source.other_notes,
    source.filled_on,
    source.filler_named                                                 as filler_name_given,
    source.contact_phone_given,
    source.source_line
from source
