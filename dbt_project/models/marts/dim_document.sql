-- Every document ever received, with its version history: which version of
-- (doc_type, department, fiscal_year) it is, whether it is current, and which
-- document superseded it (ranked in int_documents). Superseded versions keep their
-- rows in the raw tables, so their history stays queryable; only current
-- versions feed the other marts.
select
    document_id,
    file_name,
    file_format,
    doc_type,
    status,
    department,
    fiscal_year,
    page_count,
    byte_size,
    version_no,
    version_count,
    is_current,
    superseded_by_document_id,
    disclosure_scope,
    disclosure_stage,
    counts_in_department_totals,
    first_seen_at,
    ingested_at,
    staged_by_run_id,
    error_message
from {{ ref('int_documents') }}
