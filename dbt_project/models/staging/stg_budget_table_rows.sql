-- Body rows of the standard tables of every disclosure, 1:1 with raw.budget_table_rows.
select
    document_id,
    table_no,
    row_no,
    side_no,
    side_label,
    row_kind,
    code,
    class_code,
    section_code,
    item_code,
    name,
    source_page,
    bbox_x0,
    bbox_top,
    bbox_x1,
    bbox_bottom,
    outline_level,
    outline_path,
    cross_codes
from {{ source('raw', 'budget_table_rows') }}
