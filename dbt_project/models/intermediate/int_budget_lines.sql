-- Every budget line of a loaded document, with its place in the hierarchy
-- (合计 department total → 资金使用单位 spending units → projects) and the
-- document attributes and surrogate keys the marts need.
--
-- The parent is found by position, not by name, so a unit name printed twice or
-- spelled differently on project rows cannot mis-attach projects: the macro
-- budget_line_parents (macros/budget_hierarchy.sql), which the per-document GX
-- gate renders too.
with lines as (
    select * from {{ ref('stg_budget_lines') }}
    where document_id in {{ loaded_documents() }}
),

documents as (
    select * from {{ ref('stg_documents') }}
),

with_parent as (
    {{ budget_line_parents('lines') }}
)

select
    child.budget_line_key,
    child.document_id,
    child.line_no,
    child.line_type,
    child.parent_line_no,
    parent.line_type                                        as parent_line_type,
    child.spending_unit,
    -- Unit the line belongs to: its own name, else the name on its parent unit row, else (a
    -- project printed with no unit above it: a single-project form without 实施单位) the department.
    case
        when child.line_type = 'department_total' then null
        else coalesce(
            child.spending_unit,
            case when parent.line_type = 'spending_unit' then parent.spending_unit end,
            documents.department
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
-- the parent's own columns (line_type, spending_unit) from `lines`, not from with_parent: with_parent read
-- once is inlined, so a document filter on this view reaches the window of budget_line_parents (one
-- document of 10,000: 0.13 s against 0.65 s when DuckDB materializes with_parent for the self-join)
left join lines as parent
    on child.document_id = parent.document_id
   and child.parent_line_no = parent.line_no
