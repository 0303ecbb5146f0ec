-- 预算与决算 of the “三公”经费 (and 机关运行经费 etc. where printed) per department × year × scope × item
-- × fund: the budget against the outcome, each side labelled by its source (issue 27).
-- final: the 决算's measure final (决算数). budget: the department's 部门预算 of the same year, scope and
-- fund (measure budget, budget_source budget_document) when loaded, else the 预算数 the 决算 table
-- prints beside the 决算数 (its measure budget; budget_source printed_in_final_accounts: the 决算 三公
-- table prints 预算数 | 决算数 per item, the budget being the 年初预算数). Department rows only
-- (spending_unit NULL); departments matched by normalized_department_name. 元 and 万元.
with three_public as (
    select *, {{ normalized_department_name('department_name') }} as department_match
    from {{ ref('fct_three_public_expenses') }}
    where spending_unit is null
),

finals as (
    select * from three_public where stage = 'final_accounts' and measure = 'final'
),

budget_documents as (
    select *, 'budget_document' as budget_source
    from three_public where stage = 'budget' and measure = 'budget'
),

printed_budgets as (
    select *, 'printed_in_final_accounts' as budget_source
    from three_public as printed
    where stage = 'final_accounts' and measure = 'budget'
      and not exists (
          select 1 from budget_documents
          where budget_documents.department_match = printed.department_match
            and budget_documents.fiscal_year is not distinct from printed.fiscal_year
            and budget_documents.scope = printed.scope
            and budget_documents.fund = printed.fund
      )
),

budgets as (
    select * from budget_documents
    union all  -- the same columns in the same order on both sides
    select * from printed_budgets
)

select
    coalesce(finals.department_name, budgets.department_name)           as department_name,
    coalesce(finals.fiscal_year, budgets.fiscal_year)                   as fiscal_year,
    coalesce(finals.scope, budgets.scope)                               as scope,
    coalesce(finals.expense, budgets.expense)                           as expense,
    coalesce(finals.expense_label, budgets.expense_label)               as expense_label,
    coalesce(finals.fund, budgets.fund)                                 as fund,
    budgets.budget_source,
    budgets.amount_yuan                                                 as budget_yuan,
    finals.amount_yuan                                                  as final_yuan,
    finals.amount_yuan - budgets.amount_yuan                            as difference_yuan,
    case when budgets.amount_yuan <> 0
         then round(finals.amount_yuan / budgets.amount_yuan, 4) end    as execution_rate,
    budgets.amount_wan                                                  as budget_wan,
    finals.amount_wan                                                   as final_wan,
    budgets.file_name                                                   as budget_file_name,
    budgets.source_page                                                 as budget_page,
    finals.file_name                                                    as final_file_name,
    finals.source_page                                                  as final_page
from finals
full outer join budgets
    on budgets.department_match = finals.department_match
   and budgets.fiscal_year is not distinct from finals.fiscal_year
   and budgets.scope = finals.scope
   and budgets.expense = finals.expense
   and budgets.fund = finals.fund
-- a budget document's item with no 决算 loaded for its year is no comparison
where finals.document_id is not null or budgets.budget_source = 'printed_in_final_accounts'

-- Rows combine documents: refreshed off the drop's path (tag whole_warehouse, reports_refresh_job).
{{ config(tags=["whole_warehouse"]) }}
