-- One row per loaded 部门整体绩效目标: the department's budget income for the
-- year in 元 as published (or converted once from the 万元 printed: amount_unit_printed),
-- and in 万元 (÷ 10,000, macro yuan_to_wan) to read it next to the project budgets of
-- fct_project_budget (万元) by department_key and fiscal_year; with the budget split where the
-- form prints it (基本支出 / 项目支出, 事业发展性支出, 按预算级次划分: the 2026 form).
-- The profiles and their contract check live in int_department_income_rows; a profile held back
-- is listed in rpt_disclosure_tables_held_back.
select
    document_id,
    department_key,
    department,
    fiscal_year,
    finance_office,
    function_summary,
    overall_goal,
    income_total_yuan,
    income_fiscal_appropriation_yuan,
    income_special_account_yuan,
    income_other_yuan,
    {{ yuan_to_wan('income_total_yuan') }}                              as income_total_wan,
    {{ yuan_to_wan('income_fiscal_appropriation_yuan') }}               as income_fiscal_appropriation_wan,
    {{ yuan_to_wan('income_special_account_yuan') }}                    as income_special_account_wan,
    {{ yuan_to_wan('income_other_yuan') }}                              as income_other_wan,
    filled_on,
    amount_unit_printed,
    expenditure_basic_yuan,
    expenditure_project_yuan,
    development_special_funds_yuan,
    development_other_yuan,
    own_level_use_yuan,
    transfer_to_lower_levels_yuan,
    {{ yuan_to_wan('expenditure_basic_yuan') }}                         as expenditure_basic_wan,
    {{ yuan_to_wan('expenditure_project_yuan') }}                       as expenditure_project_wan,
    {{ yuan_to_wan('development_special_funds_yuan') }}                 as development_special_funds_wan,
    {{ yuan_to_wan('development_other_yuan') }}                         as development_other_wan,
    {{ yuan_to_wan('own_level_use_yuan') }}                             as own_level_use_wan,
    {{ yuan_to_wan('transfer_to_lower_levels_yuan') }}                  as transfer_to_lower_levels_wan
from {{ ref('int_department_income_rows') }}
where not is_held_back
