-- One row per 绩效指标 performance indicator of a loaded document.
-- project_key is NULL when the indicator's line_no is not a project line
-- (e.g. a department_targets document, which has no budget lines yet).
with indicators as (
    select * from {{ ref('stg_performance_indicators') }}
),

projects as (
    select project_key, department_key, spending_unit_key
    from {{ ref('int_projects') }}
),

documents as (
    select document_id, department, fiscal_year
    from {{ ref('stg_documents') }}
)

select
    indicators.indicator_key,
    projects.project_key,
    indicators.document_id,
    {{ department_key('documents.department') }} as department_key,
    projects.spending_unit_key,
    documents.fiscal_year,
    indicators.line_no,
    indicators.seq,
    indicators.seq_as_written,
    indicators.level1_code,
    indicators.level1_name,
    indicators.level2_code,
    indicators.level2_name,
    indicators.indicator_name,
    indicators.period_target,
    indicators.annual_target,
    indicators.renumbered
from indicators
inner join documents
    on indicators.document_id = documents.document_id
left join projects
    on indicators.budget_line_key = projects.project_key
