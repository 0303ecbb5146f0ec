-- 部门整体绩效目标 tasks (任务N) of loaded documents, every version, plus one 'overall' row
-- (task_no 0) per document for the department-wide goal, so that every department-wide
-- indicator has a task. The loaded-document filter is applied here (loaded_documents(),
-- macros/document_filters.sql), once. dim_department_task publishes the current versions;
-- fct_department_target and dim_department read it here.
with targets as (
    select * from {{ ref('stg_department_targets') }}
    where document_id in {{ loaded_documents() }}
),

tasks as (
    select
        task_key, document_id, task_no, task_name, goal_text, projects, source_line, content_text, amount_yuan
    from {{ ref('stg_department_tasks') }}
    where document_id in {{ loaded_documents() }}
    union all
    select
        document_id || ':0', document_id, 0, null, overall_goal, null, source_line, null, null
    from targets
)

select
    tasks.task_key,
    tasks.document_id,
    {{ department_key('targets.department') }}              as department_key,
    targets.department,
    targets.fiscal_year,
    tasks.task_no,
    tasks.task_no = 0                                       as is_overall,
    case when tasks.task_no = 0 then 'overall' else tasks.task_name end
                                                            as task_label,
    tasks.task_name,
    tasks.goal_text,
    tasks.projects,
    tasks.source_line,
    tasks.content_text,
    tasks.amount_yuan
from tasks
inner join targets
    on tasks.document_id = targets.document_id
