-- One row per project line (项目) of a loaded document.
-- Incremental by document (macros/incremental_documents.sql): a drop rebuilds its own documents' rows.
-- depends_on: {{ ref('int_documents') }}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='document_id',
          on_schema_change='append_new_columns', pre_hook="{{ drop_documents_not_current() }}",
          post_hook="{{ record_build_watermark() }}") }}
select
    project_key,
    document_id,
    line_no,
    department_key,
    spending_unit_key,
    department,
    fiscal_year,
    spending_unit,
    project_name,
    goal_text,
    indicator_count,
    amount_columns_rule,
    source_line,
    source_page
from {{ ref('int_projects') }}
{% if is_incremental() %}
where document_id in {{ documents_to_rebuild() }}
{% endif %}
