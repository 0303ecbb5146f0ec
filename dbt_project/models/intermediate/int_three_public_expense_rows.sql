-- The rows fct_three_public_expenses would publish (“三公”经费 and 机关运行经费: document × expense
-- × measure), each checked against the fact's contract (macro contract_issue): the expense one of
-- the modelled items, the amount readable, the header label unique in the document. A column the
-- table prints besides them (会议费, 培训费 in 三公经费、会议费、培训费 tables) has no expense role: it is
-- not a 三公 item, so it is left out of the fact and listed (contract_issue column_not_modelled)
-- without holding the table back. A table with any other broken row is held back alone.
with candidates as (
    select
        {{ publication_columns() }},
        table_no,
        column_role                                                             as expense,
        column_label                                                            as expense_label,
        coalesce(column_measure, case stage when 'final_accounts' then 'final' else 'budget' end) as measure,
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
        case when expense is null then 'column_not_modelled' else
        {{ contract_issue(key=['document_id', 'expense_label'],
                          required=['amount_yuan'],
                          accepted={'expense': ['total', 'outbound_travel', 'official_vehicles', 'vehicle_purchase',
                                                'vehicle_operation', 'official_reception', 'administrative_operating'],
                                    'measure': ['budget', 'final']}) }}
        end                                                                     as contract_issue
    from candidates
)

select
    checked.*,
    bool_or(contract_issue is not null and contract_issue <> 'column_not_modelled')
        over (partition by document_id, table_no)                               as is_held_back
from checked
