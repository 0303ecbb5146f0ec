-- Basic expenditure by economic class (经济分类, e.g. 301 工资福利支出, 30101
-- 基本工资) from the 一般公共预算基本支出经济分类预算表 / 一般公共预算财政拨款基本支出决算表:
-- one row per document × economic code; 合计 / 人员经费 / 公用经费 in 元 and 万元
-- (a 决算 table prints only 决算数: total).
select
    {{ publication_columns() }},
    code                                                                        as economic_code,
    case length(code) when 3 then 'class' else 'section' end                    as economic_level,
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
from {{ ref('int_disclosure_values') }}
where table_kind = 'economic_expenditure' and code is not null
group by document_id, file_name, department_name, scope, fiscal_year, stage, code, class_code, section_code
