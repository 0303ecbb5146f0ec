-- "Not analysed" is never silent (issue 27 §3): every quarantined file, and every current document registered
-- without facts (not a narrative, which is compared with its tables), has a row in rpt_review_queue;
-- every reconciliation finding and every disclosure-check difference of a current document too. Returns the
-- documents or findings missing from the queue.
select document_id, status as missing
from {{ ref('dim_document') }}
where (status = 'quarantined' or is_current and status = 'registered' and coalesce(doc_type, '') <> 'budget_narrative')
  and document_id not in (select document_id from {{ ref('rpt_review_queue') }})
union all
select document_id, 'reconciliation_difference'
from {{ ref('rpt_reconciliation_findings') }}
where is_current
  and document_id not in (select document_id from {{ ref('rpt_review_queue') }}
                          where reason_code = 'reconciliation_difference')
union all
select document_id, 'disclosure_check_difference'
from {{ ref('rpt_disclosure_checks') }}
where difference_cents <> 0
  and document_id in (select document_id from {{ ref('dim_document') }} where is_current)
  and document_id not in (select document_id from {{ ref('rpt_review_queue') }}
                          where reason_code = 'disclosure_check_difference')
