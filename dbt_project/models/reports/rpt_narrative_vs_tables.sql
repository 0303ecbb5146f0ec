-- A prose-only 部门预算 / 决算 disclosure (doc_type budget_narrative) beside the tables file of its department,
-- year and stage: every headline figure the prose states that a standard table also prints, with both numbers
-- and both pages; and a bundle's own 说明 chapters against its own tables (narrative = tables document).
-- comparison: equal (at the precision the prose prints: the table's 30,939.116470 万元 is the
-- prose's 30,939.12; a figure of 0 beside a table printed empty) | differs (a finding: the two publications
-- disagree) | table_without_data (present but empty: the table is printed without its data row while the prose
-- states a non-zero figure for it, a finding) | not_in_tables
-- (the paired tables file has no readable value for it) | no_tables_file (no tables file of that department,
-- year and stage in the warehouse).
-- Figures compared (narrative measure → table value):
--   total / income_total / expenditure_total (no fund named) → 收支总表 总计 (its largest total row);
--   basic_expenditure / project_expenditure (no fund named)  → 支出总表 total row (the largest 合计), 基本支出 / 项目支出 column;
--   three_public_total, outbound_travel, official_vehicles, vehicle_purchase, vehicle_operation,
--   official_reception, administrative_operating            → “三公”经费 table, the column of that item.
with documents as (
    select * from {{ ref('int_documents') }} where is_current
),

disclosures as (
    select * from {{ ref('stg_disclosures') }}
),

narratives as (
    -- a prose-only disclosure, or a bundle whose 说明 chapters state figures beside its own tables (is_combined)
    select documents.document_id, documents.file_name, documents.department, documents.fiscal_year,
           disclosures.stage, documents.doc_type = 'budget_disclosure' as is_combined,
           {{ pairing_department_name('documents.department') }} as pairing_name
    from documents
    inner join disclosures using (document_id)
    where documents.doc_type = 'budget_narrative'
       or (documents.doc_type = 'budget_disclosure' and not disclosures.is_template
           and documents.document_id in (select document_id from {{ ref('stg_narrative_figures') }}))
),

tables_files as (
    select documents.document_id, documents.file_name, documents.is_loaded, documents.first_seen_at,
           documents.fiscal_year, disclosures.stage,
           {{ pairing_department_name('documents.department') }} as pairing_name
    from documents
    inner join disclosures using (document_id)
    where documents.doc_type = 'budget_disclosure' and not disclosures.is_template
),

pairs as (
    -- the same name first, else a name containing the other (江苏省人大 / 江苏省人大常委会办公厅); loaded first
    select narratives.document_id as narrative_document_id, tables_files.document_id as tables_document_id,
           tables_files.file_name as tables_file_name,
           row_number() over (
               partition by narratives.document_id
               order by (narratives.pairing_name = tables_files.pairing_name) desc, tables_files.is_loaded desc,
                        tables_files.first_seen_at desc, tables_files.document_id
           ) as pair_rank
    from narratives
    inner join tables_files
        on not narratives.is_combined
       and tables_files.fiscal_year = narratives.fiscal_year
       and coalesce(tables_files.stage, '') = coalesce(narratives.stage, '')
       and (tables_files.pairing_name = narratives.pairing_name
            or position(narratives.pairing_name in tables_files.pairing_name) > 0
            or position(tables_files.pairing_name in narratives.pairing_name) > 0)
    union all
    -- a bundle's 说明 is compared with its own tables
    select document_id, document_id, file_name, 1 from narratives where is_combined
),

figures as (
    select
        figures.*,
        case
            when figures.measure in ('total', 'income_total', 'expenditure_total') and figures.fund_type is null
                then 'summary_total'
            when figures.measure = 'basic_expenditure' and figures.fund_type is null then 'basic'
            when figures.measure = 'project_expenditure' and figures.fund_type is null then 'project'
            when figures.measure in ('three_public_total', 'outbound_travel', 'official_vehicles', 'vehicle_purchase',
                                     'vehicle_operation', 'official_reception', 'administrative_operating')
                then figures.measure
        end as compared_with
    from {{ ref('stg_narrative_figures') }} as figures
),

values as (
    select * from {{ ref('int_disclosure_values') }}
),

expenditure_total_row as (
    -- the 支出总表's total row by meaning: the row with the largest 合计 (江苏 prints it unnamed, first)
    select document_id, {{ arg_max('table_no', 'amount_yuan') }} as table_no, {{ arg_max('row_no', 'amount_yuan') }} as row_no
    from values
    where table_kind = 'expenditure_summary' and column_role = 'total'
    group by document_id
),

