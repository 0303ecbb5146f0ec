-- Every finding on a PDF page names its evidence image (issue 27 §3): a review-queue row of a PDF with a page
-- and no evidence_path would be a finding a person cannot see. Returns those rows.
select review_no, file_name, reason_code, source_page
from {{ ref('rpt_review_queue') }}
where file_format = 'pdf' and source_page is not null and evidence_path is null
  and reason_code <> 'narrative_without_tables'
