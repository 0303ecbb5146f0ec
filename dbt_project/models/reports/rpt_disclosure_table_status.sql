-- 表状态 one row per standard table of each current 部门预算 / 部门决算 disclosure (document × table_no),
-- with what its arithmetic says (rpt_disclosure_checks): the rules that apply to it (a rule across two
-- tables counts for both), how many checks it is in and how many hold, and its status:
--   verified        every check the table is in holds (its arithmetic holds)
--   differs         a check differs: the source prints numbers that do not add up (a finding, with page
--                   and both numbers in rpt_disclosure_checks) - or the table was misread (then a reader defect)
--   not_verifiable  no rule applies to the table (no parts it names: a narrative page, an unknown table, a
--                   table whose rows the rules cannot read)
-- is_held_back: the table is held back from its fact (rpt_disclosure_tables_held_back).
with tables as (
    select tables.*, documents.file_name, documents.department as department_name, documents.fiscal_year
    from {{ ref('int_document_tables') }} as tables
    inner join {{ ref('int_documents') }} as documents using (document_id)
    where tables.entry_type = 'table' and documents.is_current and documents.doc_type = 'budget_disclosure'
),

checks_by_table as (
    select document_id, table_no, rule, difference_cents from {{ ref('rpt_disclosure_checks') }}
    union all
    select document_id, other_table_no, rule, difference_cents from {{ ref('rpt_disclosure_checks') }}
    where other_table_no is not null
),

table_checks as (
    select
        document_id,
        table_no,
        count(*)                                                                as checks,
        count(*) filter (where difference_cents = 0)                            as checks_held,
        count(distinct rule)                                                    as rules_applied,
        count(distinct rule) filter (where difference_cents <> 0)               as rules_differing,
        string_agg(distinct rule, ', ' order by rule)                           as rules
    from checks_by_table
    where table_no is not null
    group by document_id, table_no
),

held_back as (
    select distinct document_id, table_no
    from {{ ref('rpt_disclosure_tables_held_back') }}
    where is_table_held_back and table_no is not null and fact not in ('dim_department_task', 'fct_department_target')
)

select
    tables.document_id,
    tables.file_name,
    tables.department_name,
    tables.fiscal_year,
    tables.stage,
    tables.table_no,
    tables.table_kind,
    tables.fund_type,
    tables.title                                                                as table_title,
    tables.first_page,
    tables.last_page,
    coalesce(table_checks.rules_applied, 0)                                     as rules_applied,
    coalesce(table_checks.rules_applied - table_checks.rules_differing, 0)      as rules_held,
    table_checks.rules,
    coalesce(table_checks.checks, 0)                                            as checks,
    coalesce(table_checks.checks_held, 0)                                       as checks_held,
    case when coalesce(table_checks.checks, 0) = 0 then 'not_verifiable'
         when table_checks.checks_held = table_checks.checks then 'verified'
         else 'differs' end                                                     as status,
    held_back.table_no is not null                                              as is_held_back
from tables
left join table_checks using (document_id, table_no)
left join held_back using (document_id, table_no)
