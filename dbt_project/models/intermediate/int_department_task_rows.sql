-- The tasks dim_department_task would publish (任务N of each current 部门整体绩效目标, and its
-- 'overall' row, task_no 0), each checked against the dimension's contract (macro contract_issue):
-- a task key once, a task number and label, a department whose key dim_department publishes. A
-- broken task is held back alone with its indicators (int_department_target_rows) and listed in
-- rpt_disclosure_tables_held_back; the document's other tasks still publish.
with candidates as (
    select * from {{ ref('int_department_tasks') }}
    where document_id in {{ current_documents() }}
),

checked as (
    select
        candidates.*,
        {{ contract_issue(key=['task_key'],
                          required=['task_key', 'department_key', 'task_no', 'task_label'],
                          rules={'department_key_unknown': 'department_key not in ' ~ published_department_keys()}) }}
                                                                    as contract_issue
    from candidates
)

select checked.*, {{ held_back(['document_id', 'task_no']) }} as is_held_back
from checked
