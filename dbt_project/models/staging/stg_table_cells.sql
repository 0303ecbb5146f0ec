-- 表格单元格 the generic table store: every non-empty cell of a table no reader read (kind
-- unknown, or a kind without a reader), where a merged cell starts, with its page and bbox.
select
    document_id,
    table_no,
    row_no,
    column_no,
    text                                                    as cell_text,
    source_page,
    address,
    bbox_x0,
    bbox_top,
    bbox_x1,
    bbox_bottom
from {{ source('raw', 'table_cells') }}
