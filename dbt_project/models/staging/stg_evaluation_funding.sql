-- 绩效自评表 funding rows, 1:1 with raw.evaluation_funding (orchestration/parsing/readers/self_evaluation.py):
-- 合计, 财政资金小计, 当年财政拨款, 上年结转资金, 其他资金 … with 年初预算数, 年中调整, 全年预算数, 全年执行数,
-- 执行率 (%), 结余, 分值, 得分 as printed, in the evaluation's unit (stg_evaluation_summaries.unit).
select
    document_id || ':' || cast(evaluation_no as {{ dbt.type_string() }})   as evaluation_key,
    document_id,
    evaluation_no,
    row_no,
    row_label,
    budget_initial,
    adjustment,
    budget_full,
    executed,
    execution_rate,
    balance,
    balance_rate,
    weight,
    score,
    source_page,
    bbox_x0,
    bbox_top,
    bbox_x1,
    bbox_bottom
from {{ source('raw', 'evaluation_funding') }}
