-- The review list of disclosure tables that did not publish into a fact, and of cells a fact
-- leaves out: one row per document × table × fact × issue, with the pages and an example label,
-- so that a table read unsoundly is seen by a person instead of failing the build for everyone
-- (issue 26). is_table_held_back false: only the listed cells were left out (a column that is no
-- 三公 item, e.g. 会议费); the rest of the table published. A 部门整体绩效目标's parts are listed the
-- same way: its profile (fct_department_income), each task (dim_department_task) and each task's
-- indicator table (fct_department_target), table_no being the task number.
with rows_checked as (
    select 'fct_budget_income' as fact, document_id, file_name, department_name, fiscal_year, table_no,
           table_title, source_page, contract_issue, is_held_back, income_source_label as label
    from {{ ref('int_budget_income_rows') }}
    union all
    select 'fct_three_public_expenses', document_id, file_name, department_name, fiscal_year, table_no,
           table_title, source_page, contract_issue, is_held_back, expense_label
    from {{ ref('int_three_public_expense_rows') }}
    union all
    select 'fct_function_expenditure', document_id, file_name, department_name, fiscal_year, table_no,
           table_title, source_page, contract_issue, is_held_back, column_label
    from {{ ref('int_function_expenditure_rows') }}
    union all
    select 'fct_economic_expenditure', document_id, file_name, department_name, fiscal_year, table_no,
           table_title, source_page, contract_issue, is_held_back, economic_code || ' / ' || column_label
    from {{ ref('int_economic_expenditure_rows') }}
    -- a 部门整体绩效目标's parts: the profile (table_no NULL), each task and its indicator table (table_no = task_no)
    union all
    select 'fct_department_income', document_id, null, department, fiscal_year, null,
           '部门整体绩效目标 收入', null, contract_issue, is_held_back, department
    from {{ ref('int_department_income_rows') }}
    union all
    select 'dim_department_task', document_id, null, department, fiscal_year, task_no,
           '部门整体绩效目标 任务 ' || task_no, null, contract_issue, is_held_back, coalesce(task_label, task_key)
    from {{ ref('int_department_task_rows') }}
    union all
    select 'fct_department_target', document_id, null, null, fiscal_year, task_no,
           '部门整体绩效目标 任务 ' || task_no || ' 指标', source_page, contract_issue, is_held_back, indicator_name
    from {{ ref('int_department_target_rows') }}
    -- an OCR'd table whose own arithmetic fails (issue 28) is listed for review whatever fact reads it (a 收支总表
    -- feeds none); the facts that read it hold it back under the same issue
    union all
    select 'ocr_review', tables.document_id, null, documents.department, documents.fiscal_year, tables.table_no,
           tables.title, tables.first_page, 'ocr_arithmetic_failed', true, tables.table_kind
    from {{ ref('int_document_tables') }} as tables
    inner join (select document_id, department, fiscal_year from {{ ref('int_documents') }} where is_current) as documents
        using (document_id)
    where tables.ocr_verified = false
)

select
    fact,
    document_id,
    coalesce(any_value(file_name), any_value(documents.document_file_name)) as file_name,
    any_value(department_name)                                  as department_name,
    any_value(fiscal_year)                                      as fiscal_year,
    table_no,
    any_value(table_title)                                      as table_title,
    min(source_page)                                            as first_page,
    max(source_page)                                            as last_page,
    contract_issue,
    bool_or(is_held_back)                                       as is_table_held_back,
    count(*)                                                    as cells,
    min(label)                                                  as example_label,
    -- 证据 the table's first page, the example's row label (before ' / ') outlined where it is found there
    -- (macros/evidence.sql; the same needle is rpt_review_queue.evidence_needle)
    {{ evidence_path('document_id', 'min(source_page)', needle="split_part(min(label), ' / ', 1)") }} as evidence_path
from rows_checked
left join (select document_id, file_name as document_file_name from {{ ref('int_documents') }}) as documents
    using (document_id)
where contract_issue is not null
group by fact, document_id, table_no, contract_issue
