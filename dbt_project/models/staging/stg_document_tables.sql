-- Table inventory of every document: tables and narrative pages, in page order
-- (int_document_tables keeps the documents that were not quarantined).
select
    document_id,
    entry_no,
    entry_type,
    kind                                                    as table_kind,
    fund_type,
    case when fund_type is null then kind else kind || ':' || fund_type end as table_key,
    title,
    stage,
    unit,
    first_page,
    last_page,
    row_count,
    amount_count,
    column_labels,
    read                                                    as is_read,
    table_no,
    bbox_x0,
    bbox_top,
    bbox_x1,
    bbox_bottom,
    text_source,                                            -- text_layer | ocr (issue 28)
    ocr_verified
from {{ source('raw', 'document_tables') }}
