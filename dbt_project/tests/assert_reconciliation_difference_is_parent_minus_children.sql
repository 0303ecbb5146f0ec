-- Reconciliation rule: difference = parent amount − Σ children amounts (empty cells as 0), and a
-- parent is reconciled exactly when that difference is zero to the cent. Recomputed here from
-- int_budget_lines by another route (no unpivot, a join per column); returns the rows that disagree.
with lines as (
    select * from {{ ref('int_budget_lines') }}
),

recomputed as (
    select
        parent.document_id,
        parent.line_no                                                          as parent_line_no,
        coalesce(parent.amount_total, 0) - coalesce(sum(child.amount_total), 0) as amount_total,
        coalesce(parent.amount_fiscal_appropriation, 0)
            - coalesce(sum(child.amount_fiscal_appropriation), 0)               as amount_fiscal_appropriation,
        coalesce(parent.amount_special_account, 0)
            - coalesce(sum(child.amount_special_account), 0)                    as amount_special_account,
        coalesce(parent.amount_other, 0) - coalesce(sum(child.amount_other), 0) as amount_other
    from lines as parent
    left join lines as child
        on child.document_id = parent.document_id
       and child.parent_line_no = parent.line_no
    where parent.line_type in ('department_total', 'spending_unit')
    group by parent.document_id, parent.line_no, parent.amount_total, parent.amount_fiscal_appropriation,
             parent.amount_special_account, parent.amount_other
),

reconciliation as (
    select * from {{ ref('int_budget_reconciliation') }}
)

select reconciliation.*, recomputed.amount_total as recomputed_total_difference
from reconciliation
inner join recomputed
    on reconciliation.document_id = recomputed.document_id
   and reconciliation.parent_line_no = recomputed.parent_line_no
where reconciliation.difference <> case reconciliation.amount_column
        when 'amount_total' then recomputed.amount_total
        when 'amount_fiscal_appropriation' then recomputed.amount_fiscal_appropriation
        when 'amount_special_account' then recomputed.amount_special_account
        when 'amount_other' then recomputed.amount_other
    end
   or reconciliation.is_reconciled <> (reconciliation.difference = 0)
