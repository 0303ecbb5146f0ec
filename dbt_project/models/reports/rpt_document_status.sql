-- 文件状态 every document version in the registry with its status (loaded /
-- registered / quarantined) and, when it did not load, the reason as recorded.
select
    document_id,
    file_name,
    file_format,
    doc_type,
    department,
    fiscal_year,
    status,
    is_current,
    staged_by_run_id,
    error_message                                                   as reason
from {{ ref('dim_document') }}
