-- The amount cells fct_function_expenditure sums (功能分类 tables of each fund type and the
-- 支出总表 as fund type all_funds), each checked against the fact's contract (macro contract_issue):
-- a stage (预算 / 决算), a code of a 类 / 款 / 项 (3, 5 or 7 digits) with its 类, an accepted fund
-- type. A table with a cell that breaks it is held back alone (is_held_back) and listed in
-- rpt_disclosure_tables_held_back; the fact's key (document × fund type × code) is its group by.
with candidates as (
    select
        {{ publication_columns() }},
        table_no,
        table_ocr_verified,  -- an OCR'd table whose own arithmetic fails is held back (issue 28)
        coalesce(fund_type, 'all_funds')                                        as fund_type,
        code                                                                    as function_code,
        case length(code) when 3 then 'class' when 5 then 'section' when 7 then 'item' end as function_level,
        class_code,
        section_code,
        item_code,
        row_name,
        row_page,
        column_role,
        column_label,
        column_measure,
        amount_yuan,
        amount_wan,
        unit,
        table_title,
        source_page
    from {{ ref('int_disclosure_values') }}
    where table_kind in ('function_expenditure', 'expenditure_summary')
      and code is not null
),

checked as (
    select
        candidates.*,
        {{ contract_issue(required=['stage', 'function_level', 'class_code', 'department_name'],
                          accepted={'stage': ['budget', 'final_accounts'],
                                    'fund_type': ['general_public', 'government_fund', 'state_capital', 'all_funds']},
                          rules={'ocr_arithmetic_failed': 'table_ocr_verified = false'}) }}
                                                                                as contract_issue
    from candidates
)

select checked.*, {{ held_back() }} as is_held_back
from checked
