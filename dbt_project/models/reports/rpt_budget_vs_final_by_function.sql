-- Budget (预算) and final accounts (决算) side by side per department, fiscal
-- year, scope, fund type and function code, from fct_function_expenditure:
-- the plan, the outcome and the difference (final − budget), 元 and 万元.
-- A side missing from the warehouse is NULL.
--
-- The budget side comes from one of two sources, named in budget_source (issue 27):
--   budget_document            the department's 部门预算 of the same year, scope and fund type (its 合计);
--   printed_in_final_accounts  else the budget column the 决算 table itself prints beside 决算数
--                              (a column labelled …预算数 / 年初预算数: column_measure budget).
-- Departments are matched by normalized_department_name (the 预算 and the 决算 may spell it differently).
with budget_documents as (
    select
        department_name, fiscal_year, scope, fund_type, function_code, function_level, function_name,
        document_id, file_name, total_yuan, total_wan, source_page,
        'budget_document'                                                   as budget_source
    from {{ ref('fct_function_expenditure') }}
    where stage = 'budget'
),

printed_budgets as (
    select
        department_name, fiscal_year, scope, fund_type, function_code,
        any_value(function_level)                                           as function_level,
        any_value(row_name)                                                 as function_name,
        document_id, file_name,
        sum(amount_yuan)                                                    as total_yuan,
        sum(amount_wan)                                                     as total_wan,
        min(row_page)                                                       as source_page,
        'printed_in_final_accounts'                                         as budget_source
    from {{ ref('int_function_expenditure_rows') }}
    where stage = 'final_accounts'
      and column_measure = 'budget'
      and not is_held_back
      and coalesce(column_role, 'total') in ('total', 'amount', 'current_expenditure')
    group by department_name, fiscal_year, scope, fund_type, function_code, document_id, file_name
),

budget as (
    select *, {{ normalized_department_name('department_name') }} as department_match from budget_documents
    union all  -- the same columns in the same order on both sides
    select *, {{ normalized_department_name('department_name') }} as department_match
    from printed_budgets
    where not exists (
        select 1 from budget_documents
        where {{ normalized_department_name('budget_documents.department_name') }}
              = {{ normalized_department_name('printed_budgets.department_name') }}
          and budget_documents.fiscal_year is not distinct from printed_budgets.fiscal_year
          and budget_documents.scope = printed_budgets.scope
          and budget_documents.fund_type = printed_budgets.fund_type
    )
),

final_accounts as (
    select *, {{ normalized_department_name('department_name') }} as department_match
    from {{ ref('fct_function_expenditure') }} where stage = 'final_accounts'
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
         then round(final_accounts.total_yuan / budget.total_yuan, 4) end as execution_rate,
    budget.budget_source,
    budget.file_name                                                    as budget_file_name,
    budget.source_page                                                  as budget_page,
    final_accounts.file_name                                            as final_file_name,
    final_accounts.source_page                                          as final_page
from budget
full outer join final_accounts
    on budget.department_match = final_accounts.department_match
   and budget.fiscal_year = final_accounts.fiscal_year
   and budget.scope = final_accounts.scope
   and budget.fund_type = final_accounts.fund_type
   and budget.function_code = final_accounts.function_code

-- Rows combine documents: refreshed off the drop's path (tag whole_warehouse, reports_refresh_job).
{{ config(tags=["whole_warehouse"]) }}
