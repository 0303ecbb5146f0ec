-- Amount cells of the standard tables of every disclosure, as printed and in
-- both units. 元 ↔ 万元 by the unit macros (macros/units.sql).
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
    {{ amount_in_yuan('amount', 'unit') }}                                  as amount_yuan,
    {{ amount_in_wan('amount', 'unit') }}                                   as amount_wan,
    source_page,
    fund,
    spending_unit,
    ocr_confidence
from {{ source('raw', 'budget_table_amounts') }}
