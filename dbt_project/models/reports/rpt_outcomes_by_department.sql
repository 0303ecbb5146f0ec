-- Chart shape "targets met by department": per department and fiscal year, the self-evaluated indicators
-- (fct_indicator_outcome) by status — met, not_met, not_comparable (qualitative or another unit) — and the share
-- met among those comparable. Read by orchestration/reporting/outcomes.py.
select
    department,
    fiscal_year,
    count(*)                                                    as indicator_count,
    count(*) filter (where status = 'met')                      as met_count,
    count(*) filter (where status = 'not_met')                  as not_met_count,
    count(*) filter (where status = 'not_comparable')           as not_comparable_count,
    round(100.0 * count(*) filter (where status = 'met')
          / nullif(count(*) filter (where status <> 'not_comparable'), 0), 1) as met_share_pct,
    sum(score)                                                  as score_sum,
    sum(weight)                                                 as weight_sum
from {{ ref('fct_indicator_outcome') }}
group by department, fiscal_year

-- Rows combine documents: refreshed off the drop's path (tag whole_warehouse, reports_refresh_job).
{{ config(tags=["whole_warehouse"]) }}
