-- 模板化复用 templated boilerplate: indicator name + annual target pairs, and
-- performance goal texts (绩效目标), that recur in two or more projects.
-- Texts are compared as published (trimmed), not normalized further.
with indicators as (
    select
        facts.project_key,
        facts.document_id,
        facts.department_key,
        projects.project_name,
        trim(facts.indicator_name)                      as indicator_name,
        trim(facts.annual_target)                       as target_text
    from {{ ref('int_indicator_targets') }} as facts
    inner join {{ ref('int_projects') }} as projects
        on facts.project_key = projects.project_key
    where facts.indicator_name is not null
      and facts.annual_target is not null
),

goals as (
    select
        project_key,
        document_id,
        department_key,
        project_name,
        trim(goal_text)                                 as goal_text
    from {{ ref('int_projects') }}
    where goal_text is not null
      and trim(goal_text) <> ''
),

occurrences as (
    select
        'indicator_target'                              as reuse_kind,
        indicator_name,
        target_text,
        cast(null as {{ dbt.type_string() }})           as goal_text,
        project_key, document_id, department_key, project_name
    from indicators
    union all
    select
        'goal_text',
        cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_string() }}),
        goal_text,
        project_key, document_id, department_key, project_name
    from goals
),

grouped as (
    select
        reuse_kind,
        indicator_name,
        target_text,
        goal_text,
        count(*)                                        as occurrence_count,
        count(distinct project_key)                     as project_count,
        count(distinct document_id)                     as document_count,
        count(distinct department_key)                  as department_count
    from occurrences
    group by reuse_kind, indicator_name, target_text, goal_text
    having count(distinct project_key) >= 2
),

example_names as (
    select distinct reuse_kind, indicator_name, target_text, goal_text, project_name
    from occurrences
),

examples as (
    select
        reuse_kind,
        indicator_name,
        target_text,
        goal_text,
        {{ dbt.listagg('project_name', "' | '", 'order by project_name', 5) }} as example_projects
    from example_names
    group by reuse_kind, indicator_name, target_text, goal_text
)

select
    {{ dbt.hash("grouped.reuse_kind || '|' || coalesce(grouped.indicator_name, '') || '|' || coalesce(grouped.target_text, '') || '|' || coalesce(grouped.goal_text, '')") }}
                                                        as reuse_key,
    grouped.reuse_kind,
    grouped.indicator_name,
    grouped.target_text,
    grouped.goal_text,
    grouped.occurrence_count,
    grouped.project_count,
    grouped.document_count,
    grouped.department_count,
    examples.example_projects
from grouped
inner join examples
    on grouped.reuse_kind = examples.reuse_kind
   and coalesce(grouped.indicator_name, '') = coalesce(examples.indicator_name, '')
   and coalesce(grouped.target_text, '') = coalesce(examples.target_text, '')
   and coalesce(grouped.goal_text, '') = coalesce(examples.goal_text, '')

-- Rows combine documents: refreshed off the drop's path (tag whole_warehouse, reports_refresh_job).
{{ config(tags=["whole_warehouse"]) }}