table_values as (
    -- 收支总表 总计: its largest total row (总计, or 收入合计 where no balance is carried over)
    select document_id, 'summary_total' as compared_with, table_title, source_page, amount_yuan
    from values
    where table_kind = 'income_expenditure_summary' and row_kind = 'total'
    union all
    -- 支出总表 total row: 基本支出 / 项目支出
    select values.document_id, column_role, table_title, source_page, amount_yuan
    from values
    inner join expenditure_total_row using (document_id, table_no, row_no)
    where table_kind = 'expenditure_summary' and column_role in ('basic', 'project')
    union all
    -- “三公”经费 table: the column of each item; its 合计 / 总额 column is the total
    select document_id,
           case when column_role = 'total'
                  or {{ regexp_like("replace(column_label, ' ', '')", "'三公.*(合计|总额|总计)'") }} then 'three_public_total'
                else column_role end,
           table_title, source_page, amount_yuan
    from values
    where table_kind = 'three_public_expenses'
      -- the year's own amounts: not the prior year's or the change a table prints as rows beside them (深圳)
      and coalesce(column_measure, '') not in ('prior_budget', 'prior_final', 'change')
),

empty_tables as (
    -- a table printed without a data row (三公 with its header only): present, but no value to compare
    select document_id, compared_with, min(title) as table_title, min(first_page) as source_page
    from (
        select document_id, title, first_page, unnest(case table_kind
            when 'income_expenditure_summary' then array['summary_total']
            when 'expenditure_summary' then array['basic', 'project']
            when 'three_public_expenses' then array['three_public_total', 'outbound_travel', 'official_vehicles',
                                               'vehicle_purchase', 'vehicle_operation', 'official_reception'] end) as compared_with
        from {{ ref('int_document_tables') }}
        where entry_type = 'table' and coalesce(amount_count, 0) = 0
    ) as items
    group by document_id, compared_with
),

table_value as (
    -- one value per document and item: the largest (the total row of a table listing units)
    select document_id, compared_with,
           {{ arg_max('table_title', 'amount_yuan') }} as table_title,
           {{ arg_max('source_page', 'amount_yuan') }} as source_page,
           max(amount_yuan)                  as amount_yuan
    from table_values
    where amount_yuan is not null and compared_with is not null
    group by document_id, compared_with
),

compared as (
    select
        narratives.document_id                                  as narrative_document_id,
        narratives.file_name                                    as narrative_file_name,
        narratives.department                                   as department_name,
        narratives.fiscal_year,
        narratives.stage,
        figures.figure_no,
        figures.measure,
        figures.fund_type,
        figures.compared_with,
        figures.amount_as_printed                               as narrative_amount_as_printed,
        figures.unit                                            as narrative_unit,
        figures.amount_yuan                                     as narrative_amount_yuan,
        figures.source_page                                     as narrative_page,
        figures.sentence,
        pairs.tables_document_id,
        pairs.tables_file_name,
        coalesce(table_value.table_title, empty_tables.table_title) as tables_table_title,
        coalesce(table_value.source_page, empty_tables.source_page) as tables_page,
        cast(table_value.amount_yuan as decimal(24, 2))         as tables_amount_yuan,
        cast(figures.amount_yuan - table_value.amount_yuan as decimal(24, 2)) as difference_yuan,
        case
            when pairs.tables_document_id is null then 'no_tables_file'
            -- present but empty: the table is printed without its data row while the prose states a figure for it
            when table_value.amount_yuan is null and empty_tables.document_id is not null and figures.amount_yuan <> 0
                then 'table_without_data'
            when table_value.amount_yuan is null and empty_tables.document_id is not null then 'equal'
            when table_value.amount_yuan is null then 'not_in_tables'
            -- the prose states its figure rounded (30,939.12 万元 for a table's 30,939.116470): the table's amount in
            -- the prose's unit, rounded to the decimals the prose prints, must be the printed figure
            when round(table_value.amount_yuan / case figures.unit when '万元' then 10000 when '亿元' then 100000000 else 1 end,
                       cast(length(split_part(rtrim(rtrim(cast(figures.amount_as_printed as varchar), '0'), '.'), '.', 2)) as integer))
                 = figures.amount_as_printed then 'equal'
            else 'differs'
        end                                                     as comparison
    from narratives
    inner join figures on figures.document_id = narratives.document_id
    left join pairs
        on pairs.narrative_document_id = narratives.document_id and pairs.pair_rank = 1
    left join table_value
        on table_value.document_id = pairs.tables_document_id
       and table_value.compared_with = figures.compared_with
    left join empty_tables
        on empty_tables.document_id = pairs.tables_document_id
       and empty_tables.compared_with = figures.compared_with
    where figures.compared_with is not null
)

select
    *,
    -- 证据 the sentence on the narrative's page (macros/evidence.sql), for a finding only
    case when comparison in ('differs', 'table_without_data') then
        {{ evidence_path('narrative_document_id', 'narrative_page', needle='sentence') }}
    end                                                     as evidence_path
from compared

-- Rows combine documents: refreshed off the drop's path (tag whole_warehouse, reports_refresh_job).
{{ config(tags=["whole_warehouse"]) }}
