-- 绩效自评表 indicators, 1:1 with raw.indicator_outcomes: 年度指标值 (target) and 实际完成值 (outcome) as printed
-- and normalized by the targets' own function (orchestration/parsing/targets.py; outcomes.py adds the target's
-- unit to a bare outcome), 分值 / 得分, and the status of the one rule (orchestration/parsing/outcomes.py).
with source as (
    select * from {{ source('raw', 'indicator_outcomes') }}
)

select
    source.document_id
        || ':' || cast(source.evaluation_no as {{ dbt.type_string() }})
        || ':' || cast(source.indicator_no as {{ dbt.type_string() }})   as indicator_outcome_key,
    source.document_id
        || ':' || cast(source.evaluation_no as {{ dbt.type_string() }})   as evaluation_key,
    source.document_id,
    source.evaluation_no,
    source.indicator_no,
    source.level1_code,
    source.level1_name,
    source.level2_code,
    source.level2_name,
    source.indicator_name,
    source.target_text,
    source.outcome_text,
    source.weight,
    source.score,
    source.deviation_text,
    source.status,
    source.outcome_unit_from_target,
    source.source_page,
    source.bbox_x0,
    source.bbox_top,
    source.bbox_x1,
    source.bbox_bottom,
    {%- for column in target_columns(['target', 'outcome']) %}
    source.{{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
from source
