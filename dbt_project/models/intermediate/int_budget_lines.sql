-- Every budget line of a loaded document, with its place in the hierarchy
-- (合计 department total → 资金使用单位 spending units → projects) and the
-- document attributes and surrogate keys the marts need.
--
-- The parent is found by position (lines are in document order: total, unit,
-- its projects, next unit ...), not by name, so a unit name printed twice or
-- spelled differently on project rows cannot mis-attach projects:
--   project        → nearest preceding spending_unit row, else the total row
--   spending_unit  → the department_total row
--   department_total → none
with lines as (
    select * from {{ ref('stg_budget_lines') }}
    where document_id in {{ loaded_documents() }}
),

documents as (
    select * from {{ ref('stg_documents') }}
),

positioned as (
    select
        lines.*,
        max(case when line_type = 'spending_unit' then line_no end) over (
            partition by document_id
            order by line_no
            rows between unbounded preceding and current row
        ) as preceding_unit_line_no,
        max(case when line_type = 'department_total' then line_no end) over (
            partition by document_id
        ) as total_line_no
    from lines
),

with_parent as (
    select
        positioned.*,
        case
            when line_type = 'project' then coalesce(preceding_unit_line_no, total_line_no)
            when line_type = 'spending_unit' then total_line_no
        end as parent_line_no
    from positioned
)

select
    child.budget_line_key,
    child.document_id,
    child.line_no,
    child.line_type,
    child.parent_line_no,
    parent.line_type                                        as parent_line_type,
    child.spending_unit,
    -- Unit the line belongs to: its own name, else the name on its parent unit row.
    case
        when child.line_type = 'department_total' then null
        else coalesce(
            child.spending_unit,
            case when parent.line_type = 'spending_unit' then parent.spending_unit end
        )
    end                                                     as resolved_spending_unit,
    child.project_name,
    child.amount_total,
    child.amount_fiscal_appropriation,
    child.amount_special_account,
    child.amount_other,
    child.amount_columns_rule,
    child.goal_text,
    child.source_line,
    child.source_page,
    documents.department,
    documents.fiscal_year,
    documents.doc_type
from with_parent as child
inner join documents
    on child.document_id = documents.document_id
left join with_parent as parent
    on child.document_id = parent.document_id
   and child.parent_line_no = parent.line_no
