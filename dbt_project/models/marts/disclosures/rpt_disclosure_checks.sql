-- The cross-table rules a 部门预算 / 部门决算 disclosure implies, one row per
-- thing checked (pass or not) with its evidence: document, table, page and
-- bbox of the row where the difference shows, the two numbers (元) and their
-- difference in cents. The GX suite
-- marts_disclosure_checks expects difference_cents = 0 at severity WARNING: a
-- difference printed in the source is a finding shown to the user, never a
-- reason to drop the document. Each rule is written once, here:
--   summary_balance            收支总表 / 财政拨款收支总表: income 总计 = expenditure 总计 (same printed row)
--   income_table_vs_summary    收入总表 合计 = 收支总表 本年收入合计 (else its income 总计)
--   function_tree_sum          类 = Σ 款, 款 = Σ 项, and the table's 合计 = Σ 类, per amount column
--   total_equals_parts         合计 = 基本支出 + 项目支出 (+ 上缴上级/经营/对附属单位 in 决算), per row
--   fiscal_summary_fund_sum    财政拨款收支总表: 合计 = 一般公共预算 + 政府性基金 + 国有资本经营, per row
--   fiscal_summary_vs_function 财政拨款收支总表 本年支出合计 (else 支出总计) per fund type = that fund's 功能分类表 合计
--   three_public_parts         三公 合计 = 因公出国 + 公务用车 + 公务接待; 公务用车 = 购置费 + 运行费
--   same_code_same_amount      a function code has the same 合计 in 收入总表 and 支出总表 (预算); and the same
--                              合计/基本/项目 in 支出总表 and the 一般公共预算 table when every fund is 一般公共预算
with v as (
    select * from {{ ref('int_disclosure_values') }}
),

first_amount as (
    -- the first amount cell of each row side (a 收支总表 side has one amount column)
    select *, row_number() over (partition by document_id, table_no, row_no order by column_no) as column_rank
    from v
),

summary_totals as (
    select * from first_amount
    where table_kind in ('income_expenditure_summary', 'fiscal_appropriation_summary')
      and column_rank = 1 and row_name like '%总计'
),

summary_balance as (
    select
        l.document_id, l.file_name, l.department_name, 'summary_balance' as rule, l.table_title, l.row_page as source_page,
        l.row_name || ' = ' || r.row_name as subject,
        l.row_name as left_label, l.amount_yuan as left_yuan, r.row_name as right_label, r.amount_yuan as right_yuan, l.unit,
        l.row_x0 as bbox_x0, l.row_top as bbox_top, l.row_x1 as bbox_x1, l.row_bottom as bbox_bottom
    from summary_totals l
    inner join summary_totals r
        on r.document_id = l.document_id and r.table_no = l.table_no and r.row_page = l.row_page
       and abs(r.row_top - l.row_top) < 1 and l.side_no = 1 and r.side_no = 2
),

summary_income as (
    select *, row_number() over (
        partition by document_id order by (row_name = '本年收入合计') desc, row_no) as pick
    from first_amount
    where table_kind = 'income_expenditure_summary' and side_no = 1 and column_rank = 1
      and (row_name = '本年收入合计' or row_name like '%收入总计' or row_name = '总计')
),

income_table_vs_summary as (
    select
        l.document_id, l.file_name, l.department_name, 'income_table_vs_summary', l.table_title, l.row_page,
        '收入总表 ' || l.row_name || ' = 收支总表 ' || r.row_name,
        l.table_title || ' ' || l.row_name, l.amount_yuan, r.table_title || ' ' || r.row_name, r.amount_yuan, l.unit,
        l.row_x0, l.row_top, l.row_x1, l.row_bottom
    from v l
    inner join summary_income r on r.document_id = l.document_id and r.pick = 1
    where l.table_kind = 'income_summary' and l.row_kind = 'total' and l.code is null and l.column_role = 'total'
),

coded as (
    select * from v
    where table_kind in ('income_summary', 'expenditure_summary', 'function_expenditure')
),

children as (
    select p.document_id, p.table_no, p.column_no, p.code, sum(c.amount_yuan) as children_yuan, count(*) as child_count
    from coded p
    inner join coded c
        on c.document_id = p.document_id and c.table_no = p.table_no and c.column_no = p.column_no
       and c.code is not null and p.code is not null
       and length(c.code) = length(p.code) + 2 and starts_with(c.code, p.code)
    group by p.document_id, p.table_no, p.column_no, p.code
),

class_sums as (
    select document_id, table_no, column_no, sum(amount_yuan) as classes_yuan
    from coded where length(code) = 3
    group by document_id, table_no, column_no
),

