{#
  Document ids whose parsed rows the staging models keep: status 'loaded'
  (every version). Usage: where document_id in {{ loaded_documents() }}
#}
{% macro loaded_documents() -%}
    (select document_id from {{ ref('stg_documents') }} where is_loaded)
{%- endmacro %}

{#
  The document ids whose rows feed the marts: loaded or registered documents that
  are the current version of their (doc_type, department, fiscal_year) — a
  corrected re-publication supersedes the earlier version (stg_documents.is_current).
  Usage: where document_id in {{ current_documents() }}
#}
{% macro current_documents() -%}
    (select document_id from {{ ref('stg_documents') }} where is_current)
{%- endmacro %}
