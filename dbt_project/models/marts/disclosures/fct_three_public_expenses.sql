-- “三公”经费 and what the table prints with them: one row per document × spending unit × expense ×
-- fund × measure.
-- expense: total “三公”经费合计, outbound_travel 因公出国(境)费, official_vehicles 公务用车购置及运行费,
-- vehicle_purchase 购置费, vehicle_operation 运行(维护)费, official_reception 公务接待费, meeting 会议费,
-- training 培训费, grand_total 合计 of a 三公、会议费、培训费 table (三公 + 会议费 + 培训费),
-- administrative_operating 机关运行经费, administrative_expenses 行政经费.
-- fund: general_public 一般公共预算 | government_fund 政府性基金预算 | state_capital 国有资本经营预算 |
-- all_funds 合计 of the funds | not_split (the table does not split by fund).
-- measure: budget 预算数 / 本年 | final 决算数 | prior_budget 上年 | prior_final | change 增减变化.
-- spending_unit: the unit a row names (NULL: the table's department / 合计 row).
-- The rows and their contract check live in int_three_public_expense_rows; a table held back, and a
-- cell that names no item, are listed in rpt_disclosure_tables_held_back, not published here.
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
    source_page,
    spending_unit,
    fund,
    row_label
from {{ ref('int_three_public_expense_rows') }}
where not is_held_back
  and contract_issue is null