function_tree_sum as (
    select
        p.document_id, p.file_name, p.department_name, 'function_tree_sum', p.table_title, p.row_page,
        p.code || ' ' || p.row_name || ' / ' || p.column_label,
        p.code || ' ' || p.row_name, p.amount_yuan, 'Σ ' || c.child_count || ' sub-codes', c.children_yuan, p.unit,
        p.row_x0, p.row_top, p.row_x1, p.row_bottom
    from coded p
    inner join children c using (document_id, table_no, column_no, code)
    union all
    select
        t.document_id, t.file_name, t.department_name, 'function_tree_sum', t.table_title, t.row_page,
        t.row_name || ' / ' || t.column_label,
        t.row_name, t.amount_yuan, 'Σ 类 rows', s.classes_yuan, t.unit,
        t.row_x0, t.row_top, t.row_x1, t.row_bottom
    from coded t
    inner join class_sums s using (document_id, table_no, column_no)
    where t.row_kind = 'total' and t.code is null
),

row_parts as (
    select document_id, table_no, row_no,
           sum(amount_yuan) filter (where column_role in ('total', 'current_expenditure')) as total_yuan,
           sum(amount_yuan) filter (where column_role in ('basic', 'project', 'remitted_to_superior',
                                                          'operating_expenditure', 'subsidy_to_affiliated')) as parts_yuan,
           count(*) filter (where column_role in ('basic', 'project')) as part_cells,
           count(*) filter (where column_role in ('total', 'current_expenditure')) as total_cells,
           any_value(file_name) as file_name, any_value(department_name) as department_name,
           any_value(table_title) as table_title, min(row_page) as row_page,
           any_value(coalesce(code || ' ', '') || coalesce(row_name, '')) as subject, any_value(unit) as unit,
           any_value(row_x0) as row_x0, any_value(row_top) as row_top, any_value(row_x1) as row_x1, any_value(row_bottom) as row_bottom
    from v
    where table_kind in ('expenditure_summary', 'function_expenditure')
    group by document_id, table_no, row_no
),

total_equals_parts as (
    select document_id, file_name, department_name, 'total_equals_parts', table_title, row_page, subject,
           '合计', total_yuan, '基本支出 + 项目支出', parts_yuan, unit, row_x0, row_top, row_x1, row_bottom
    from row_parts
    where total_cells = 1 and part_cells > 0
),

fund_parts as (
    select document_id, table_no, row_no,
           sum(amount_yuan) filter (where column_role = 'total') as total_yuan,
           sum(amount_yuan) filter (where column_role in ('general_public', 'government_fund', 'state_capital')) as parts_yuan,
           count(*) filter (where column_role in ('general_public', 'government_fund', 'state_capital')) as part_cells,
           count(*) filter (where column_role = 'total') as total_cells,
           any_value(file_name) as file_name, any_value(department_name) as department_name,
           any_value(table_title) as table_title, min(row_page) as row_page, any_value(row_name) as subject,
           any_value(unit) as unit,
           any_value(row_x0) as row_x0, any_value(row_top) as row_top, any_value(row_x1) as row_x1, any_value(row_bottom) as row_bottom
    from v
    where table_kind = 'fiscal_appropriation_summary' and side_no = 2
    group by document_id, table_no, row_no
),

fiscal_summary_fund_sum as (
    select document_id, file_name, department_name, 'fiscal_summary_fund_sum', table_title, row_page, subject,
           '合计', total_yuan, '一般公共预算 + 政府性基金 + 国有资本经营', parts_yuan, unit, row_x0, row_top, row_x1, row_bottom
    from fund_parts
    where total_cells = 1 and part_cells > 0
),

fiscal_fund_totals as (
    -- the year's expenditure: 本年支出合计 where printed (a 决算's 总计 adds 年末结转和结余), else 支出总计
    select *, row_number() over (
        partition by document_id, column_role order by (row_name = '本年支出合计') desc, row_no) as pick
    from v
    where table_kind = 'fiscal_appropriation_summary' and side_no = 2
      and (row_name = '本年支出合计' or row_name like '%总计')
      and column_role in ('general_public', 'government_fund', 'state_capital')
),

function_table_totals as (
    select * from v
    where table_kind = 'function_expenditure' and row_kind = 'total' and code is null
      and column_role in ('total', 'current_expenditure')
),

fiscal_summary_vs_function as (
    select l.document_id, l.file_name, l.department_name, 'fiscal_summary_vs_function', l.table_title, l.row_page,
           l.column_label || ' vs ' || r.table_title,
           l.table_title || ' ' || l.column_label, l.amount_yuan, r.table_title || ' ' || r.row_name, r.amount_yuan, l.unit,
           l.row_x0, l.row_top, l.row_x1, l.row_bottom
    from fiscal_fund_totals l
    inner join function_table_totals r on r.document_id = l.document_id and r.fund_type = l.column_role
    where l.pick = 1
),

