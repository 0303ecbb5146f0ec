-- “三公”经费 and 机关运行经费: one row per document × expense × measure
-- (budget 预算数 / final 决算数; a 预算 table prints the budget only).
-- expense: total 合计, outbound_travel 因公出国(境)费, official_vehicles
-- 公务用车购置及运行费, vehicle_purchase 购置费, vehicle_operation 运行费,
-- official_reception 公务接待费, administrative_operating 机关运行经费.
select
    {{ publication_columns() }},
    column_role                                                             as expense,
    column_label                                                            as expense_label,
    coalesce(column_measure, case stage when 'final_accounts' then 'final' else 'budget' end) as measure,
    amount_as_printed,
    unit                                                                    as unit_as_printed,
    amount_yuan,
    amount_wan,
    table_title,
    source_page
from {{ ref('int_disclosure_values') }}
where table_kind = 'three_public_expenses'
