-- The amount cells fct_economic_expenditure sums (经济分类 tables: 一般公共预算基本支出经济分类预算表,
-- …财政拨款基本支出决算表), each checked against the fact's contract (macro contract_issue): a stage
-- (预算 / 决算), a code of a 类 / 款 / 项 (3, 5 or 7 digits: 北京 prints 3021101) with its 类, a department,
-- and one cell per document × coverage (基本支出 / 项目支出 / all, from the title: 广州 and 珠海 print one
-- economic table of each) × code × column (the same code read twice in a document, e.g. a table read twice or two
-- tables of another meaning taken for one, would be summed twice into the fact's key) — a row classified twice
-- (北京's 支出总表: 功能 × 部门经济分类, cross_codes) is one cell per code combination, summed into its economic code by
-- the fact. A table with a
-- cell that breaks it is held back alone (is_held_back) and listed in rpt_disclosure_tables_held_back.
with candidates as (
    select
        {{ publication_columns() }},
        table_no,
        table_ocr_verified,  -- an OCR'd table whose own arithmetic fails is held back (issue 28)
        code                                                                    as economic_code,
        case length(code) when 3 then 'class' when 5 then 'section' when 7 then 'item' end as economic_level,
        table_coverage                                                          as coverage,
        class_code,
        section_code,
        cross_codes,
        row_name,
        row_page,
        column_role,
        column_label,
        amount_yuan,
        amount_wan,
        unit,
        table_title,
        source_page
    from {{ ref('int_disclosure_values') }}
    where table_kind = 'economic_expenditure' and code is not null
),

checked as (
    select
        candidates.*,
        {{ contract_issue(key=['document_id', 'coverage', 'economic_code', 'cross_codes', 'column_role', 'column_label'],
                          required=['stage', 'economic_level', 'class_code', 'department_name'],
                          accepted={'stage': ['budget', 'final_accounts']},
                          rules={'ocr_arithmetic_failed': 'table_ocr_verified = false'}) }}  as contract_issue
    from candidates
)

select checked.*, {{ held_back() }} as is_held_back
from checked
