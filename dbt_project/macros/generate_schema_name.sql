{#-
    Schema of a model, by target (profiles.yml):

    - target `prod` (the default: every run of the pipeline, `make run`, Dagster, the tests):
      custom schemas as written - staging models in `stg`, intermediate in `intermediate`,
      marts and reports in `marts` (BI tools, serving.duckdb and the Python readers read marts.*);
      models without a custom schema (the seeds) in the target schema `main`.
    - any other target (`dbt build --target dev`): dbt's default `<target.schema>_<custom schema>`,
      e.g. `dev_alice_marts`, so a developer's build on a shared warehouse never overwrites prod's.

    The targets that write the plain names are the project variable `plain_schema_targets`
    (dbt_project.yml), default ['prod'].
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif target.name in var('plain_schema_targets', ['prod']) -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
