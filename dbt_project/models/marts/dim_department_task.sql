-- One row per task (任务N) of a loaded 部门整体绩效目标, plus one 'overall'
-- row (task_no 0) per document for the department-wide goal, so that every
-- row of fct_department_target has a task.
with documents as (
    select * from {{ ref('int_department_targets') }}
    where document_id in {{ current_documents() }}
),

tasks as (
    select
        task_key, document_id, task_no, task_name, goal_text, projects, source_line
    from {{ ref('int_department_tasks') }}
    where document_id in {{ current_documents() }}
    union all
    select
        document_id || ':0', document_id, 0, null, overall_goal, null, source_line
    from documents
),

indicator_counts as (
    select task_key, count(*) as indicator_count
    from {{ ref('int_department_indicators') }}
    where document_id in {{ current_documents() }}
    group by task_key
)

select
    tasks.task_key,
    tasks.document_id,
    {{ department_key('documents.department') }}             as department_key,
    documents.department,
    documents.fiscal_year,
    tasks.task_no,
    tasks.task_no = 0                                       as is_overall,
    case when tasks.task_no = 0 then 'overall' else tasks.task_name end
                                                            as task_label,
    tasks.task_name,
    tasks.goal_text,
    tasks.projects,
    coalesce({{ list_length("tasks.projects") }}, 0)           as project_count,
    coalesce(indicator_counts.indicator_count, 0)           as indicator_count,
    tasks.source_line
from tasks
inner join documents
    on tasks.document_id = documents.document_id
left join indicator_counts
    on tasks.task_key = indicator_counts.task_key
