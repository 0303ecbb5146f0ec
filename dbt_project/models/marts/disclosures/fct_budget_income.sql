-- Income by source (收入预算总表 / 收入决算表): one row per document × function
-- code × income source column (合计, 财政拨款收入, 事业收入, 事业单位经营收入,
-- 其他收入, 上级补助收入 …); the table's 合计 row has function_level 'total' and
-- no code. Amounts as printed and in 元 and 万元. The rows and their contract
-- check live in int_budget_income_rows; a table held back is listed in
-- rpt_disclosure_tables_held_back, not published here.
select
    {{ publication_columns() }},
    function_code,
    function_level,
    function_name,
    income_source,
    income_source_label,
    amount_as_printed,
    unit_as_printed,
    amount_yuan,
    amount_wan,
    table_title,
    source_page,
    row_no
from {{ ref('int_budget_income_rows') }}
where not is_held_back
