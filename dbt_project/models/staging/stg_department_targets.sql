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
    source.source_line,
    -- the budget split of the 预算整体情况 block (2026 form) / 支出构成 (national form), 元
    cast(source.expenditure_basic_yuan as decimal(18, 2))               as expenditure_basic_yuan,
    cast(source.expenditure_project_yuan as decimal(18, 2))             as expenditure_project_yuan,
    cast(source.development_special_funds_yuan as decimal(18, 2))       as development_special_funds_yuan,
    cast(source.development_other_yuan as decimal(18, 2))               as development_other_yuan,
    cast(source.own_level_use_yuan as decimal(18, 2))                   as own_level_use_yuan,
    cast(source.transfer_to_lower_levels_yuan as decimal(18, 2))        as transfer_to_lower_levels_yuan,
    source.amount_unit_printed
from source
