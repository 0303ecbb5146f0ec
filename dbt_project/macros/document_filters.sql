{#
  The two document filters, written once (intermediate and mart models apply them;
  staging models keep every row of their source).

  loaded_documents(): document ids whose parsed rows are modelled - status 'loaded',
  every version. A quarantined document keeps its raw rows for diagnosis; this
  filter keeps them out of everything built on staging.
  Usage: where document_id in {{ loaded_documents() }}
#}
{% macro loaded_documents() -%}
    (select document_id from {{ ref('int_documents') }} where is_loaded)
{%- endmacro %}

{#
  current_documents(): the document ids whose rows feed the marts - loaded or registered
  documents that are the current version of their publication (int_documents.is_current,
  where versions are ranked). Usage: where document_id in {{ current_documents() }}
#}
{% macro current_documents() -%}
    (select document_id from {{ ref('int_documents') }} where is_current)
{%- endmacro %}
