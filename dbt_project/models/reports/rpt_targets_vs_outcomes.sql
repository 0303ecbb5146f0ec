-- Promise against outcome: each 绩效自评表 indicator (fct_indicator_outcome) beside the target the department
-- published for the same fiscal year (fct_indicator_target for a project, fct_department_target for a 部门整体
-- evaluation), matched by department, fiscal year, project (normalized name) and normalized indicator name
-- (macro indicator_name_key). Unmatched on both sides is reported, not dropped: match_status
--   matched                  the outcome and a published target of the same name;
--   outcome_without_target   a self-evaluated indicator no published target names (another name, or the
--                            targets of that department and year are not in the warehouse: targets_loaded says which);
--   target_without_outcome   a published target of an evaluated department-year (部门整体) or evaluated project
--                            that no self-evaluation indicator names.
with outcomes as (
    select * from {{ ref('fct_indicator_outcome') }}
),

project_targets as (
    select
        'project'                                                   as scope,
        targets.department_key,
        targets.fiscal_year,
        projects.project_name,
        {{ indicator_name_key('projects.project_name') }}           as project_name_key,
        targets.indicator_key                                       as target_key,
        targets.document_id                                         as target_document_id,
        targets.indicator_name                                      as target_indicator_name,
        {{ indicator_name_key('targets.indicator_name') }}          as indicator_name_key,
        targets.annual_target                                       as published_target_text,
        targets.annual_comparator                                   as published_comparator,
        targets.annual_value_normalized                             as published_value_normalized,
        targets.annual_unit_normalized                              as published_unit_normalized,
        printed.source_page                                         as target_source_page
    from {{ ref('fct_indicator_target') }} as targets
    inner join {{ ref('dim_project') }} as projects
        on targets.project_key = projects.project_key
    left join {{ ref('stg_performance_indicators') }} as printed
        on printed.document_id = targets.document_id
       and printed.line_no = targets.line_no
       and printed.seq = targets.seq
),

department_targets as (
    select
        'department'                                                as scope,
        department_key,
        fiscal_year,
        cast(null as varchar)                                       as project_name,
        cast(null as varchar)                                       as project_name_key,
        department_indicator_key                                    as target_key,
        document_id                                                 as target_document_id,
        indicator_name                                              as target_indicator_name,
        {{ indicator_name_key('indicator_name') }}                  as indicator_name_key,
        expected_value                                              as published_target_text,
        expected_target_comparator                                  as published_comparator,
        expected_target_value_normalized                            as published_value_normalized,
        expected_target_unit_normalized                             as published_unit_normalized,
        source_page                                                 as target_source_page
    from {{ ref('fct_department_target') }}
),

targets as (
    select * from project_targets
    union all
    select * from department_targets
),

-- one published target per name (the first by key when a name is printed twice: the others are not lost, they
-- are the same promise)
targets_named as (
    select *
    from (
        select *, row_number() over (
            partition by scope, department_key, fiscal_year, coalesce(project_name_key, ''), indicator_name_key
            order by target_key
        ) as name_rank
        from targets
    ) as ranked
    where name_rank = 1
),

evaluated as (
    -- the department-years and projects that have a self-evaluation: their targets are expected to be evaluated
    select distinct scope, department_key, fiscal_year, project_name_key
    from outcomes
),

targets_loaded as (
    select distinct scope, department_key, fiscal_year, coalesce(project_name_key, '') as project_name_key
    from targets
),

outcome_rows as (
    select
        outcomes.department,
        outcomes.department_key,
        outcomes.fiscal_year,
        outcomes.scope,
        outcomes.project_name,
        outcomes.indicator_name,
        outcomes.indicator_name_key,
        case when targets_named.target_key is not null then 'matched' else 'outcome_without_target' end as match_status,
        targets_loaded.scope is not null                            as targets_loaded,
        outcomes.indicator_outcome_key,
        outcomes.document_id                                        as outcome_document_id,
        outcomes.source_page                                        as outcome_source_page,
        outcomes.target_text                                        as evaluated_target_text,
        outcomes.outcome_text,
        outcomes.weight,
        outcomes.score,
        outcomes.status,
        targets_named.target_key,
        targets_named.target_document_id,
        targets_named.target_source_page,
        targets_named.published_target_text,
        targets_named.published_comparator,
        targets_named.published_value_normalized,
        targets_named.published_unit_normalized
    from outcomes
    left join targets_named
        on targets_named.scope = outcomes.scope
       and targets_named.department_key = outcomes.department_key
       and targets_named.fiscal_year = outcomes.fiscal_year
       and coalesce(targets_named.project_name_key, '') = coalesce(outcomes.project_name_key, '')
       and targets_named.indicator_name_key = outcomes.indicator_name_key
    left join targets_loaded
        on targets_loaded.scope = outcomes.scope
       and targets_loaded.department_key = outcomes.department_key
       and targets_loaded.fiscal_year = outcomes.fiscal_year
       and targets_loaded.project_name_key = coalesce(outcomes.project_name_key, '')
),

target_rows as (
    select
        documents.department,
        targets_named.department_key,
        targets_named.fiscal_year,
        targets_named.scope,
        targets_named.project_name,
        targets_named.target_indicator_name                         as indicator_name,
        targets_named.indicator_name_key,
        'target_without_outcome'                                    as match_status,
        true                                                        as targets_loaded,
        cast(null as varchar)                                       as indicator_outcome_key,
        cast(null as varchar)                                       as outcome_document_id,
        cast(null as integer)                                       as outcome_source_page,
        cast(null as varchar)                                       as evaluated_target_text,
        cast(null as varchar)                                       as outcome_text,
        cast(null as decimal(18, 6))                                as weight,
        cast(null as decimal(18, 6))                                as score,
        cast(null as varchar)                                       as status,
        targets_named.target_key,
        targets_named.target_document_id,
        targets_named.target_source_page,
        targets_named.published_target_text,
        targets_named.published_comparator,
        targets_named.published_value_normalized,
        targets_named.published_unit_normalized
    from targets_named
    inner join evaluated
        on evaluated.scope = targets_named.scope
       and evaluated.department_key = targets_named.department_key
       and evaluated.fiscal_year = targets_named.fiscal_year
       and coalesce(evaluated.project_name_key, '') = coalesce(targets_named.project_name_key, '')
    inner join {{ ref('dim_document') }} as documents
        on documents.document_id = targets_named.target_document_id
    where not exists (
        select 1 from outcomes
        where outcomes.scope = targets_named.scope
          and outcomes.department_key = targets_named.department_key
          and outcomes.fiscal_year = targets_named.fiscal_year
          and coalesce(outcomes.project_name_key, '') = coalesce(targets_named.project_name_key, '')
          and outcomes.indicator_name_key = targets_named.indicator_name_key
    )
)

select * from outcome_rows
union all
select * from target_rows

-- Rows combine documents: refreshed off the drop's path (tag whole_warehouse, reports_refresh_job).
{{ config(tags=["whole_warehouse"]) }}
