{#
  Incremental facts keyed by document (issue 29): a drop rebuilds the rows of its own documents,
  not the warehouse. A fact model opts in with

      {{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='document_id',
                on_schema_change='append_new_columns', pre_hook="{{ drop_documents_not_current() }}",
                post_hook="{{ record_build_watermark() }}") }}
      -- depends_on: {{ ref('int_documents') }}
      select ... from ...
      {% if is_incremental() %} where document_id in {{ documents_to_rebuild() }} {% endif %}

  - record_build_watermark() (post-hook, every build): stores, in <intermediate schema>.<model>__built_from
    (not in schema marts, so not published), the documents current at the build and the newest
    raw.documents.ingested_at it has seen (built_from). dbt runs under the warehouse's writer lock:
    nothing is staged during a build.
  - documents_to_rebuild(): the current documents whose rows may have changed since that build: those
    staged after it (ingested_at is set on every staging, so a re-parse of the same bytes counts) and
    those that were not current then (new, or current again after a newer version left). Without a
    watermark (the first build after this change): every current document. A superset is harmless.
    Read when the model runs and written as literals (see the macro) so DuckDB filters early.
  - drop_documents_not_current() (pre-hook, incremental builds): deletes the rows of documents no longer
    current (superseded by a newer version, quarantined, removed) and of the documents about to be
    rebuilt (a re-parse that yields no rows any more leaves none); delete+insert alone only replaces the
    documents that still have rows.
  A full build (`dbt build --full-refresh`, the nightly job) rebuilds everything; a test proves both
  give the same rows (tests/integration/test_incremental_marts.py).
#}

{% macro build_watermark_relation() -%}
    {%- set documents = ref('int_documents') -%}
    {{ api.Relation.create(database=documents.database, schema=documents.schema,
                           identifier=this.identifier ~ '__built_from', type='table') }}
{%- endmacro %}

{% macro record_build_watermark() -%}
    {#- two portable statements (DuckDB and PostgreSQL alike), not DuckDB's "create or replace" -#}
    drop table if exists {{ build_watermark_relation() }};
    create table {{ build_watermark_relation() }} as
    select current_documents.document_id, newest.built_from
    from (select max(ingested_at) as built_from from {{ ref('int_documents') }}) as newest
    left join (select document_id from {{ ref('int_documents') }} where is_current) as current_documents
        on true
{%- endmacro %}

{% macro documents_to_rebuild(max_listed=1000) -%}
    {#- Read once when the model runs and written as a list of literals: DuckDB pushes a constant IN list
        down into the intermediate views (one document of 10,000: 0.7 s against 2.7 s for the same filter
        as a subquery); above max_listed documents (a backfill), the subquery. -#}
    {%- set query = documents_to_rebuild_query() -%}
    {%- if execute -%}
        {%- set ids = run_query(query).columns[0].values() -%}
        {%- if ids | length <= max_listed -%}
            ({% for id in ids %}'{{ id | replace("'", "''") }}'{{ ", " if not loop.last }}{% else %}null{% endfor %})
        {%- else -%}
            ({{ query }})
        {%- endif -%}
    {%- else -%}
        ({{ query }})
    {%- endif -%}
{%- endmacro %}

{% macro documents_to_rebuild_query() -%}
    {%- set documents = ref('int_documents') -%}
    {%- set state = adapter.get_relation(database=documents.database, schema=documents.schema,
                                         identifier=this.identifier ~ '__built_from') -%}
    select document_id from {{ documents }}
    where is_current
    {%- if state is not none %}
      and (
          ingested_at > (select coalesce(max(built_from), timestamp '1970-01-01') from {{ state }})
          or document_id not in (select document_id from {{ state }} where document_id is not null)
      )
    {%- endif %}
{%- endmacro %}

{% macro drop_documents_not_current() -%}
    {% if is_incremental() %}
    delete from {{ this }}
    where document_id not in {{ current_documents() }}
       or document_id in {{ documents_to_rebuild() }}
    {% endif %}
{%- endmacro %}
