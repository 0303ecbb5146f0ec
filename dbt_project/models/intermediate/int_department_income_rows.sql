-- The 部门整体绩效目标 profiles fct_department_income would publish (one per current document: the
-- department's budget income and its split), each checked against the fact's contract (macro
-- contract_issue): one profile per document, a department whose key dim_department publishes, a
-- printed unit 万元 / 元. A broken profile is held back alone (is_held_back; the document's tasks
-- and indicators are checked on their own) and listed in rpt_disclosure_tables_held_back.
with candidates as (
    select
        targets.*,
        {{ department_key('targets.department') }}                  as department_key
    from {{ ref('int_department_targets') }} as targets
    where document_id in {{ current_documents() }}
),

checked as (
    select
        candidates.*,
        {{ contract_issue(key=['document_id'],
                          required=['department_key'],
                          accepted={'amount_unit_printed': ['万元', '元']},
                          rules={'department_key_unknown': 'department_key not in ' ~ published_department_keys()}) }}
                                                                    as contract_issue
    from candidates
)

select checked.*, {{ held_back(['document_id']) }} as is_held_back
from checked
