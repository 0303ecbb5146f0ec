{#- 元 → 万元 for amounts stored in 元 (the department-wide form's amounts): one place for the
    conversion, never inline arithmetic. DECIMAL(18, 6) keeps every 元 digit (1 元 = 0.0001 万元). -#}
{% macro yuan_to_wan(column) -%}
    cast({{ column }} / 10000 as decimal(18, 6))
{%- endmacro %}
