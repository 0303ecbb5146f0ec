-- Every document ever received, with its version history: which version of
-- (doc_type, department, fiscal_year) it is, whether it is current, and which
-- document superseded it. Superseded versions keep their rows in the staging
-- tables, so their history stays queryable; only current versions feed the
-- other marts.
with documents as (
    select * from {{ ref('stg_documents') }}
),

versions as (
    select
        documents.*,
        version_count - version_rank + 1 as version_no
    from documents
)

select
    versions.document_id,
    versions.file_name,
    versions.file_format,
    versions.doc_type,
    versions.status,
    versions.department,
    versions.fiscal_year,
    versions.page_count,
    versions.byte_size,
    versions.version_no,
    versions.version_count,
    coalesce(versions.version_rank = 1, false)  as is_current,
    newer.document_id                           as superseded_by_document_id,
    versions.first_seen_at,
    versions.ingested_at,
    versions.error_message
from versions
left join versions as newer
    on versions.version_rank is not null
   and newer.version_rank = versions.version_rank - 1
   and newer.publication_kind = versions.publication_kind
   and newer.department = versions.department
   and coalesce(newer.fiscal_year, -1) = coalesce(versions.fiscal_year, -1)
