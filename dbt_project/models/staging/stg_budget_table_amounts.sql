-- Amount cells of the standard tables of every disclosure, as printed and in
-- both units. The one place where 元 ↔ 万元 is converted (1 万元 = 10,000 元).
select
    document_id,
    table_no,
    row_no,
    side_no,
    column_no,
    column_label,
    column_role,
    column_measure,
    amount                                                                   as amount_as_printed,
    unit,
    cast(case unit when '元' then amount when '万元' then amount * 10000 end as decimal(20, 2))   as amount_yuan,
    cast(case unit when '万元' then amount when '元' then amount / 10000 end as decimal(20, 6))   as amount_wan,
    source_page,
    fund,
    spending_unit
from {{ source('raw', 'budget_table_amounts') }}
