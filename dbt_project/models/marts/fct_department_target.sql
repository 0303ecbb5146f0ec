-- One row per indicator of a loaded 部门整体绩效目标: the department-wide
-- ('overall', task_no 0) table and each task's table. expected_value is the
-- raw 预期指标 text; expected_target_* are its normalization by the same function as
-- the project indicators' targets (orchestration/parsing/targets.py).
-- The filler's name and phone are not in any mart. The indicators with their task and their
-- contract check live in int_department_target_rows; a task's table held back is listed in
-- rpt_disclosure_tables_held_back.
-- Incremental by document (macros/incremental_documents.sql): a drop rebuilds its own documents' rows.
-- depends_on: {{ ref('int_documents') }}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='document_id',
          on_schema_change='append_new_columns', pre_hook="{{ drop_documents_not_current() }}",
          post_hook="{{ record_build_watermark() }}") }}
with indicators as (
    select * from {{ ref('int_department_target_rows') }}
    where not is_held_back
    {% if is_incremental() %}
      and document_id in {{ documents_to_rebuild() }}
    {% endif %}
)

select
    indicators.department_indicator_key,
    indicators.task_key,
    indicators.document_id,
    indicators.department_key,
    indicators.fiscal_year,
    indicators.task_no,
    indicators.task_label,
    indicators.seq,
    indicators.level1_name,
    indicators.level2_name,
    indicators.indicator_name,
    indicators.explanation,
    indicators.formula,
    indicators.expected_value,
    indicators.calculation_unit,
    indicators.level1_carried,
    indicators.level2_carried,
    {{ list_length("indicators.repairs") }} > 0                as is_repaired,
    indicators.source_line,
    indicators.source_page,
    indicators.weight,
    indicators.direction,
    indicators.standard,
    indicators.level1_code,
    indicators.level2_code,
    indicators.period_value,
    -- 预期指标 normalized (same function as project targets)
    {%- for column in target_columns(['expected_target']) %}
    indicators.{{ column }},
    {%- endfor %}
    indicators.expected_target_value * indicators.expected_target_scale_factor as expected_target_value_normalized
from indicators
