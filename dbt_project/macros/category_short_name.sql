{#- An indicator category name without its 指标 suffix: documents often drop it (经济效益 for
    经济效益指标), so names are compared on this form (dim_indicator_category, the taxonomy
    check of int_indicator_targets). -#}
{% macro category_short_name(column) -%}
    replace({{ column }}, '指标', '')
{%- endmacro %}
