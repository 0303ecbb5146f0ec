-- The rows fct_budget_income would publish (收入预算总表 / 收入决算表: document × function code
-- × income source column), each checked against the fact's contract (macro contract_issue):
-- income source and amount readable, key (document, row, source label) unique. A table with any
-- row that breaks it is held back alone (is_held_back) and listed in rpt_disclosure_tables_held_back.
with candidates as (
    select
        {{ publication_columns() }},
        table_no,
        table_ocr_verified,  -- an OCR'd table whose own arithmetic fails is held back (issue 28)
        code                                                        as function_code,
        case when code is null then 'total'
             when length(code) = 3 then 'class' when length(code) = 5 then 'section' else 'item' end
                                                                    as function_level,
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
),

checked as (
    select
        candidates.*,
        {{ contract_issue(key=['document_id', 'row_no', 'income_source_label'],
                          required=['income_source', 'amount_yuan'],
                          rules={'ocr_arithmetic_failed': 'table_ocr_verified = false'}) }} as contract_issue
    from candidates
)

select checked.*, {{ held_back() }} as is_held_back
from checked
