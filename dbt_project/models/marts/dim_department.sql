-- One row per department (部门) of the loaded documents of both kinds:
-- 项目支出绩效目标表 (project budgets) and 部门整体绩效目标 (department-wide
-- targets), so a department's project budget and its overall targets can be
-- read side by side (fct_project_budget / fct_department_income /
-- fct_department_target all carry department_key).
-- department_key = dbt.hash of the normalized name (macros/department_key.sql:
-- spaces removed, 中国共产党 → 中共); `department` is the name as printed
-- (the first in sort order when documents spell it differently, all of them
-- in department_names).
-- Incremental by department (macros/incremental_documents.sql, departments_changed()): a drop rebuilds
-- the departments of the documents whose registry row changed (staged, new, gone, another version
-- changed is_current; the department they name now and the one they named at the last build); a
-- department no current loaded document names any more is deleted.
-- depends_on: {{ ref('int_documents') }}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='department_key',
          on_schema_change='append_new_columns', pre_hook="{{ drop_departments_changed() }}",
          post_hook="{{ record_registry_watermark() }}") }}
{%- if is_incremental() %}
{%- set names = departments_changed() %}
{%- set departments = normalized_department_name('department') ~ ' in ' ~ names %}
{%- set department_keys = 'department_key in (select ' ~ dbt.hash('department_normalized') ~ ' from documents)' %}
{%- set department_documents = 'document_id in ' ~ documents_of_departments(names) %}
{%- else %}
{%- set departments, department_keys, department_documents = 'true', 'true', 'true' %}
{%- endif %}
with documents as (
    select
        *,
        {{ normalized_department_name('department') }}                      as department_normalized
    from {{ ref('int_documents') }}
    where is_loaded and is_current  -- current version only
      and department is not null
      and {{ departments }}
),

projects as (
    select department_key, count(*) as project_count, sum(amount_total) as amount_total_wan
    from {{ ref('int_projects') }}
    where {{ department_documents }}  -- a project's department is its document's
    group by department_key
),

-- 部门整体绩效目标 of the current versions: the tasks (任务N) and the indicators of the
-- department-wide table (task_no 0) and of each task, as dim_department_task and
-- fct_department_target count them (read from the int_ models, not from those marts: the parts that
-- publish, a task or a task's indicator table held back by its contract is not counted).
department_tasks as (
    select * from {{ ref('int_department_task_rows') }}
    where not is_held_back
      and {{ department_keys }}
),

targets as (
    select department_key, count(*) as department_task_count
    from department_tasks
    where not is_overall
    group by department_key
),

target_indicators as (
    select department_key, count(*) as department_indicator_count
    from {{ ref('int_department_target_rows') }}
    where not is_held_back
      and {{ department_keys }}
    group by department_key
),

department_years as (
    select distinct department_normalized, fiscal_year
    from documents
    where fiscal_year is not null
),

years as (
    select
        department_normalized,
        min(fiscal_year)                                                    as first_fiscal_year,
        max(fiscal_year)                                                    as last_fiscal_year,
        {{ dbt.listagg("cast(fiscal_year as " ~ dbt.type_string() ~ ")", "', '", "order by fiscal_year") }}
                                                                            as fiscal_years
    from department_years
    group by department_normalized
),

department_names as (
    select distinct department_normalized, department
    from documents
),

names as (
    select
        department_normalized,
        min(department)                                                     as department,
        {{ dbt.listagg('department', "'; '", 'order by department') }}     as department_names
    from department_names
    group by department_normalized
),

departments as (
    select
        department_normalized,
        count(*)                                                            as document_count,
        count(case when doc_type = 'project_targets' then 1 end)           as project_document_count,
        count(case when doc_type = 'department_targets' then 1 end)        as department_target_document_count
    from documents
    group by department_normalized
)

select
    {{ dbt.hash('departments.department_normalized') }}                     as department_key,
    names.department,
    departments.department_normalized,
    names.department_names,
    departments.document_count,
    departments.project_document_count,
    departments.department_target_document_count,
    coalesce(projects.project_count, 0)                                     as project_count,
    projects.amount_total_wan,
    coalesce(targets.department_task_count, 0)                              as department_task_count,
    coalesce(target_indicators.department_indicator_count, 0)               as department_indicator_count,
    years.first_fiscal_year,
    years.last_fiscal_year,
    years.fiscal_years
from departments
left join names
    on departments.department_normalized = names.department_normalized
left join years
    on departments.department_normalized = years.department_normalized
left join projects
    on {{ dbt.hash('departments.department_normalized') }} = projects.department_key
left join targets
    on {{ dbt.hash('departments.department_normalized') }} = targets.department_key
left join target_indicators
    on {{ dbt.hash('departments.department_normalized') }} = target_indicators.department_key
