-- One row per project line of a loaded document (current versions only), with surrogate keys and the
-- number of indicators. Shared by dim_project and fct_project_budget.
with lines as (
    select * from {{ ref('int_budget_lines') }}
    where line_type = 'project'
      and document_id in {{ current_documents() }}
),

indicator_counts as (
    select
        document_id,
        line_no,
        count(*) as indicator_count
    from {{ ref('int_performance_indicators') }}
    where document_id in {{ current_documents() }}
    group by document_id, line_no
)

select
    lines.budget_line_key                                   as project_key,
    lines.document_id,
    lines.line_no,
    {{ department_key('lines.department') }}                as department_key,
    {{ dbt.hash("lines.department || '|' || lines.resolved_spending_unit") }}
                                                            as spending_unit_key,
    lines.department,
    lines.fiscal_year,
    lines.resolved_spending_unit                            as spending_unit,
    lines.parent_line_no,
    lines.project_name,
    lines.goal_text,
    lines.amount_total,
    lines.amount_fiscal_appropriation,
    lines.amount_special_account,
    lines.amount_other,
    lines.amount_columns_rule,
    lines.source_line,
    lines.source_page,
    coalesce(indicator_counts.indicator_count, 0)           as indicator_count
from lines
left join indicator_counts
    on lines.document_id = indicator_counts.document_id
   and lines.line_no = indicator_counts.line_no
