-- 绩效自评表 indicators of the current loaded documents, with their evaluation (scope, project, funds) and the
-- document's department and fiscal year: what fct_indicator_outcome publishes and rpt_targets_vs_outcomes matches.
-- The department is the document's (a 自评表 alone: its 部门（单位）名称); the project is the evaluation's 项目名称
-- (NULL for a 部门整体 evaluation).
with outcomes as (
    select * from {{ ref('stg_indicator_outcomes') }}
    where document_id in {{ current_documents() }}
      and document_id in {{ loaded_documents() }}
),

evaluations as (
    select * from {{ ref('stg_evaluation_summaries') }}
),

documents as (
    select * from {{ ref('int_documents') }}
)

select
    outcomes.*,
    evaluations.table_no,
    evaluations.scope,
    evaluations.title                                         as evaluation_title,
    case when evaluations.scope = 'project' then evaluations.project_name end as project_name,
    documents.department,
    {{ department_key('documents.department') }}              as department_key,
    documents.fiscal_year,
    {{ indicator_name_key('outcomes.indicator_name') }}       as indicator_name_key,
    {{ indicator_name_key("case when evaluations.scope = 'project' then evaluations.project_name end") }}
                                                              as project_name_key,
    outcomes.target_value * outcomes.target_scale_factor      as target_value_normalized,
    outcomes.outcome_value * outcomes.outcome_scale_factor    as outcome_value_normalized
from outcomes
inner join evaluations
    on outcomes.evaluation_key = evaluations.evaluation_key
inner join documents
    on outcomes.document_id = documents.document_id
