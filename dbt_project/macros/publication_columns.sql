{#- The columns that name a disclosure's publication on every disclosure fact: the document,
    its file, department (编制部门), scope (部门 / 单位), fiscal year and stage (预算 / 决算).
    One list, so the facts cannot drift apart. -#}
{% macro publication_columns() -%}
    document_id,
    file_name,
    department_name,
    scope,
    fiscal_year,
    stage
{%- endmacro %}
