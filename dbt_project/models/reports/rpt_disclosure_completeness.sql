-- Completeness of each 部门预算 / 部门决算 disclosure (loaded or registered,
-- current version): one row per document × standard table (seed
-- standard_disclosure_tables), present or missing, with the pages where it was
-- found and what was read. A table found twice is listed with both page ranges.
with documents as (
    select documents.document_id, documents.file_name, documents.department, documents.fiscal_year,
           documents.status, disclosures.scope, disclosures.stage, disclosures.is_template
    from {{ ref('int_documents') }} as documents
    inner join {{ ref('stg_disclosures') }} as disclosures using (document_id)
    where documents.is_current
),

standard as (
    select * from {{ ref('standard_disclosure_tables') }}
),

found as (
    select
        document_id,
        table_key,
        count(*)                                                    as tables_found,
        min(first_page)                                             as first_page,
        max(last_page)                                              as last_page,
        string_agg(first_page || '-' || last_page, ', ' order by first_page) as pages,
        any_value(title)                                            as title,
        any_value(unit)                                             as unit,
        sum(row_count)                                              as row_count,
        sum(amount_count)                                           as amount_count
    from {{ ref('int_document_tables') }}
    where entry_type = 'table'
    group by document_id, table_key
)

select
    documents.document_id,
    documents.file_name,
    documents.department                                            as department_name,
    documents.fiscal_year,
    documents.scope,
    documents.stage,
    documents.status,
    documents.is_template,
    standard.table_key,
    standard.name_zh                                                as standard_table_name,
    standard.sort_order,
    found.table_key is not null                                     as is_present,
    found.title                                                     as title_as_printed,
    found.first_page,
    found.last_page,
    found.pages,
    found.unit                                                      as unit_as_printed,
    coalesce(found.row_count, 0)                                    as row_count,
    coalesce(found.amount_count, 0)                                 as amount_count
from documents
cross join standard
left join found
    on found.document_id = documents.document_id
   and found.table_key = standard.table_key
