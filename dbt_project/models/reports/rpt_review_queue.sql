-- 待复核清单 the review list (issue 27 §3): every quarantined file, and every document or table of the current
-- versions, that needs a person,
-- one row per thing to look at, with a reason code, a sentence saying what is wrong, where (page or line) and the
-- evidence (evidence_path: an image of the page region, or the lines of a text extract, rendered by the
-- evidence_images asset; macros/evidence.sql). A document with no row here was analysed and has nothing to
-- review; a document that could not be analysed (quarantined, registered without facts, a table no reader
-- read, a narrative without its tables) has a row saying so, so "zero findings" and "not analysed" are never
-- confused.
--
-- Reason codes, in the order a person works through them:
--   quarantined                   the file did not load (its reason as recorded)
--   registered_without_facts      recognised, but nothing of it is in the facts (a kind not modelled)
--   table_kind_unknown            a table of a loaded document whose kind is not known (rpt_disclosure_tables_unread)
--   table_without_reader          a table of a known kind that no reader reads yet (same model)
--   table_held_back               a table read but kept out of its fact (rpt_disclosure_tables_held_back)
--   cells_left_out                cells a fact leaves out, the rest of the table published (same model)
--   reconciliation_difference     a subtotal ≠ the sum of its lines (rpt_reconciliation_findings)
--   disclosure_check_difference   a cross-table rule whose two numbers differ (rpt_disclosure_checks)
--   narrative_differs_from_tables the prose states a figure the tables print otherwise, or print without a data row
--                                 (present but empty; rpt_narrative_vs_tables)
--   narrative_without_tables      a prose-only disclosure whose tables file is not loaded: its figures are not compared
--   target_not_met                a 绩效自评表 indicator whose outcome did not meet its target (fct_indicator_outcome)
--   outcome_without_target        an evaluated indicator whose department and year have published targets, none of that
--                                 name (rpt_targets_vs_outcomes)
--   class_rows_without_code       rows of a class table printed with names only whose name path no document codes
with documents as (
    select document_id, file_name, file_format, doc_type, department, fiscal_year, status, is_current, error_message
    from {{ ref('dim_document') }}
),

current_documents as (
    select * from documents where is_current
),

