-- Expenditure by function class (功能分类 类/款/项): one row per document ×
-- fund type × function code, from the 一般公共预算 / 政府性基金 / 国有资本经营
-- 支出功能分类预算表 (决算: …财政拨款支出决算表) and, as fund type 'all_funds',
-- from the 支出预算总表 / 支出决算表. 合计 / 基本支出 / 项目支出 in 元 and 万元.
-- A 决算 fund table prints 本年支出 as its total (role current_expenditure).
-- The cells and their contract check live in int_function_expenditure_rows; a
-- table held back is listed in rpt_disclosure_tables_held_back, not summed here.
-- A 决算 table that prints the budget beside the outcome (a column labelled …预算数 / 年初预算数,
-- column_measure budget) keeps it out of the 决算 totals: rpt_budget_vs_final_by_function reads it.
select
    {{ publication_columns() }},
    fund_type,
    function_code,
    any_value(function_level)                                                   as function_level,
    class_code,
    section_code,
    item_code,
    any_value(row_name)                                                         as function_name,
    sum(amount_yuan) filter (where column_role in ('total', 'current_expenditure')) as total_yuan,
    sum(amount_yuan) filter (where column_role = 'basic')                       as basic_yuan,
    sum(amount_yuan) filter (where column_role = 'project')                     as project_yuan,
    sum(amount_wan) filter (where column_role in ('total', 'current_expenditure'))  as total_wan,
    sum(amount_wan) filter (where column_role = 'basic')                        as basic_wan,
    sum(amount_wan) filter (where column_role = 'project')                      as project_wan,
    any_value(unit)                                                             as unit_as_printed,
    any_value(table_title)                                                      as table_title,
    min(row_page)                                                               as source_page
from {{ ref('int_function_expenditure_rows') }}
where not is_held_back
  and not (stage = 'final_accounts' and column_measure is not distinct from 'budget')
group by document_id, file_name, department_name, scope, fiscal_year, stage,
         fund_type, function_code, class_code, section_code, item_code
