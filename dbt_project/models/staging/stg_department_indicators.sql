-- 部门整体绩效指标 rows of every document (task_no 0 = overall); int_department_indicators keeps loaded documents.
with source as (
    select * from {{ source('raw', 'department_indicators') }}
)

select
    source.document_id
        || ':' || cast(source.task_no as {{ dbt.type_string() }})
        || ':' || cast(source.seq as {{ dbt.type_string() }})            as department_indicator_key,
    source.document_id
        || ':' || cast(source.task_no as {{ dbt.type_string() }})        as task_key,
    source.document_id,
    source.task_no,
    source.seq,
    source.level1_name,
    source.level2_name,
    source.indicator_name,
    source.explanation,
    source.formula,
    source.expected_value,
    source.calculation_unit,
    source.level1_carried,
    source.level2_carried,
    source.repairs,
    source.raw_row,
    source.source_line,
    source.source_page,
    -- the national grid's 权重 / 指标方向性 / 绩效标准 (NULL for the other department forms)
    source.weight,
    source.direction,
    source.standard,
    -- taxonomy codes of the printed categories (the 二级 decides the 一级) and the 实施周期指标值
    source.level1_code,
    source.level2_code,
    source.period_value,
    -- 预期指标 normalized at parse time by the same function as project targets
    -- (orchestration/parsing/targets.py), columns expected_target_*
    {%- for column in target_columns(['expected_target']) %}
    source.{{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
from source
