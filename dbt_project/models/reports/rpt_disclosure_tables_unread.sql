-- 未读取的表 the review list of tables no reader read (issue 26): one row per table of a current,
-- loaded or registered document whose kind is unknown or has no reader, with its title and pages,
-- its size and its first row as printed (from the generic table store, stg_table_cells), so a
-- person sees what the document holds that the warehouse does not model yet — "not analysed" is
-- never mistaken for "nothing there".
with unread as (
    select tables.*, documents.file_name, documents.department as department_name, documents.fiscal_year
    from {{ ref('int_document_tables') }} as tables
    inner join {{ ref('int_documents') }} as documents using (document_id)
    where tables.entry_type = 'table' and not tables.is_read
      and tables.document_id in {{ current_documents() }}
),

cells as (
    select
        document_id,
        table_no,
        count(*)                                                            as cells,
        count(distinct row_no)                                              as grid_rows,
        max(column_no)                                                      as grid_columns,
        string_agg(cell_text, ' | ' order by column_no) filter (where row_no = 1) as first_row
    from {{ ref('stg_table_cells') }}
    group by document_id, table_no
)

select
    unread.document_id,
    unread.file_name,
    unread.department_name,
    unread.fiscal_year,
    unread.table_no,
    unread.table_kind,
    unread.title                                                            as table_title,
    unread.first_page,
    unread.last_page,
    case when unread.table_kind = 'unknown' then 'kind_unknown' else 'no_reader_for_kind' end as reason,
    coalesce(cells.cells, 0)                                                as cells,
    cells.grid_rows,
    cells.grid_columns,
    cells.first_row,
    unread.bbox_x0,
    unread.bbox_top,
    unread.bbox_x1,
    unread.bbox_bottom,
    -- 证据 the table on its first page, outlined (its title looked for where no bbox is known; macros/evidence.sql)
    {{ evidence_path('unread.document_id', 'unread.first_page', 'unread.bbox_x0', 'unread.bbox_top', 'unread.bbox_x1',
                     'unread.bbox_bottom', needle='unread.title') }} as evidence_path
from unread
left join cells using (document_id, table_no)
