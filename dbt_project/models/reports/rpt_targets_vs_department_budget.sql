-- Targets against the budget, across documents: the 合计 of a department's 项目支出绩效目标表
-- against the 项目支出 its 部门整体绩效目标 form states for the same fiscal year (both current
-- versions, matched by the normalized department name). Both are 万元 as printed; the form's
-- amount is stored in 元 (yuan_to_wan). Equal amounts prove the two documents describe the same
-- project budget; a difference is a finding with both files and the targets table's page.
with documents as (
    select document_id, file_name, doc_type, department, fiscal_year,
           {{ department_key('department') }}              as department_key
    from {{ ref('int_documents') }}
    where is_current and status = 'loaded' and doc_type in ('project_targets', 'department_targets')
),

targets_totals as (
    select documents.department_key, documents.department, documents.fiscal_year, documents.file_name,
           lines.amount_total                               as targets_total_wan,
           lines.source_page                                as targets_total_page
    from {{ ref('int_budget_lines') }} as lines
    inner join documents using (document_id)
    where documents.doc_type = 'project_targets' and lines.line_type = 'department_total'
),

department_forms as (
    select documents.department_key, documents.fiscal_year, documents.file_name,
           {{ yuan_to_wan('forms.expenditure_project_yuan') }} as form_project_expenditure_wan
    from {{ ref('int_department_targets') }} as forms
    inner join documents using (document_id)
    where forms.expenditure_project_yuan is not null
)

select
    targets_totals.department,
    targets_totals.fiscal_year,
    targets_totals.file_name                                as targets_file_name,
    targets_totals.targets_total_wan,
    targets_totals.targets_total_page,
    department_forms.file_name                              as department_form_file_name,
    department_forms.form_project_expenditure_wan,
    targets_totals.targets_total_wan - department_forms.form_project_expenditure_wan
                                                            as difference_wan,
    targets_totals.targets_total_wan = department_forms.form_project_expenditure_wan
                                                            as is_equal
from targets_totals
inner join department_forms
    on department_forms.department_key = targets_totals.department_key
   and department_forms.fiscal_year is not distinct from targets_totals.fiscal_year

-- Rows combine documents: refreshed off the drop's path (tag whole_warehouse, reports_refresh_job).
{{ config(tags=["whole_warehouse"]) }}
