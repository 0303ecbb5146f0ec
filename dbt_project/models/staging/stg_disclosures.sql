-- 部门预算 / 部门决算 disclosures (loaded or registered): scope, stage, template flag.
select
    document_id,
    scope,
    stage,
    is_template
from {{ source('raw', 'disclosures') }}
