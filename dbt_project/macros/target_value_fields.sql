{#-
    Fields of one normalized target (orchestration/parsing/targets.py:TargetValue),
    in order. Staging has one column per field and period: period_<field> and
    annual_<field>. tests/unit/test_indicator_dbt_contract.py keeps this list
    equal to the dataclass.
-#}
{% macro target_value_fields() -%}
    {{ return([
        'comparator', 'value', 'value_upper', 'unit', 'unit_normalized', 'dimension',
        'scale_factor', 'deadline', 'matched_text', 'is_quantitative', 'qualitative_class',
        'is_vague', 'is_control_figure', 'is_placeholder', 'is_non_answer',
        'is_relative_change', 'has_multiple_values', 'has_extra_text',
    ]) }}
{%- endmacro %}

{#- The target periods, as column prefixes: 实施周期指标值, 年度指标值. -#}
{% macro target_periods() -%}
    {{ return(['period', 'annual']) }}
{%- endmacro %}

{#- All normalized-target column names: period_comparator … annual_has_extra_text
    (or, with periods=['expected_target'], the 预期指标 columns of department indicators). -#}
{% macro target_columns(periods=none) -%}
    {%- set columns = [] -%}
    {%- for period in (periods or target_periods()) -%}
        {%- for field in target_value_fields() -%}
            {%- do columns.append(period ~ '_' ~ field) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}
