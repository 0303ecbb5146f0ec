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
    {#- Read once when the model runs and written as a list of literals (listed_values): DuckDB pushes a
        constant IN list down into the intermediate views (one document of 10,000: 0.7 s against 2.7 s for the
        same filter as a subquery); above max_listed documents (a backfill), the subquery. -#}
    {{ listed_values(documents_to_rebuild_query(), max_listed) }}
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

{#
  Incremental models that list every document of the registry (issue 29): rpt_document_summary,
  rpt_reconciliation_findings (every version, quarantined and registered documents too, with is_current),
  and dim_department (keyed by department, built from the current loaded documents). Here a document that
  stops being current keeps its row (with is_current false), so drop_documents_not_current() does not
  apply: these models rebuild the documents whose registry row changed. A document-keyed model opts in with

      {{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='document_id',
                on_schema_change='append_new_columns', pre_hook="{{ drop_documents_changed() }}",
                post_hook="{{ record_registry_watermark() }}") }}
      -- depends_on: {{ ref('int_documents') }}
      select ... {% if is_incremental() %} where document_id in {{ documents_changed() }} {% endif %}

  and a department-keyed one (dim_department) with unique_key='department_key',
  pre_hook="{{ drop_departments_changed() }}" and a filter on departments_changed() (normalized names)
  plus, for the heavy per-document sources, documents_of_departments(<those names>).

  - record_registry_watermark() (post-hook, every build): stores, in <intermediate schema>.<model>__built_from,
    every document of int_documents with the columns of its registry row that depend on the *other*
    documents (its place among the versions of its publication: is_current, version_no, version_count,
    superseded_by_document_id, counts_in_department_totals) plus status and department, and the newest
    ingested_at seen (built_from).
  - documents_changed(): the documents whose rows may differ from that build:
      staged after it (ingested_at > built_from: set on every staging, quarantine included: the parsed
      rows, file name, status, error message of that document),
      new (not in the watermark: registered since),
      gone (in the watermark, no longer in int_documents: their rows are deleted),
      or whose version standing changed because another document arrived or left (any tracked column
      distinct from the watermark: a new version makes the old one not current, superseded_by it,
      version_count + 1 for the whole family; computed by int_documents itself, not guessed by family).
    Without a watermark (first build after this change): every document. A superset is harmless.
    A model of this kind that reads another int_documents column computed across documents adds it to
    registry_watermark_columns(); tests/integration/test_incremental_marts.py compares both builds.
  - departments_changed(): the normalized department names (macros/department_key.sql) of those
    documents, the name they have now and the name they had at the build (a re-parse that renames a
    document's department changes both departments).
#}

{% macro registry_watermark_columns() -%}
    {{ return(['status', 'department', 'is_current', 'version_no', 'version_count',
               'superseded_by_document_id', 'counts_in_department_totals']) }}
{%- endmacro %}

{% macro record_registry_watermark() -%}
    drop table if exists {{ build_watermark_relation() }};
    create table {{ build_watermark_relation() }} as
    select
        {%- for column in registry_watermark_columns() %}
        documents.{{ column }},
        {%- endfor %}
        documents.document_id,
        newest.built_from
    from (select max(ingested_at) as built_from from {{ ref('int_documents') }}) as newest
    left join {{ ref('int_documents') }} as documents
        on true
{%- endmacro %}

{% macro registry_changes_query() -%}
    {#- One row per changed document: document_id (of the registry, or of the watermark when it is gone),
        department now (NULL when gone) and built_department (NULL when new or without a watermark). -#}
    {%- set documents = ref('int_documents') -%}
    {%- set state = adapter.get_relation(database=documents.database, schema=documents.schema,
                                         identifier=this.identifier ~ '__built_from') -%}
    {%- if state is none %}
    select document_id, department, cast(null as {{ dbt.type_string() }}) as built_department
    from {{ documents }}
    {%- else %}
    select
        coalesce(documents.document_id, built.document_id)                  as document_id,
        documents.department,
        built.department                                                    as built_department
    from {{ documents }} as documents
    full outer join (select * from {{ state }} where document_id is not null) as built
        on documents.document_id = built.document_id
    where documents.document_id is null
       or built.document_id is null
       or documents.ingested_at > (select coalesce(max(built_from), timestamp '1970-01-01') from {{ state }})
       {%- for column in registry_watermark_columns() %}
       or documents.{{ column }} is distinct from built.{{ column }}
       {%- endfor %}
    {%- endif %}
{%- endmacro %}

{% macro listed_values(query, max_listed=1000) -%}
    {#- The first column of query as a list of string literals read when the model runs (DuckDB pushes a
        constant IN list down into the views), or the subquery itself above max_listed values. -#}
    {%- if execute -%}
        {%- set values = run_query(query).columns[0].values() -%}
        {%- if values | length <= max_listed -%}
            ({% for v in values %}'{{ v | replace("'", "''") }}'{{ ", " if not loop.last }}{% else %}null{% endfor %})
        {%- else -%}
            ({{ query }})
        {%- endif -%}
    {%- else -%}
        ({{ query }})
    {%- endif -%}
{%- endmacro %}

{% macro documents_changed(max_listed=1000) -%}
    {{ listed_values('select document_id from (' ~ registry_changes_query() ~ ') as changes', max_listed) }}
{%- endmacro %}

{% macro departments_changed_query() -%}
    with changes as (
        {{ registry_changes_query() }}
    ),

    names as (
        select {{ normalized_department_name('department') }} as department_normalized from changes
        union all
        select {{ normalized_department_name('built_department') }} from changes
    )

    select distinct department_normalized from names
    where department_normalized is not null
{%- endmacro %}

{% macro departments_changed(max_listed=1000) -%}
    {{ listed_values(departments_changed_query(), max_listed) }}
{%- endmacro %}

{% macro documents_of_departments(departments, max_listed=1000) -%}
    {#- The current loaded documents of the departments listed (normalized names, as departments_changed()
        returns them): the documents a department row is built from. -#}
    {{ listed_values('select document_id from ' ~ ref('int_documents') ~ ' where is_loaded and is_current and '
                     ~ normalized_department_name('department') ~ ' in ' ~ departments, max_listed) }}
{%- endmacro %}

{% macro drop_documents_changed() -%}
    {% if is_incremental() %}
    delete from {{ this }}
    where document_id not in (select document_id from {{ ref('int_documents') }})
       or document_id in {{ documents_changed() }}
    {% endif %}
{%- endmacro %}

{% macro drop_departments_changed() -%}
    {#- dim_department: the departments to rebuild, and those no current loaded document names any more. -#}
    {% if is_incremental() %}
    delete from {{ this }}
    where department_normalized in {{ departments_changed() }}
       or department_key not in {{ published_department_keys() }}
    {% endif %}
{%- endmacro %}
