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
        disclosures.scope                       as disclosure_scope,
        disclosures.stage                       as disclosure_stage,
        documents.doc_type
            || coalesce('|' || disclosures.scope || '|' || coalesce(disclosures.stage, ''), '')
            -- a 绩效自评表 alone (stage self_evaluation) is one publication per title: 部门整体, or one project's
            || case when disclosures.stage = 'self_evaluation' then '|' || coalesce(documents.title, '') else '' end
                                                as publication_kind
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
),

versioned as (
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
)

-- A department's 部门预算 (the department with its units) and its 单位预算 (one unit) are two
-- publications of one department × year × stage; summing both counts the unit twice. The
-- publication of record is the current 部门 disclosure when there is one, else the 单位 one:
-- counts_in_department_totals (NULL for other document kinds and superseded versions).
select
    versioned.*,
    case when versioned.doc_type = 'budget_disclosure' and versioned.is_current then
        row_number() over (
            partition by versioned.doc_type = 'budget_disclosure' and versioned.is_current,
                         {{ normalized_department_name('versioned.department') }},
                         coalesce(versioned.fiscal_year, -1), coalesce(versioned.disclosure_stage, '')
            order by case versioned.disclosure_scope when 'department' then 1 when 'unit' then 2 else 3 end,
                     versioned.document_id
        ) = 1
    end                                             as counts_in_department_totals
from versioned
