{#- 元 ↔ 万元 (1 万元 = 10,000 元): the one place for the conversion, never inline arithmetic.

    yuan_to_wan(column): an amount in 元 as 万元, DECIMAL(18, 6) (keeps every 元 digit: 1 元 = 0.0001 万元).
    wan_to_yuan(column, scale): an amount in 万元 as 元, DECIMAL(22, scale) (default 2: the cent).
    amount_in_yuan(amount, unit) / amount_in_wan(amount, unit): an amount printed in `unit` ('元' or
    '万元') in 元, DECIMAL(20, 2), or in 万元, DECIMAL(20, 6); NULL for any other unit (never guessed). -#}
{% macro yuan_to_wan(column) -%}
    cast({{ column }} / 10000 as decimal(18, 6))
{%- endmacro %}

{% macro wan_to_yuan(column) -%}
    cast({{ column }} * 10000 as decimal(22, 2))
{%- endmacro %}

{% macro amount_in_yuan(amount, unit) -%}
    cast(case {{ unit }} when '元' then {{ amount }} when '万元' then {{ amount }} * 10000 end as decimal(20, 2))
{%- endmacro %}

{% macro amount_in_wan(amount, unit) -%}
    cast(case {{ unit }} when '万元' then {{ amount }} when '元' then {{ amount }} / 10000 end as decimal(20, 6))
{%- endmacro %}
