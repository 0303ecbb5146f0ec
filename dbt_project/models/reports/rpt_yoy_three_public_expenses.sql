-- 同比 year over year per department × “三公”经费 item (and 会议费, 培训费, 机关运行经费 where printed) × fund:
-- the amount of the publication's own year (measure budget in a 预算, final in a 决算; the department's
-- row, spending_unit NULL) against the same department's publication of the year before, same stage and
-- scope (the rule: macro year_over_year). Funds are compared as printed: a table that does not split by
-- fund (not_split) is not taken for 一般公共预算 (its rows are current_only / prior_only).
-- printed_prior_yuan: what the current document itself prints for the year before (上年 column, measure
-- prior_budget / prior_final) when it prints one; printed_prior_matches compares it with the prior
-- document's amount.
with facts as (
    select document_id, file_name, department_name, scope, fiscal_year, stage, source_page,
           expense, fund, expense_label, amount_yuan
    from {{ ref('fct_three_public_expenses') }}
    where document_id in {{ current_documents() }}
      and spending_unit is null
      and measure = case stage when 'final_accounts' then 'final' else 'budget' end
),

printed_prior as (
    select document_id, expense, fund, printed_prior_yuan
    from (
        select document_id, expense, fund, amount_yuan as printed_prior_yuan,
               row_number() over (partition by document_id, expense, fund order by source_page) as prior_rank
        from {{ ref('fct_three_public_expenses') }}
        where spending_unit is null and measure in ('prior_budget', 'prior_final')
    ) as ranked
    where prior_rank = 1
),

compared as (
    {{ year_over_year('facts', keys=['expense', 'fund'], labels=['expense_label']) }}
)

select
    compared.*,
    printed_prior.printed_prior_yuan,
    printed_prior.printed_prior_yuan = compared.prior_yuan as printed_prior_matches
from compared
left join printed_prior
    on printed_prior.document_id = compared.current_document_id
   and printed_prior.expense = compared.expense
   and printed_prior.fund = compared.fund

-- Rows combine documents: refreshed off the drop's path (tag whole_warehouse, reports_refresh_job).
{{ config(tags=["whole_warehouse"]) }}
