-- 部门整体绩效目标 profiles of loaded documents, every version; income in 元 as published.
-- The loaded-document filter is applied here (loaded_documents(), macros/document_filters.sql),
-- once, so that staging only renames and casts.
select *
from {{ ref('stg_department_targets') }}
where document_id in {{ loaded_documents() }}
