-- 绩效指标 of every document, 1:1 with raw.performance_indicators; int_performance_indicators
-- keeps loaded documents (every version; marts keep current versions only).
with source as (
    select * from {{ source('raw', 'performance_indicators') }}
)

select
    source.document_id
        || ':' || cast(source.line_no as {{ dbt.type_string() }})
        || ':' || cast(source.seq as {{ dbt.type_string() }})    as indicator_key,
    source.document_id
        || ':' || cast(source.line_no as {{ dbt.type_string() }}) as budget_line_key,
    source.document_id,
    source.line_no,
    source.seq,
    source.seq_as_written,
    source.level1_code,
    source.level1_name,
    source.level2_code,
    source.level2_name,
    source.indicator_name,
    source.period_target,
    source.annual_target,
    source.renumbered,
    source.raw_text,
    source.source_line,
    source.source_page,
    source.bbox_x0,
    source.bbox_top,
    source.bbox_x1,
    source.bbox_bottom,
    -- national grid templates (issue 14); rows written before it are the Guangzhou cell template
    coalesce(source.template, 'guangzhou_cell')                as template,
    source.operator,
    source.measure_unit,
    source.weight,
    source.direction,
    source.standard,
    source.source_address,
    -- normalized targets, period_* and annual_* (parse time: orchestration/parsing/targets.py)
    {%- for column in target_columns() %}
    source.{{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
from source
