-- “三公”经费 and 机关运行经费: one row per document × expense × measure
-- (budget 预算数 / final 决算数; a 预算 table prints the budget only).
-- expense: total 合计, outbound_travel 因公出国(境)费, official_vehicles
-- 公务用车购置及运行费, vehicle_purchase 购置费, vehicle_operation 运行费,
-- official_reception 公务接待费, administrative_operating 机关运行经费.
-- The rows and their contract check live in int_three_public_expense_rows; a
-- table held back, and a column that is no 三公 item (会议费), are listed in
-- rpt_disclosure_tables_held_back, not published here.
select
    {{ publication_columns() }},
    expense,
    expense_label,
    measure,
    amount_as_printed,
    unit_as_printed,
    amount_yuan,
    amount_wan,
    table_title,
    source_page
from {{ ref('int_three_public_expense_rows') }}
where not is_held_back
  and contract_issue is null
