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
    table_rows.code,
    table_rows.class_code,
    table_rows.section_code,
    table_rows.item_code,
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
