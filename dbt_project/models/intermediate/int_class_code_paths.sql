-- 科目编码 by name path: which code each 类 / 款 / 项 name path denotes, learnt from the class tables that
-- print codes (功能分类 and 经济分类 tables of every loaded disclosure). A path is the names from the 类
-- down, white space removed (公共安全支出/司法/行政运行 → 2040601). It lets a table printed with names
-- and no codes (浙江's 杭州: the levels are read from its sums, raw.budget_table_rows.outline_path) take
-- the codes the warehouse's own documents print; a path that two codes share is not used (ambiguous).
with tables as (
    select document_id, table_no,
           case when table_kind = 'economic_expenditure' then 'economic' else 'function' end as class_family
    from {{ ref('int_document_tables') }}
    where entry_type = 'table'
      and table_kind in ('function_expenditure', 'expenditure_summary', 'economic_expenditure')
),

documents as (
    select document_id from {{ ref('int_documents') }}
    where is_current and is_loaded and doc_type = 'budget_disclosure'
),

coded as (
    select distinct
        tables.class_family, rows.document_id, rows.table_no, rows.code,
        regexp_replace(rows.name, '\s', '', 'g') as name
    from {{ ref('stg_budget_table_rows') }} as rows
    inner join tables using (document_id, table_no)
    inner join documents using (document_id)
    where rows.code is not null and length(rows.code) in (3, 5, 7) and rows.name is not null
),

paths as (
    select
        child.class_family,
        child.code,
        case length(child.code)
            when 3 then child.name
            when 5 then class_row.name || '/' || child.name
            else class_row.name || '/' || section_row.name || '/' || child.name
        end as name_path,
        child.document_id
    from coded as child
    left join coded as class_row
        on class_row.document_id = child.document_id and class_row.table_no = child.table_no
       and class_row.code = left(child.code, 3)
    left join coded as section_row
        on section_row.document_id = child.document_id and section_row.table_no = child.table_no
       and section_row.code = left(child.code, 5)
)

select
    class_family,
    name_path,
    min(code)                    as code,
    count(distinct document_id)  as document_count
from paths
where name_path is not null
group by class_family, name_path
having count(distinct code) = 1
