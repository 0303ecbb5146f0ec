-- One row per loaded 部门整体绩效目标: the department's budget income for the
-- year in 元 as published, and in 万元 (÷ 10,000) to read it next to the
-- project budgets of fct_project_budget (万元) by department_key and fiscal_year.
select
    document_id,
    {{ department_key('department') }}                                  as department_key,
    department,
    fiscal_year,
    finance_office,
    function_summary,
    overall_goal,
    income_total_yuan,
    income_fiscal_appropriation_yuan,
    income_special_account_yuan,
    income_other_yuan,
    cast(income_total_yuan / 10000 as decimal(18, 6))                   as income_total_wan,
    cast(income_fiscal_appropriation_yuan / 10000 as decimal(18, 6))    as income_fiscal_appropriation_wan,
    cast(income_special_account_yuan / 10000 as decimal(18, 6))         as income_special_account_wan,
    cast(income_other_yuan / 10000 as decimal(18, 6))                   as income_other_wan,
    filled_on
from {{ ref('int_department_targets') }}
where document_id in {{ current_documents() }}
