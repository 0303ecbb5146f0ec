-- 功能分类支出 spending by function class, counted once: one row per department
-- × fiscal year × stage × function code (类 / 款 / 项), for the function-class
-- charts of the warehouse report and the dashboard (they only select from here).
--
-- fct_function_expenditure cannot be summed as it stands: it has one row per
-- document × fund type × code, where fund type 'all_funds' (支出总表, every
-- source of funds) repeats what the per-fund 功能分类 tables (一般公共预算 /
-- 政府性基金 / 国有资本经营) split, and one department-year can have both a
-- 部门 disclosure (the department with its units) and a 单位 disclosure (the
-- unit alone), in several versions. The rule, per department × fiscal year ×
-- stage (department names compared as normalized_department_name):
--   1. one publication: the current version (current_documents(), as every
--      mart) of the 部门 scope when there is one, else of the 单位 scope;
--   2. amounts from that document's 'all_funds' rows (支出总表) when it has
--      any for the stage (rule 'all_funds'), else the sum over its fund types
--      per code (rule 'sum_of_fund_types'; fund_types lists which).
-- The chosen document is document_id; the publications not used are listed in
-- other_document_ids. function_label uses the name most documents print for
-- the code (dim_function_class) so that one code is one bar across departments.
with facts as (
    select
        *,
        {{ normalized_department_name('department_name') }} as department_match
    from {{ ref('fct_function_expenditure') }}
    where document_id in {{ current_documents() }}
),

publications as (
    select distinct department_match, fiscal_year, stage, document_id, file_name, department_name, scope
    from facts
),

ranked as (
    select
        *,
        row_number() over (
            partition by department_match, fiscal_year, stage
            order by case scope when 'department' then 1 when 'unit' then 2 else 3 end, document_id
        ) as publication_rank,
        count(*) over (partition by department_match, fiscal_year, stage) as publication_count
    from publications
),

chosen as (
    select
        ranked.*,
        (
            select string_agg(other.document_id, ', ' order by other.document_id)
            from ranked as other
            where other.department_match = ranked.department_match
              and other.fiscal_year is not distinct from ranked.fiscal_year
              and other.stage = ranked.stage
              and other.publication_rank > 1
        ) as other_document_ids
    from ranked
    where publication_rank = 1
),

chosen_facts as (
    select
        facts.*,
        chosen.other_document_ids,
        bool_or(facts.fund_type = 'all_funds') over (partition by facts.document_id, facts.stage) as has_all_funds
    from facts
    inner join chosen
        on chosen.document_id = facts.document_id
       and chosen.stage = facts.stage
),

used as (
    select *
    from chosen_facts
    where (has_all_funds and fund_type = 'all_funds')
       or (not has_all_funds and fund_type <> 'all_funds')
),

summed as (
    select
        department_name,
        fiscal_year,
        stage,
        scope,
        document_id,
        file_name,
        other_document_ids,
        case when any_value(has_all_funds) then 'all_funds' else 'sum_of_fund_types' end as amount_rule,
        string_agg(distinct fund_type, ', ' order by fund_type)                        as fund_types,
        function_code,
        function_level,
        class_code,
        section_code,
        item_code,
        min(function_name)                                                              as function_name,
        sum(total_yuan)                                                                 as total_yuan,
        sum(basic_yuan)                                                                 as basic_yuan,
        sum(project_yuan)                                                               as project_yuan,
        sum(total_wan)                                                                  as total_wan,
        sum(basic_wan)                                                                  as basic_wan,
        sum(project_wan)                                                                as project_wan
    from used
    group by department_name, fiscal_year, stage, scope, document_id, file_name, other_document_ids,
             function_code, function_level, class_code, section_code, item_code
)

select
    summed.department_name,
    summed.fiscal_year,
    summed.stage,
    case summed.stage when 'budget' then '预算' when 'final_accounts' then '决算' end as stage_label,
    summed.scope,
    summed.document_id,
    summed.file_name,
    summed.amount_rule,
    summed.fund_types,
    summed.other_document_ids,
    summed.function_code,
    summed.function_level,
    summed.class_code,
    summed.section_code,
    summed.item_code,
    summed.function_name,
    summed.function_code || ' ' || coalesce(classes.function_name, summed.function_name) as function_label,
    summed.total_yuan,
    summed.basic_yuan,
    summed.project_yuan,
    summed.total_wan,
    summed.basic_wan,
    summed.project_wan,
    summed.fiscal_year = max(summed.fiscal_year) over (
        partition by {{ normalized_department_name('summed.department_name') }}, summed.stage
    )                                                                                   as is_latest_year,
    -- both stages (budget, final_accounts) printed for the year: the smallest and the largest stage differ
    -- (no DISTINCT inside a window in PostgreSQL)
    coalesce(min(summed.stage) over (
        partition by {{ normalized_department_name('summed.department_name') }}, summed.fiscal_year
    ) <> max(summed.stage) over (
        partition by {{ normalized_department_name('summed.department_name') }}, summed.fiscal_year
    ), false)                                                                           as has_both_stages
from summed
left join {{ ref('dim_function_class') }} as classes using (function_code)
