-- 部门整体绩效目标 tasks (任务N) of loaded documents, every version.
-- The loaded-document filter is applied here (loaded_documents(), macros/document_filters.sql),
-- once, so that staging only renames and casts.
select *
from {{ ref('stg_department_tasks') }}
where document_id in {{ loaded_documents() }}
