-- 表目录 what each document contains: one row per table and narrative page
-- found (current versions, loaded or registered), read or not, with its kind,
-- title and unit as printed and its pages. The run summary prints it per file.
select
    tables.document_id,
    documents.file_name,
    tables.entry_no,
    tables.entry_type,
    tables.table_kind,
    tables.fund_type,
    tables.table_key,
    tables.title,
    tables.stage,
    tables.unit                                         as unit_as_printed,
    tables.first_page,
    tables.last_page,
    tables.row_count,
    tables.amount_count,
    tables.column_labels,
    tables.is_read,
    tables.table_no
from {{ ref('int_document_tables') }} as tables
inner join {{ ref('int_documents') }} as documents using (document_id)