items as (
    select
        document_id, 1 as reason_rank, 'quarantined' as reason_code,
        '隔离 quarantined: ' || coalesce(error_message, '(no reason recorded)') as reason,
        cast(null as varchar) as table_title, cast(null as integer) as source_page, cast(null as integer) as source_line,
        cast(null as float8) as bbox_x0, cast(null as float8) as bbox_top, cast(null as float8) as bbox_x1,
        cast(null as float8) as bbox_bottom, cast(null as varchar) as evidence_needle,
        cast(null as varchar) as evidence_path, 'rpt_document_status' as source_model
    from documents  -- a quarantined file is no version of anything (int_documents): never "current"
    where status = 'quarantined'

    union all
    select
        document_id, 2, 'registered_without_facts',
        '只登记未分析 registered without facts: recognised as ' || coalesce(doc_type, 'an unknown kind')
        || ', but nothing of it is in the facts; read it by hand or add a reader',
        null, null, null, null, null, null, null, null, null, 'rpt_document_status'
    from current_documents
    where status = 'registered' and coalesce(doc_type, '') <> 'budget_narrative'

    union all
    select
        document_id, case when reason = 'kind_unknown' then 3 else 4 end,
        case when reason = 'kind_unknown' then 'table_kind_unknown' else 'table_without_reader' end,
        case when reason = 'kind_unknown'
             then '未识别的表 a table of unknown kind: ' || coalesce(table_title, '(untitled)')
             else '未读取的表 no reader for ' || table_kind || ': ' || coalesce(table_title, '(untitled)') end
        || ' (p. ' || cast(first_page as varchar)
        || case when last_page <> first_page then '–' || cast(last_page as varchar) else '' end
        || ', ' || cast(cells as varchar) || ' cells kept unread)',
        table_title, first_page, null, bbox_x0, bbox_top, bbox_x1, bbox_bottom, table_title, evidence_path,
        'rpt_disclosure_tables_unread'
    from {{ ref('rpt_disclosure_tables_unread') }}

    union all
    select
        document_id, case when is_table_held_back then 5 else 6 end,
        case when is_table_held_back then 'table_held_back' else 'cells_left_out' end,
        case when is_table_held_back then '未发布的表 table held back from ' else '未计入的单元格 cells left out of ' end
        || fact || ': ' || contract_issue || ' (' || cast(cells as varchar) || ' cells, e.g. ' || coalesce(example_label, '')
        || ')',
        table_title, first_page, null, null, null, null, null, split_part(example_label, ' / ', 1), evidence_path,
        'rpt_disclosure_tables_held_back'
    from {{ ref('rpt_disclosure_tables_held_back') }}
    where document_id in (select document_id from current_documents)

    union all
    select
        findings.document_id, 7, 'reconciliation_difference',
        '勾稽差异 ' || findings.parent_label || ' ' || findings.amount_column || ': printed '
        || cast(findings.parent_amount as varchar) || ' 万元, its lines sum to '
        || coalesce(cast(findings.children_sum as varchar), 'nothing')
        || ' (difference ' || coalesce(cast(findings.difference as varchar), '?') || ' 万元)',
        null, findings.source_page, findings.source_line, boxes.bbox_x0, boxes.bbox_top, boxes.bbox_x1, boxes.bbox_bottom,
        null, findings.evidence_path, 'rpt_reconciliation_findings'
    from {{ ref('rpt_reconciliation_findings') }} as findings
    left join {{ ref('stg_budget_lines') }} as boxes
        on boxes.document_id = findings.document_id and boxes.line_no = findings.parent_line_no
    where findings.is_current

    union all
    select
        document_id, 8, 'disclosure_check_difference',
        '表间差异 ' || rule || ' · ' || coalesce(subject, '') || ': ' || coalesce(left_label, '') || ' '
        || coalesce(cast(left_yuan as varchar), '(none)') || ' 元 vs ' || coalesce(right_label, '') || ' '
        || coalesce(cast(right_yuan as varchar), '(none)') || ' 元 (difference ' || cast(difference_yuan as varchar) || ' 元)',
        table_title, source_page, null, bbox_x0, bbox_top, bbox_x1, bbox_bottom, null, evidence_path,
        'rpt_disclosure_checks'
    from {{ ref('rpt_disclosure_checks') }}
    where difference_cents <> 0 and document_id in (select document_id from current_documents)

    union all
    select
        narrative_document_id, 9, 'narrative_differs_from_tables',
        case when comparison = 'table_without_data' then '表内无数据 the text states '
        else '说明与报表不符 the text states ' end || measure || ' ' || cast(narrative_amount_as_printed as varchar) || ' '
        || narrative_unit || ' (p. ' || cast(narrative_page as varchar) || '); ' || coalesce(tables_table_title, 'the tables')
        || case when comparison = 'table_without_data' then ' is printed without a data row ('
           else ' prints ' || cast(tables_amount_yuan as varchar) || ' 元 (' end || coalesce(tables_file_name, '') || ' p. '
        || coalesce(cast(tables_page as varchar), '?') || ')',
        tables_table_title, narrative_page, null, null, null, null, null, sentence, evidence_path,
        'rpt_narrative_vs_tables'
    from {{ ref('rpt_narrative_vs_tables') }}
    where comparison in ('differs', 'table_without_data')
      and narrative_document_id in (select document_id from current_documents)

    union all
    select
        narrative_document_id, 10, 'narrative_without_tables',
        '未比对 not compared: no tables file of the same department, year and stage is loaded, so its '
        || cast(count(*) as varchar) || ' stated figures are not checked',
        null, min(narrative_page), null, null, null, null, null, null, null, 'rpt_narrative_vs_tables'
    from {{ ref('rpt_narrative_vs_tables') }}
    where comparison = 'no_tables_file' and narrative_document_id in (select document_id from current_documents)
    group by narrative_document_id

    union all
    -- a 绩效自评表 indicator whose outcome did not meet its target (fct_indicator_outcome.status, the one rule)
    select
        document_id, 11, 'target_not_met',
        '未达成 ' || coalesce(project_name || ' / ', '') || indicator_name || ': target ' || coalesce(target_text, '')
        || ', outcome ' || coalesce(outcome_text, '') || coalesce(' (得分 ' || cast(score as varchar) || ' / 分值 '
        || cast(weight as varchar) || ')', ''),
        null, source_page, null, bbox_x0, bbox_top, bbox_x1, bbox_bottom, indicator_name,
        {{ evidence_path('document_id', 'source_page', 'bbox_x0', 'bbox_top', 'bbox_x1', 'bbox_bottom', needle='indicator_name') }},
        'fct_indicator_outcome'
    from {{ ref('fct_indicator_outcome') }}
    where status = 'not_met' and document_id in (select document_id from current_documents)

    union all
    -- an evaluated indicator whose published target the warehouse holds for the department and year but could not
    -- match by name (rpt_targets_vs_outcomes): compare the two documents by hand
    select
        outcome_document_id, 12, 'outcome_without_target',
        '目标未匹配 ' || coalesce(project_name || ' / ', '') || indicator_name
        || ': evaluated, but no published target of that name for the department and year',
        null, outcome_source_page, null, null, null, null, null, indicator_name,
        {{ evidence_path('outcome_document_id', 'outcome_source_page', needle='indicator_name') }},
        'rpt_targets_vs_outcomes'
    from {{ ref('rpt_targets_vs_outcomes') }}
    where match_status = 'outcome_without_target' and targets_loaded
      and outcome_document_id in (select document_id from current_documents)

    union all
    -- a class table printed with names only whose rows found no code by name path (int_class_code_paths): read, its
    -- levels proved by its sums, but not in the function / economic facts
    select
        document_id, 13, 'class_rows_without_code',
        '科目无编码 ' || cast(count(distinct row_no) as varchar) || ' rows of a table printed with names only have no code '
        || 'the warehouse''s documents print for their name path (e.g. ' || min(outline_path) || '): not in the facts',
        any_value(table_title), min(row_page), null, null, null, null, null, min(split_part(outline_path, '/', -1)),
        {{ evidence_path('document_id', 'min(row_page)', needle='min(split_part(outline_path, \'/\', -1))') }},
        'int_disclosure_values'
    from {{ ref('int_disclosure_values') }}
    where outline_path is not null and code is null
      and document_id in (select document_id from current_documents)
    group by document_id, table_no
)

select
    row_number() over (
        order by items.reason_rank, documents.file_name, items.source_page nulls first, items.source_line nulls first,
                 items.reason
    )                                                                   as review_no,
    items.document_id,
    documents.file_name,
    documents.file_format,
    documents.department                                                as department_name,
    documents.fiscal_year,
    items.reason_code,
    items.reason,
    items.table_title,
    items.source_page,
    items.source_line,
    items.bbox_x0,
    items.bbox_top,
    items.bbox_x1,
    items.bbox_bottom,
    items.evidence_needle,
    items.evidence_path,
    items.source_model
from items
inner join documents using (document_id)
