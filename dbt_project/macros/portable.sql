{#- Portability across the warehouse engines (issue 29): the DuckDB profile (dbt-duckdb, the default) and the
    cluster profile (dbt-postgres, target `postgres`) build the same models from one SQL each. Where the two
    spell a thing differently, the models call one of these macros (adapter.dispatch: `duckdb__` keeps the
    DuckDB SQL exactly as it was written before; `postgres__` / `default__` for PostgreSQL).

    regexp_like(value, pattern): true when `pattern` matches somewhere in `value` (DuckDB regexp_matches;
        PostgreSQL's regexp_matches returns the matches as a set, its boolean test is the operator ~).
    rounded_text(value, digits): `value` rounded to `digits` decimals, as text (PostgreSQL rounds numeric
        only: round(double precision, int) does not exist).
    create_portable_functions(): on-run-start (dbt_project.yml): on PostgreSQL before 16, the aggregate
        any_value(x) that DuckDB and PostgreSQL 16+ have built in (the first non-null value of the group;
        both engines promise only "some" value, and the models use it where the group holds one value).
-#}
{% macro regexp_like(value, pattern) -%}
    {{ return(adapter.dispatch('regexp_like')(value, pattern)) }}
{%- endmacro %}

{% macro duckdb__regexp_like(value, pattern) -%}
    regexp_matches({{ value }}, {{ pattern }})
{%- endmacro %}

{% macro default__regexp_like(value, pattern) -%}
    ({{ value }} ~ {{ pattern }})
{%- endmacro %}

{% macro rounded_text(value, digits) -%}
    {{ return(adapter.dispatch('rounded_text')(value, digits)) }}
{%- endmacro %}

{% macro duckdb__rounded_text(value, digits) -%}
    cast(round(cast({{ value }} as double), {{ digits }}) as varchar)
{%- endmacro %}

{% macro default__rounded_text(value, digits) -%}
    cast(round(cast({{ value }} as numeric), {{ digits }}) as varchar)
{%- endmacro %}

{% macro create_portable_functions() -%}
    {{ return(adapter.dispatch('create_portable_functions')()) }}
{%- endmacro %}

{% macro default__create_portable_functions() -%}
    select 1
{%- endmacro %}

{% macro postgres__create_portable_functions() -%}
    do $portable$
    begin
        if current_setting('server_version_num')::int < 160000
           and not exists (select 1 from pg_proc where proname = 'any_value') then
            create function public.any_value_first(anyelement, anyelement) returns anyelement
                language sql immutable strict parallel safe as 'select $1';
            create aggregate public.any_value(anyelement) (sfunc = public.any_value_first, stype = anyelement,
                parallel = safe);
        end if;
    end
    $portable$
{%- endmacro %}

{#- sorted_distinct_list(value): the distinct values of the group as a sorted list (DuckDB
    list_sort(list(distinct …)); PostgreSQL array_agg(distinct … order by …), the same order in a C.UTF-8
    database: by code point). -#}
{% macro sorted_distinct_list(value) -%}
    {{ return(adapter.dispatch('sorted_distinct_list')(value)) }}
{%- endmacro %}

{% macro duckdb__sorted_distinct_list(value) -%}
    list_sort(list(distinct {{ value }}))
{%- endmacro %}

{% macro default__sorted_distinct_list(value) -%}
    array_agg(distinct {{ value }} order by {{ value }})
{%- endmacro %}

{#- arg_max(value, ordering): `value` of the row with the largest non-null `ordering` in the group (DuckDB
    arg_max; PostgreSQL: the first of the values ordered by `ordering`, descending, rows with a NULL ordering
    left out as DuckDB leaves them out). -#}
{% macro arg_max(value, ordering) -%}
    {{ return(adapter.dispatch('arg_max')(value, ordering)) }}
{%- endmacro %}

{% macro duckdb__arg_max(value, ordering) -%}
    arg_max({{ value }}, {{ ordering }})
{%- endmacro %}

{% macro default__arg_max(value, ordering) -%}
    (array_agg({{ value }} order by {{ ordering }} desc) filter (where {{ ordering }} is not null))[1]
{%- endmacro %}

