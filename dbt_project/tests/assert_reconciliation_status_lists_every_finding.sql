-- Reconciliation rule, as reported: a document's reconciliation_status in rpt_document_summary is
-- 'OK' exactly when rpt_reconciliation_findings has no row for it (and NULL when it has no budget
-- lines). Returns the documents where the summary and the findings disagree.
with findings as (
    select document_id, count(*) as findings
    from {{ ref('rpt_reconciliation_findings') }}
    group by document_id
)

select summary.document_id, summary.reconciliation_status, findings.findings
from {{ ref('rpt_document_summary') }} as summary
left join findings
    on summary.document_id = findings.document_id
where (summary.reconciliation_status = 'OK' and findings.findings is not null)
   or (summary.reconciliation_status <> 'OK' and findings.findings is null)
