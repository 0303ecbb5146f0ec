-- 勾稽差异 every parent line whose amount differs from the sum of its children
-- (projects → unit, units → 合计), with the page (PDF) or line (text extract)
-- where the parent is printed, so a reader can open the source at that spot.
-- Every loaded version (is_current says which is current). Incremental by document
-- (macros/incremental_documents.sql, documents_changed()): a drop rebuilds the findings of the documents
-- whose registry row changed (staged, new, gone, or another version changed is_current).
-- depends_on: {{ ref('int_documents') }}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='document_id',
          on_schema_change='append_new_columns', pre_hook="{{ drop_documents_changed() }}",
          post_hook="{{ record_registry_watermark() }}") }}
{%- set changed = documents_changed() if is_incremental() else none %}
-- int_budget_reconciliation's rule (macro budget_reconciliation, per document) rendered over the lines of
-- the documents being built: DuckDB does not push a document filter into that view (3 s at 10,000 documents
-- for one document). depends_on: {{ ref('int_budget_reconciliation') }}
with budget_lines as (
    select * from {{ ref('int_budget_lines') }}
    {%- if changed is not none %}
    where document_id in {{ changed }}
    {%- endif %}
),

reconciliation as (
    select * from ({{ budget_reconciliation('budget_lines') }}) as reconciliation
)

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
from reconciliation as recon
inner join budget_lines as lines
    on recon.document_id = lines.document_id
   and recon.parent_line_no = lines.line_no
left join {{ ref('stg_budget_lines') }} as boxes
    on recon.document_id = boxes.document_id
   and recon.parent_line_no = boxes.line_no
   {%- if changed is not none %}
   and boxes.document_id in {{ changed }}  {#- in the join (a left join): a finding without a box stays #}
   {%- endif %}
inner join {{ ref('dim_document') }} as documents
    on recon.document_id = documents.document_id
where not recon.is_reconciled
{%- if changed is not none %}
  -- the constant list on the views too, so DuckDB filters them early
  and documents.document_id in {{ changed }}
{%- endif %}
