-- Document registry, complete: loaded, registered and quarantined documents
-- all stay here (mart_document_summary reports on every one of them).
with documents as (
    select * from {{ source('staging', 'documents') }}
),

source as (
    -- A 部门预算, its 单位预算 and its 部门决算 are three publications of one
    -- department and year: the disclosure's scope and stage are part of what a
    -- corrected re-publication must match (publication_kind).
    select
        documents.*,
        documents.doc_type
            || coalesce('|' || disclosures.scope || '|' || coalesce(disclosures.stage, ''), '') as publication_kind
    from documents
    left join {{ source('staging', 'disclosures') }} as disclosures using (document_id)
)

select
    document_id,
    file_name,
    source_path,
    format                                  as file_format,
    layout,
    doc_type,
    publication_kind,
    title,
    department,
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
    -- Versions: a corrected re-publication (same doc type, department and
    -- fiscal year, different bytes) supersedes the earlier one. Rank 1 is the
    -- latest arrival (first_seen_at survives re-runs of old bytes);
    -- quarantined files are no version of anything.
    case when status <> 'quarantined' then
        row_number() over (
            partition by status <> 'quarantined', publication_kind, department, coalesce(fiscal_year, -1)
            order by first_seen_at desc, document_id
        )
    end                                     as version_rank,
    case when status <> 'quarantined' then
        count(*) over (
            partition by status <> 'quarantined', publication_kind, department, coalesce(fiscal_year, -1)
        )
    end                                     as version_count,
    coalesce(
        status <> 'quarantined'
        and row_number() over (
            partition by status <> 'quarantined', publication_kind, department, coalesce(fiscal_year, -1)
            order by first_seen_at desc, document_id
        ) = 1,
        false
    )                                       as is_current
from source
