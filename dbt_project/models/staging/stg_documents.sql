-- Document registry, 1:1 with raw.documents and complete: loaded, registered and
-- quarantined documents all stay here (rpt_document_summary reports on every one of them).
-- Renames and casts only (and the label of an unnamed department, macro department_or_unknown);
-- versions are int_documents.
with source as (
    select * from {{ source('raw', 'documents') }}
)

select
    document_id,
    file_name,
    source_path,
    format                                  as file_format,
    layout,
    doc_type,
    title,
    {{ department_or_unknown('department', 'file_name') }} as department,
    department is null                      as is_department_unknown,
    cast(fiscal_year as integer)            as fiscal_year,
    fiscal_year_source,
    page_count,
    byte_size,
    parser_version,
    status,
    status = 'loaded'                       as is_loaded,
    error                                   as error_message,
    ingested_at,
    first_seen_at,
    run_id                                  as staged_by_run_id
from source
