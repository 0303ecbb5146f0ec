-- 部门整体绩效指标 rows of loaded documents, every version (task_no 0 = overall).
-- The loaded-document filter is applied here (loaded_documents(), macros/document_filters.sql),
-- once, so that staging only renames and casts.
select *
from {{ ref('stg_department_indicators') }}
where document_id in {{ loaded_documents() }}