three_public as (
    select document_id, coalesce(column_measure, '') as measure,
           sum(amount_yuan) filter (where column_role = 'total') as total_yuan,
           sum(amount_yuan) filter (where column_role in ('outbound_travel', 'official_vehicles', 'official_reception')) as parts_yuan,
           sum(amount_yuan) filter (where column_role = 'official_vehicles') as vehicles_yuan,
           sum(amount_yuan) filter (where column_role in ('vehicle_purchase', 'vehicle_operation')) as vehicle_parts_yuan,
           count(*) filter (where column_role = 'total') as total_cells,
           count(*) filter (where column_role in ('outbound_travel', 'official_vehicles', 'official_reception')) as part_cells,
           count(*) filter (where column_role = 'official_vehicles') as vehicle_cells,
           count(*) filter (where column_role in ('vehicle_purchase', 'vehicle_operation')) as vehicle_part_cells,
           any_value(file_name) as file_name, any_value(department_name) as department_name,
           any_value(table_title) as table_title, min(row_page) as row_page, any_value(unit) as unit,
           any_value(row_x0) as row_x0, any_value(row_top) as row_top, any_value(row_x1) as row_x1, any_value(row_bottom) as row_bottom
    from v
    where table_kind = 'three_public_expenses'
    group by document_id, coalesce(column_measure, '')
),

three_public_parts as (
    select document_id, file_name, department_name, 'three_public_parts', table_title, row_page,
           trim('合计 ' || measure), '合计', total_yuan, '因公出国(境)费 + 公务用车购置及运行费 + 公务接待费', parts_yuan, unit,
           row_x0, row_top, row_x1, row_bottom
    from three_public where total_cells = 1 and part_cells > 0
    union all
    select document_id, file_name, department_name, 'three_public_parts', table_title, row_page,
           trim('公务用车购置及运行费 ' || measure), '公务用车购置及运行费', vehicles_yuan, '购置费 + 运行费', vehicle_parts_yuan, unit,
           row_x0, row_top, row_x1, row_bottom
    from three_public where vehicle_cells = 1 and vehicle_part_cells > 0
),

only_general_public as (
    -- documents whose every fund is 一般公共预算: no other fund table and no income other than 财政拨款 holds a non-zero amount
    select document_id from v group by document_id
    having coalesce(sum(abs(amount_yuan)) filter (
        where (table_kind = 'function_expenditure' and fund_type <> 'general_public')
           or (table_kind = 'income_summary' and column_role not in ('total', 'fiscal_appropriation'))), 0) = 0
),

code_amounts as (
    select * from v
    where code is not null and table_kind in ('income_summary', 'expenditure_summary', 'function_expenditure')
),

same_code_same_amount as (
    select l.document_id, l.file_name, l.department_name, 'same_code_same_amount', r.table_title, r.row_page,
           l.code || ' ' || l.row_name || ' / ' || l.column_role,
           l.table_title, l.amount_yuan, r.table_title, r.amount_yuan, l.unit,
           r.row_x0, r.row_top, r.row_x1, r.row_bottom
    from code_amounts l
    inner join code_amounts r on r.document_id = l.document_id and r.code = l.code and r.column_role = l.column_role
    where l.table_kind = 'income_summary' and r.table_kind = 'expenditure_summary' and l.column_role = 'total'
      and l.stage = 'budget'  -- a budget balances income and expenditure per code; final accounts carry balances
    union all
    select l.document_id, l.file_name, l.department_name, 'same_code_same_amount', r.table_title, r.row_page,
           l.code || ' ' || l.row_name || ' / ' || l.column_role,
           l.table_title, l.amount_yuan, r.table_title, r.amount_yuan, l.unit,
           r.row_x0, r.row_top, r.row_x1, r.row_bottom
    from code_amounts l
    inner join code_amounts r on r.document_id = l.document_id and r.code = l.code and r.column_role = l.column_role
    where l.table_kind = 'expenditure_summary' and r.table_kind = 'function_expenditure' and r.fund_type = 'general_public'
      and l.column_role in ('total', 'basic', 'project')
      and l.document_id in (select document_id from only_general_public)
),

checks as (
    select * from summary_balance
    union all select * from income_table_vs_summary
    union all select * from function_tree_sum
    union all select * from total_equals_parts
    union all select * from fiscal_summary_fund_sum
    union all select * from fiscal_summary_vs_function
    union all select * from three_public_parts
    union all select * from same_code_same_amount
)

select
    document_id,
    file_name,
    department_name,
    rule,
    'warning'                                                                       as severity,
    table_title,
    source_page,
    subject,
    left_label,
    left_yuan,
    right_label,
    right_yuan,
    unit                                                                            as unit_as_printed,
    bbox_x0,
    bbox_top,
    bbox_x1,
    bbox_bottom,
    coalesce(left_yuan, 0) - coalesce(right_yuan, 0)                                as difference_yuan,
    cast(round((coalesce(left_yuan, 0) - coalesce(right_yuan, 0)) * 100) as bigint) as difference_cents
from checks
