{#-
  Number of elements of a list/array column (NULL for NULL).

  The raw tables keep a few lists as arrays (department_tasks.projects,
  department_indicators.repairs: VARCHAR[] in DuckDB). Array length is not
  standard SQL: DuckDB spells it len(), Postgres and Trino cardinality(). The
  dispatch keeps the models portable: moving the marts to Postgres or Trino is
  a profiles.yml change (docs/scaling.md); MotherDuck is DuckDB.
-#}
{% macro list_length(column) -%}
    {{ return(adapter.dispatch('list_length')(column)) }}
{%- endmacro %}

{% macro default__list_length(column) -%}
    cast(cardinality({{ column }}) as bigint)
{%- endmacro %}

{% macro duckdb__list_length(column) -%}
    len({{ column }})
{%- endmacro %}
