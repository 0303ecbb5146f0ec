-- 部门整体绩效目标 tasks (任务N) of every document; int_department_tasks keeps loaded documents.
with source as (
    select * from {{ source('raw', 'department_tasks') }}
)

select
    source.document_id || ':' || cast(source.task_no as {{ dbt.type_string() }}) as task_key,
    source.document_id,
    source.task_no,
    source.task_name,
    source.goal_text,
    source.projects,
    source.projects_text,
    source.source_line,
    source.content_text,
    cast(source.amount_yuan as decimal(18, 2))                                   as amount_yuan
from source
