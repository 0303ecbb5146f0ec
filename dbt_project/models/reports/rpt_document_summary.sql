-- One row per document in the registry (loaded or not): what was parsed from
-- it and whether its subtotals add up. Printed at the end of every run.
--
-- Portability: string aggregation and casts go through dbt's cross-database
-- macros (dbt.listagg → string_agg on DuckDB/Postgres, listagg on Trino;
-- dbt.type_string), so no DuckDB-only function is written here.
-- Incremental by document (macros/incremental_documents.sql, documents_changed()): a drop rebuilds the rows
-- of the documents whose registry row changed (staged, new, gone, or another version changed is_current).
-- depends_on: {{ ref('int_documents') }}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='document_id',
          on_schema_change='append_new_columns', pre_hook="{{ drop_documents_changed() }}",
          post_hook="{{ record_registry_watermark() }}") }}
{%- set changed = ('document_id in ' ~ documents_changed()) if is_incremental() else 'true' %}
with documents as (
    select * from {{ ref('int_documents') }}
    where {{ changed }}
),

budget_lines as (
    select * from {{ ref('int_budget_lines') }}
    where {{ changed }}
),

line_counts as (
    select
        document_id,
        count(*)                                                            as line_count,
        sum(case when line_type = 'spending_unit' then 1 else 0 end)        as spending_units,
        sum(case when line_type = 'project' then 1 else 0 end)              as projects,
        -- 合计 总计; max() only picks the single department_total row.
        max(case when line_type = 'department_total' then amount_total end) as amount_total_wan
    from budget_lines
    group by document_id
),

-- int_budget_reconciliation's rule (macro budget_reconciliation, per document) rendered over the lines of
-- the documents being built: DuckDB does not push a document filter into that view (3 s at 10,000 documents
-- for one document). depends_on: {{ ref('int_budget_reconciliation') }}
reconciliation as (
    select * from ({{ budget_reconciliation('budget_lines') }}) as reconciliation
),

-- project indicators (项目支出绩效目标表) and department-wide indicators
-- (部门整体绩效目标, overall and per task) of a document, counted together.
indicator_counts as (
    select document_id, count(*) as indicators
    from (
        select document_id from {{ ref('int_performance_indicators') }} where {{ changed }}
        union all
        select document_id from {{ ref('int_department_indicators') }} where {{ changed }}
    ) as all_indicators
    group by document_id
),

task_counts as (
    select document_id, count(*) as tasks
    from {{ ref('int_department_tasks') }}
    where not is_overall and {{ changed }}
    group by document_id
),

differences as (
    select
        document_id,
        parent_line_no,
        amount_column_order,
        case when parent_line_type = 'department_total' then '合计'
             else coalesce(spending_unit, '(unnamed unit)') end
            || ' vs '
            || case when children_line_type = 'spending_unit' then 'units' else 'projects' end
            || ' ' || amount_column || ': '
            || coalesce(cast(parent_amount as {{ dbt.type_string() }}), 'NULL')
            || ' ≠ '
            || coalesce(cast(children_sum as {{ dbt.type_string() }}), 'NULL')
            || ' (diff ' || cast(difference as {{ dbt.type_string() }}) || ')'
            as message
    from reconciliation
    where not is_reconciled
),

difference_lists as (
    select
        document_id,
        {{ dbt.listagg('message', "'; '", 'order by parent_line_no, amount_column_order') }}
            as messages
    from differences
    group by document_id
)

select
    documents.document_id,
    documents.file_name,
    documents.doc_type,
    documents.status,
    documents.department,
    documents.fiscal_year,
    documents.fiscal_year_source,
    coalesce(line_counts.spending_units, 0)                                 as spending_units,
    coalesce(line_counts.projects, 0)                                       as projects,
    coalesce(task_counts.tasks, 0)                                          as tasks,
    coalesce(indicator_counts.indicators, 0)                                as indicators,
    line_counts.amount_total_wan,
    case
        when line_counts.line_count is null then null   -- no budget lines: nothing to check
        when difference_lists.messages is null then 'OK'
        else difference_lists.messages
    end                                                                     as reconciliation_status,
    documents.is_current                                                    as is_current_version,
    case when documents.status = 'quarantined' then documents.error_message end as quarantine_reason
from documents
left join line_counts
    on documents.document_id = line_counts.document_id
left join indicator_counts
    on documents.document_id = indicator_counts.document_id
left join task_counts
    on documents.document_id = task_counts.document_id
left join difference_lists
    on documents.document_id = difference_lists.document_id
