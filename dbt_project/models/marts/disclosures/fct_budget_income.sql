-- Income by source (收入预算总表 / 收入决算表): one row per document × function
-- code × income source column (合计, 财政拨款收入, 事业收入, 事业单位经营收入,
-- 其他收入, 上级补助收入 …); the table's 合计 row has function_level 'total' and
-- no code. Amounts as printed and in 元 and 万元.
select
    {{ publication_columns() }},
    code                                                        as function_code,
    case when code is null then 'total'
         when length(code) = 3 then 'class' when length(code) = 5 then 'section' else 'item' end as function_level,
    row_name                                                    as function_name,
    column_role                                                 as income_source,
    column_label                                                as income_source_label,
    amount_as_printed,
    unit                                                        as unit_as_printed,
    amount_yuan,
    amount_wan,
    table_title,
    source_page,
    row_no
from {{ ref('int_disclosure_values') }}
where table_kind = 'income_summary'
  and (code is not null or row_kind = 'total')
