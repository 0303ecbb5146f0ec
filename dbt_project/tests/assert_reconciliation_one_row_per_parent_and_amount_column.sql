-- Reconciliation rule (int_budget_reconciliation): every parent line (合计 and each spending
-- unit) of a loaded document is compared in each of the four amount columns, exactly once.
-- Returns the parents with a number of comparison rows other than 4.
with parents as (
    select document_id, line_no
    from {{ ref('int_budget_lines') }}
    where line_type in ('department_total', 'spending_unit')
),

compared as (
    select document_id, parent_line_no, count(*) as comparisons
    from {{ ref('int_budget_reconciliation') }}
    group by document_id, parent_line_no
)

select parents.document_id, parents.line_no, coalesce(compared.comparisons, 0) as comparisons
from parents
full outer join compared
    on parents.document_id = compared.document_id
   and parents.line_no = compared.parent_line_no
where parents.line_no is null or coalesce(compared.comparisons, 0) <> 4
