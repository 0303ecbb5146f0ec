-- One row per task (任务N) of the current version of a loaded 部门整体绩效目标, plus one
-- 'overall' row (task_no 0) per document for the department-wide goal (int_department_tasks),
-- so that every row of fct_department_target has a task. The tasks and their contract check live
-- in int_department_task_rows; a task held back is listed in rpt_disclosure_tables_held_back.
with tasks as (
    select * from {{ ref('int_department_task_rows') }}
    where not is_held_back
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
    tasks.department_key,
    tasks.department,
    tasks.fiscal_year,
    tasks.task_no,
    tasks.is_overall,
    tasks.task_label,
    tasks.task_name,
    tasks.goal_text,
    tasks.projects,
    coalesce({{ list_length("tasks.projects") }}, 0)         as project_count,
    coalesce(indicator_counts.indicator_count, 0)           as indicator_count,
    tasks.source_line,
    tasks.content_text,
    tasks.amount_yuan,
    {{ yuan_to_wan('tasks.amount_yuan') }}                  as amount_wan
from tasks
left join indicator_counts
    on tasks.task_key = indicator_counts.task_key
