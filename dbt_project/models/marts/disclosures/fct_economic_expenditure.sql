-- Expenditure by economic class (经济分类, e.g. 301 工资福利支出, 30101 基本工资) from the
-- 一般公共预算基本支出经济分类预算表 / 一般公共预算财政拨款基本支出决算表 (coverage basic) and, where a
-- disclosure prints one, the 项目支出 economic table (coverage project; 广州, 珠海) or one of all expenditure:
-- one row per document × coverage × economic code; 合计 / 人员经费 / 公用经费 in 元 and 万元
-- (a 决算 table prints only 决算数: total). The cells and their contract check live in
-- int_economic_expenditure_rows; a table held back is listed in rpt_disclosure_tables_held_back.
select
    {{ publication_columns() }},
    coverage,
    economic_code,
    any_value(economic_level)                                                   as economic_level,
    class_code,
    section_code,
    any_value(row_name)                                                         as economic_name,
    sum(amount_yuan) filter (where column_role in ('total', 'amount'))          as total_yuan,
    sum(amount_yuan) filter (where column_role = 'personnel')                   as personnel_yuan,
    sum(amount_yuan) filter (where column_role = 'public_operating')            as public_operating_yuan,
    sum(amount_wan) filter (where column_role in ('total', 'amount'))           as total_wan,
    sum(amount_wan) filter (where column_role = 'personnel')                    as personnel_wan,
    sum(amount_wan) filter (where column_role = 'public_operating')             as public_operating_wan,
    any_value(unit)                                                             as unit_as_printed,
    min(row_page)                                                               as source_page
from {{ ref('int_economic_expenditure_rows') }}
where not is_held_back
group by document_id, file_name, department_name, scope, fiscal_year, stage,
         coverage, economic_code, class_code, section_code
