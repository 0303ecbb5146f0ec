-- Targets against the budget, across documents (issue 27 §2): every project of a 项目支出绩效目标表 against
-- the same project in the 项目支出表 of the department's 部门预算 of the same fiscal year, and the targets
-- table's 合计 against the bundle's 项目支出 total; both documents' files and pages on every row.
--
-- targets side: the project lines (万元) of every current loaded document with a 项目支出绩效目标表 — a
--   standalone one (doc_type project_targets) or one printed inside the bundle (深圳, 北京: the bundle is
--   then both sides, and the row compares two of its tables);
-- bundle side: the current 部门预算 (stage budget) of the same department (department_key) and fiscal
--   year; its project rows are the 项目支出表's item rows with an amount (the first 合计 column, 万元), the
--   row named as the department excepted; its 项目支出 total is the table's 合计 row, else the row named as
--   the department (深圳 项目支出总表), else the 项目支出 column of the 支出总表's 合计 row;
-- projects are matched by project_match_name within the pair of documents.
-- status: equal | differs | targets_only (a project the budget's table does not list) | bundle_only.
with documents as (
    select document_id, file_name, doc_type, department, fiscal_year,
           {{ department_key('department') }}                      as department_key
    from {{ ref('int_documents') }}
    where is_current and status = 'loaded'
),

target_lines as (
    select documents.department_key, documents.department, documents.fiscal_year,
           lines.document_id, documents.file_name, lines.line_type, lines.project_name,
           lines.amount_total                                      as amount_wan,
           lines.source_page
    from {{ ref('int_budget_lines') }} as lines
    inner join documents using (document_id)
    where lines.line_type in ('project', 'department_total')
),

bundles as (
    select * from documents where doc_type = 'budget_disclosure'
),

bundle_cells as (
    select values.*, bundles.department_key,
           row_number() over (partition by values.document_id, values.table_no, values.row_no
                              order by values.column_no)          as column_rank
    from {{ ref('int_disclosure_values') }} as values
    inner join bundles using (document_id)
    where values.stage = 'budget'
      and ((values.table_kind = 'project_expenditure' and values.column_role = 'total')
           or (values.table_kind = 'expenditure_summary' and values.column_role = 'project' and values.row_kind = 'total'))
),

bundle_projects as (
    select department_key, fiscal_year, document_id, file_name, project_name, amount_wan, source_page
    from (
        select department_key, fiscal_year, document_id, file_name, row_name as project_name,
               amount_wan, row_page as source_page,
               row_number() over (partition by document_id, {{ project_match_name('row_name') }}
                                  order by row_page, row_no) as project_rank
        from bundle_cells
        where table_kind = 'project_expenditure' and column_rank = 1 and row_kind <> 'total'
          and {{ normalized_department_name('row_name') }} <> {{ normalized_department_name('department_name') }}
    ) as ranked
    where project_rank = 1
),

bundle_totals as (
    select department_key, fiscal_year, document_id, file_name, amount_wan, source_page, bundle_label
    from (
        select department_key, fiscal_year, document_id, file_name, amount_wan, row_page as source_page,
               case when table_kind = 'expenditure_summary' then '支出总表 合计/项目支出'
                    when row_kind = 'total' then '项目支出表 合计'
                    else '项目支出表 ' || row_name end                as bundle_label,
               row_number() over (
                   partition by document_id
                   order by case when table_kind = 'project_expenditure' and row_kind = 'total' then 1
                                 when table_kind = 'project_expenditure' then 2 else 3 end, row_page, row_no
               ) as total_rank
        from bundle_cells
        where (table_kind = 'project_expenditure' and column_rank = 1
               and (row_kind = 'total'
                    or {{ normalized_department_name('row_name') }} = {{ normalized_department_name('department_name') }}))
           or (table_kind = 'expenditure_summary' and column_role = 'project' and row_kind = 'total')
    ) as ranked
    where total_rank = 1
),

pairs as (
    select distinct target_lines.department_key, target_lines.department, target_lines.fiscal_year,
           target_lines.document_id as targets_document_id, target_lines.file_name as targets_file_name,
           bundles.document_id as bundle_document_id, bundles.file_name as bundle_file_name
    from target_lines
    inner join bundles
        on bundles.department_key = target_lines.department_key
       and bundles.fiscal_year is not distinct from target_lines.fiscal_year
    where bundles.document_id in (select document_id from bundle_cells)
),

target_projects as (
    select pairs.*, target_lines.project_name, target_lines.amount_wan, target_lines.source_page
    from pairs inner join target_lines
        on target_lines.document_id = pairs.targets_document_id and target_lines.line_type = 'project'
),

budget_projects as (
    select pairs.*, bundle_projects.project_name, bundle_projects.amount_wan, bundle_projects.source_page
    from pairs inner join bundle_projects on bundle_projects.document_id = pairs.bundle_document_id
),

projects as (
    select
        coalesce(t.department, b.department)                     as department,
        coalesce(t.fiscal_year, b.fiscal_year)                   as fiscal_year,
        'project'                                                as comparison,
        coalesce(t.project_name, b.project_name)                 as project_name,
        coalesce(t.targets_file_name, b.targets_file_name)       as targets_file_name,
        t.source_page                                            as targets_page,
        t.amount_wan                                             as targets_amount_wan,
        coalesce(t.bundle_file_name, b.bundle_file_name)         as bundle_file_name,
        b.source_page                                            as bundle_page,
        b.amount_wan                                             as bundle_amount_wan,
        null::varchar                                            as bundle_label
    from target_projects as t
    full outer join budget_projects as b
        on b.targets_document_id = t.targets_document_id
       and b.bundle_document_id = t.bundle_document_id
       and {{ project_match_name('b.project_name') }} = {{ project_match_name('t.project_name') }}
),

totals as (
    select
        pairs.department, pairs.fiscal_year, 'total' as comparison, '合计' as project_name,
        pairs.targets_file_name, t.source_page as targets_page, t.amount_wan as targets_amount_wan,
        pairs.bundle_file_name, bundle_totals.source_page as bundle_page, bundle_totals.amount_wan as bundle_amount_wan,
        bundle_totals.bundle_label
    from pairs
    left join target_lines as t
        on t.document_id = pairs.targets_document_id and t.line_type = 'department_total'
    left join bundle_totals on bundle_totals.document_id = pairs.bundle_document_id
)

select
    *,
    targets_amount_wan - bundle_amount_wan                       as difference_wan,
    case when bundle_amount_wan is null then 'targets_only'
         when targets_amount_wan is null then 'bundle_only'
         when targets_amount_wan = bundle_amount_wan then 'equal'
         else 'differs' end                                      as status
from (select * from totals union all select * from projects) as compared  -- the same columns in the same order

-- Rows combine documents: refreshed off the drop's path (tag whole_warehouse, reports_refresh_job).
{{ config(tags=["whole_warehouse"]) }}
