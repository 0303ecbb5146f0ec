-- One row per department + 资金使用单位 spending unit seen in loaded documents
-- (on a spending-unit subtotal row or as the unit of a project).
with unit_lines as (
    select *
    from {{ ref('int_budget_lines') }}
    where line_type in ('spending_unit', 'project')
      and department is not null
      and resolved_spending_unit is not null
      and document_id in {{ current_documents() }}
)

select
    {{ dbt.hash("department || '|' || resolved_spending_unit") }}          as spending_unit_key,
    {{ department_key('department') }}                                      as department_key,
    department,
    resolved_spending_unit                                                  as spending_unit,
    count(distinct document_id)                                             as document_count,
    count(case when line_type = 'project' then 1 end)                      as project_count,
    min(fiscal_year)                                                        as first_fiscal_year,
    max(fiscal_year)                                                        as last_fiscal_year
from unit_lines
group by department, resolved_spending_unit
