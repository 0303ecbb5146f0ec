-- One row per 绩效指标 performance indicator of a loaded document (current versions):
-- the public fact of int_indicator_targets (taxonomy check, value × scale, target mismatches).
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='document_id',
          on_schema_change='append_new_columns', pre_hook="{{ drop_documents_not_current() }}",
          post_hook="{{ record_build_watermark() }}") }}
-- Incremental by document (macros/incremental_documents.sql): a drop rebuilds its own documents' rows.
-- depends_on: {{ ref('int_documents') }}
select * from {{ ref('int_indicator_targets') }}
{% if is_incremental() %}
where document_id in {{ documents_to_rebuild() }}
{% endif %}
