-- The indicators fct_department_target would publish (each indicator of a current 部门整体绩效目标,
-- with its task), each checked against the fact's contract (macro contract_issue): an indicator key
-- once, a sequence number, a task that publishes (task_not_published: no such task, or its task is
-- held back), a department whose key dim_department publishes. A task's indicator table (document ×
-- task_no) with a broken row is held back alone and listed in rpt_disclosure_tables_held_back.
with indicators as (
    select * from {{ ref('int_department_indicators') }}
    where document_id in {{ current_documents() }}
),

tasks as (
    select task_key, department_key, fiscal_year, task_label, is_held_back as task_is_held_back
    from {{ ref('int_department_task_rows') }}
),

candidates as (
    select
        indicators.*,
        tasks.department_key,
        tasks.fiscal_year,
        tasks.task_label,
        coalesce(not tasks.task_is_held_back, false)                as task_is_published
    from indicators
    left join tasks
        on indicators.task_key = tasks.task_key
),

checked as (
    select
        candidates.*,
        {{ contract_issue(key=['department_indicator_key'],
                          required=['department_indicator_key', 'task_key', 'seq'],
                          rules={'task_not_published': 'not task_is_published',
                                 'department_key_unknown': 'department_key is null or department_key not in '
                                                           ~ published_department_keys(),
                                 'task_label_missing': 'task_label is null'}) }}
                                                                    as contract_issue
    from candidates
)

select checked.*, {{ held_back(['document_id', 'task_no']) }} as is_held_back
from checked
