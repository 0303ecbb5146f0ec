-- Document registry, complete: loaded, registered and quarantined documents
-- all stay here (mart_document_summary reports on every one of them).
with source as (
    select * from {{ source('staging', 'documents') }}
)

select
    document_id,
    file_name,
    source_path,
    format                                  as file_format,
    layout,
    doc_type,
    title,
    department,
    cast(fiscal_year as integer)            as fiscal_year,
    page_count,
    byte_size,
    parser_version,
    status,
    status = 'loaded'                       as is_loaded,
    error                                   as error_message,
    ingested_at
from source
