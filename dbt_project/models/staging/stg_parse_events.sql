-- Parser audit log for every document (not filtered to loaded documents: the
-- events of quarantined documents explain why they were quarantined).
with source as (
    select * from {{ source('raw', 'parse_events') }}
)

select
    document_id || ':' || cast(event_no as {{ dbt.type_string() }}) as parse_event_key,
    document_id,
    event_no,
    kind,
    detail,
    source_line,
    source_page
from source
