-- Every document of the registry with its place among the versions of its publication.
-- The one place where versions are ranked: a corrected re-publication (same publication
-- kind, department and fiscal year, different bytes) supersedes the earlier one. Rank 1
-- is the latest arrival (first_seen_at survives re-runs of old bytes); quarantined files
-- are no version of anything. Only current versions feed the marts (current_documents()).
with documents as (
    select * from {{ ref('stg_documents') }}
),

disclosures as (
    select * from {{ ref('stg_disclosures') }}
),

publications as (
    -- A 部门预算, its 单位预算 and its 部门决算 are three publications of one
    -- department and year: the disclosure's scope and stage are part of what a
    -- corrected re-publication must match (publication_kind).
    select
        documents.*,
        documents.doc_type
            || coalesce('|' || disclosures.scope || '|' || coalesce(disclosures.stage, ''), '') as publication_kind
    from documents
    left join disclosures
        on documents.document_id = disclosures.document_id
),

ranked as (
    select
        publications.*,
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
        end                                     as version_count
    from publications
)

select
    ranked.*,
    ranked.version_count - ranked.version_rank + 1  as version_no,
    coalesce(ranked.version_rank = 1, false)        as is_current,
    newer.document_id                               as superseded_by_document_id
from ranked
left join ranked as newer
    on ranked.version_rank is not null
   and newer.version_rank = ranked.version_rank - 1
   and newer.publication_kind = ranked.publication_kind
   and newer.department = ranked.department
   and coalesce(newer.fiscal_year, -1) = coalesce(ranked.fiscal_year, -1)
