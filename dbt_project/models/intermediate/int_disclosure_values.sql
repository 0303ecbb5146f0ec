-- One row per amount cell of the standard tables of the current, loaded
-- 部门预算 / 部门决算 disclosures, with its row (code, name, total or item), its
-- table (kind, fund type, title, unit, pages) and its document (department,
-- year, scope, stage). Every disclosure mart and check reads from here.
with amounts as (
    select * from {{ ref('stg_budget_table_amounts') }}
),

table_rows as (
    select * from {{ ref('stg_budget_table_rows') }}
),

tables as (
    select * from {{ ref('int_document_tables') }} where entry_type = 'table'
),

documents as (
    select * from {{ ref('int_documents') }}
    where is_current and is_loaded and doc_type = 'budget_disclosure'
),

disclosures as (
    select * from {{ ref('stg_disclosures') }}
),

-- a class table printed with names only takes the codes of int_class_code_paths when every one of its 类 has
-- one (so the class totals the rules compare are whole); a 款 / 项 whose path no document prints stays uncoded
-- (its sums were proved when the levels were read: parse event outline_from_sums)
name_path_codes as (
    select
        table_rows.document_id, table_rows.table_no, table_rows.row_no, paths.code,
        bool_and(paths.code is not null) filter (where table_rows.outline_level = 1)
            over (partition by table_rows.document_id, table_rows.table_no) as table_resolved
    from table_rows
    inner join tables using (document_id, table_no)
    left join {{ ref('int_class_code_paths') }} as paths
        on paths.name_path = regexp_replace(table_rows.outline_path, '\s', '', 'g')
       and paths.class_family = case when tables.table_kind = 'economic_expenditure' then 'economic' else 'function' end
    where table_rows.code is null and table_rows.outline_path is not null
),

name_paths as (
    select document_id, table_no, row_no, code from name_path_codes where table_resolved
)

select
    amounts.document_id,
    documents.file_name,
    documents.department                                        as department_name,
    documents.fiscal_year,
    disclosures.scope,
    coalesce(tables.stage, disclosures.stage)                   as stage,
    amounts.table_no,
    tables.table_kind,
    tables.fund_type,
    tables.table_key,
    tables.title                                                as table_title,
    -- what part of the expenditure a table covers, from its title: 基本支出 | 项目支出 | all of it (the one place)
    case when tables.title like '%基本支出%' then 'basic' when tables.title like '%项目支出%' then 'project'
         else 'total' end                                       as table_coverage,
    tables.first_page                                           as table_first_page,
    table_rows.row_no,
    table_rows.side_no,
    table_rows.side_label,
    table_rows.row_kind,
    -- the code as printed, else (a class table printed with names only) the code the warehouse's documents print
    -- for the row's name path (int_class_code_paths)
    coalesce(table_rows.code, paths.code)                       as code,
    case when table_rows.code is not null then 'printed'
         when paths.code is not null then 'name_path' end       as code_source,
    coalesce(table_rows.class_code, left(paths.code, 3))        as class_code,
    coalesce(table_rows.section_code, case when length(paths.code) >= 5 then substr(paths.code, 4, 2) end) as section_code,
    coalesce(table_rows.item_code, case when length(paths.code) = 7 then substr(paths.code, 6, 2) end)     as item_code,
    table_rows.outline_level,
    table_rows.outline_path,
    table_rows.cross_codes,
    table_rows.name                                             as row_name,
    table_rows.source_page                                      as row_page,
    table_rows.bbox_x0                                          as row_x0,
    table_rows.bbox_top                                         as row_top,
    table_rows.bbox_x1                                          as row_x1,
    table_rows.bbox_bottom                                      as row_bottom,
    amounts.column_no,
    amounts.column_label,
    amounts.column_role,
    amounts.column_measure,
    amounts.amount_as_printed,
    amounts.unit,
    amounts.amount_yuan,
    amounts.amount_wan,
    amounts.source_page,
    amounts.fund,
    amounts.spending_unit,
    tables.text_source                                          as table_text_source,
    tables.ocr_verified                                         as table_ocr_verified,
    amounts.ocr_confidence
from amounts
inner join documents using (document_id)
inner join disclosures using (document_id)
inner join table_rows
    on table_rows.document_id = amounts.document_id
   and table_rows.table_no = amounts.table_no
   and table_rows.row_no = amounts.row_no
inner join tables
    on tables.document_id = amounts.document_id
   and tables.table_no = amounts.table_no
left join name_paths as paths
    on paths.document_id = amounts.document_id
   and paths.table_no = amounts.table_no
   and paths.row_no = amounts.row_no
