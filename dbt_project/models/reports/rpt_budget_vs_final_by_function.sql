-- Budget (预算) and final accounts (决算) side by side per department, fiscal
-- year, scope, fund type and function code, from fct_function_expenditure:
-- the plan, the outcome and the difference (final − budget), 元 and 万元.
-- A side missing from the warehouse is NULL.
with budget as (
    select * from {{ ref('fct_function_expenditure') }} where stage = 'budget'
),

final_accounts as (
    select * from {{ ref('fct_function_expenditure') }} where stage = 'final_accounts'
)

select
    coalesce(budget.department_name, final_accounts.department_name)    as department_name,
    coalesce(budget.fiscal_year, final_accounts.fiscal_year)            as fiscal_year,
    coalesce(budget.scope, final_accounts.scope)                        as scope,
    coalesce(budget.fund_type, final_accounts.fund_type)                as fund_type,
    coalesce(budget.function_code, final_accounts.function_code)        as function_code,
    coalesce(budget.function_level, final_accounts.function_level)      as function_level,
    coalesce(budget.function_name, final_accounts.function_name)        as function_name,
    budget.document_id                                                  as budget_document_id,
    final_accounts.document_id                                          as final_accounts_document_id,
    budget.total_yuan                                                   as budget_total_yuan,
    final_accounts.total_yuan                                           as final_total_yuan,
    final_accounts.total_yuan - budget.total_yuan                       as difference_yuan,
    budget.total_wan                                                    as budget_total_wan,
    final_accounts.total_wan                                            as final_total_wan,
    final_accounts.total_wan - budget.total_wan                         as difference_wan,
    case when budget.total_yuan <> 0
         then round(final_accounts.total_yuan / budget.total_yuan, 4) end as execution_rate
from budget
full outer join final_accounts
    on budget.department_name = final_accounts.department_name
   and budget.fiscal_year = final_accounts.fiscal_year
   and budget.scope = final_accounts.scope
   and budget.fund_type = final_accounts.fund_type
   and budget.function_code = final_accounts.function_code
