-- The rows fct_three_public_expenses would publish (“三公”经费, 会议费 / 培训费 printed with them,
-- 机关运行经费 and 行政经费): document × spending unit × expense × fund × measure, each checked against
-- the fact's contract (macro contract_issue). The meaning of every cell was read in Python
-- (orchestration/parsing/readers/three_public.py) from the words of its column and row labels,
-- whichever axis carries them: the item (column_role), the fund it is split by (一般公共预算 /
-- 政府性基金预算 / 国有资本经营预算, a 合计 beside them all_funds; not_split when the table names none),
-- the measure (预算数 / 决算数, rows per year: 上年 prior_budget, 本年 budget, 增减 change) and the unit a
-- row names (杭州 / 湖州 print one row per unit under the department's 合计 row). A cell that names no
-- item is left out and listed (column_not_modelled) without holding its table back; a table with any
-- other broken row (an item or measure outside the contract, the same key twice, a row label that is an
-- amount: spending_unit_is_an_amount) is held back alone.
with candidates as (
    select
        {{ publication_columns() }},
        table_no,
        table_ocr_verified,  -- an OCR'd table whose own arithmetic fails is held back (issue 28)
        spending_unit,
        column_role                                                             as expense,
        coalesce(fund, 'not_split')                                             as fund,
        coalesce(column_measure, case stage when 'final_accounts' then 'final' else 'budget' end) as measure,
        column_label                                                            as expense_label,
        row_name                                                                as row_label,
        amount_as_printed,
        unit                                                                    as unit_as_printed,
        amount_yuan,
        amount_wan,
        table_title,
        source_page
    from {{ ref('int_disclosure_values') }}
    where table_kind = 'three_public_expenses'
),

checked as (
    select
        candidates.*,
        case when expense is null then 'column_not_modelled'
             -- a "unit" that is a number: an amount read as a row label (a misread grid), not a unit
             when {{ regexp_like("spending_unit", "'^[-0-9,.，．]+$'") }} then 'spending_unit_is_an_amount' else
        {{ contract_issue(key=['document_id', 'spending_unit', 'expense', 'fund', 'measure'],
                          required=['amount_yuan'],
                          accepted={'expense': ['total', 'outbound_travel', 'official_vehicles', 'vehicle_purchase',
                                                'vehicle_operation', 'official_reception', 'meeting', 'training',
                                                'grand_total', 'administrative_operating', 'administrative_expenses'],
                                    'fund': ['general_public', 'government_fund', 'state_capital', 'all_funds', 'not_split'],
                                    'measure': ['budget', 'final', 'prior_budget', 'prior_final', 'change']},
                          rules={'ocr_arithmetic_failed': 'table_ocr_verified = false'}) }}
        end                                                                     as contract_issue
    from candidates
)

select
    checked.*,
    bool_or(contract_issue is not null and contract_issue <> 'column_not_modelled')
        over (partition by document_id, table_no)                               as is_held_back
from checked
