-- 勾稽差异 every parent line whose amount differs from the sum of its children
-- (projects → unit, units → 合计), with the page (PDF) or line (text extract)
-- where the parent is printed, so a reader can open the source at that spot.
select
    recon.document_id,
    documents.file_name,
    documents.is_current,
    lines.department,
    lines.fiscal_year,
    recon.parent_line_no,
    case when recon.parent_line_type = 'department_total' then '合计'
         else coalesce(recon.spending_unit, '(未注明单位)') end          as parent_label,
    recon.children_line_type,
    recon.amount_column,
    recon.parent_amount,
    recon.children_sum,
    recon.difference,
    lines.source_page,
    lines.source_line,
    -- 证据 the image of the parent line's row (PDF) or the lines around it (text), rendered by the evidence_images
    -- asset (macros/evidence.sql)
    {{ evidence_path('recon.document_id', 'lines.source_page', 'boxes.bbox_x0', 'boxes.bbox_top', 'boxes.bbox_x1',
                     'boxes.bbox_bottom', line='lines.source_line') }} as evidence_path
from {{ ref('int_budget_reconciliation') }} as recon
inner join {{ ref('int_budget_lines') }} as lines
    on recon.document_id = lines.document_id
   and recon.parent_line_no = lines.line_no
left join {{ ref('stg_budget_lines') }} as boxes
    on recon.document_id = boxes.document_id
   and recon.parent_line_no = boxes.line_no
inner join {{ ref('dim_document') }} as documents
    on recon.document_id = documents.document_id
where not recon.is_reconciled
