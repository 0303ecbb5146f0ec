-- Headline figures of the prose-only 部门预算 / 决算 disclosures (budget_narrative), as printed and in 元 / 万元.
select
    document_id,
    figure_no,
    measure,
    fund_type,
    label,
    amount                                   as amount_as_printed,
    unit,
    cast(amount_yuan as decimal(24, 2))      as amount_yuan,
    {{ yuan_to_wan('amount_yuan') }}         as amount_wan,
    source_page,
    sentence
from {{ source('raw', 'narrative_figures') }}
