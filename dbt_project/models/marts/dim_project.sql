-- One row per project line (项目) of a loaded document.
select
    project_key,
    document_id,
    line_no,
    department_key,
    spending_unit_key,
    department,
    fiscal_year,
    spending_unit,
    project_name,
    goal_text,
    indicator_count,
    amount_columns_rule,
    source_line,
    source_page
from {{ ref('int_projects') }}
