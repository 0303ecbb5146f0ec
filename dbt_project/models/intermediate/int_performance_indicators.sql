-- 绩效指标 performance indicators of loaded documents, every version (marts keep current versions only).
-- The loaded-document filter is applied here (loaded_documents(), macros/document_filters.sql),
-- once, so that staging only renames and casts.
select *
from {{ ref('stg_performance_indicators') }}
where document_id in {{ loaded_documents() }}
