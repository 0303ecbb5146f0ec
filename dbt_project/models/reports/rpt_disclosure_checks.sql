-- The cross-table rules a 部门预算 / 部门决算 disclosure implies, one row per
-- thing checked (pass or not) with its evidence: document, table (table_no, and
-- other_table_no for a rule across two tables), page and bbox of the row where
-- the difference shows, the two numbers (元) and their difference in cents. The GX
-- suite marts_disclosure_checks expects difference_cents = 0 at severity WARNING:
-- a difference printed in the source is a finding shown to the user, never a
-- reason to drop the document. A rule applies only to a table that has the parts
-- it names. Each rule is one call of a rule shape (macros/disclosure_rules.sql):
--   summary_balance            收支总表 / 财政拨款收支总表: income 总计 = expenditure 总计 (same printed row)
--   income_table_vs_summary    收入总表 合计 = 收支总表 本年收入合计 (else its income 总计); = its income 总计 when
--                              the 收入总表 counts 上年结转结余 among its sources (珠海, 杭州)
--   function_tree_sum          类 = Σ 款, 款 = Σ 项, and the table's 合计 = Σ 类, per amount column
--   total_equals_parts         合计 = Σ the row's own parts: 基本支出 + 项目支出 (+ 上缴上级/经营/对附属单位
--                              in 决算, + a column the table adds, e.g. 单位预留机动经费, when its arithmetic says so)
--   fiscal_summary_fund_sum    财政拨款收支总表: 合计 = 一般公共预算 + 政府性基金 + 国有资本经营, per row
--   fiscal_summary_vs_function 财政拨款收支总表 本年支出合计 (else 支出总计) per fund type = that fund's 功能分类表 合计
--   three_public_parts         三公 合计 = 因公出国 + 公务用车 + 公务接待 (+ 会议费, 培训费 where the table's 合计
--                              includes them); 小计 = the three; 公务用车 = 购置费 + 运行费
--   same_code_same_amount      a function code has the same 合计 in 收入总表 and 支出总表, and the same 合计/基本/项目
--                              in 支出总表 and the 一般公共预算 table when every fund is 一般公共预算 (预算 only: a
--                              决算 also spends 年初结转 funds, so neither is an identity there)
--   summary_class_vs_function  收支总表's expenditure 类 rows (by code, else by name) = the 类 rows of the function
--                              table of the same funds and stage (收支总表: 支出总表; 财政拨款收支总表, per fund column:
--                              that fund's 功能分类表)
--   function_vs_economic_total 功能分类 total = 经济分类 total, same fund (一般公共预算) and stage, each the printed
--                              合计 row (else Σ 类): the function table's 基本支出 against a basic-expenditure
--                              economic table, its 项目支出 against a project one, its 合计 against one of both
with v as (
    select * from {{ ref('int_disclosure_values') }}
),

first_amount as (
    -- the first amount cell of each row side (a 收支总表 side has one amount column); the row label without
    -- white space (收 入 总 计 = 收入总计)
    select *,
           row_number() over (partition by document_id, table_no, row_no order by column_no) as column_rank,
           regexp_replace(coalesce(row_name, ''), '\s', '', 'g')                                 as label
    from v
),

summary_sides as (
    -- a 收支总表's total rows with an amount, and which is the side's last (its grand total: 收入总计 / 支出总计,
    -- 总计 of a 决算, 收入合计 / 支出合计 where 上年结转 is printed above them, as 江苏 does)
    select *, row_no = max(row_no) over (partition by document_id, table_no, side_no) as is_grand_total
    from first_amount
    where table_kind in ('income_expenditure_summary', 'fiscal_appropriation_summary')
      and column_rank = 1 and row_kind = 'total'
),

summary_totals as (
    -- each side's grand total; a table may print two expenditure sides (江苏: 功能分类 | 支出用途)
    select * from summary_sides where is_grand_total
),

summary_income as (
    -- the year's income: 本年收入合计 / 当年收入小计 where printed, else the income side's grand total (pick);
    -- the grand total (收入总计, with 上年结转) for a 收入总表 that counts 上年结转结余 among its sources (pick_grand)
    select *,
           row_number() over (
               partition by document_id
               order by {{ regexp_like("label", "'^(本年|当年)收入(合计|小计)$'") }} desc, is_grand_total desc, row_no) as pick,
           row_number() over (partition by document_id order by is_grand_total desc, row_no desc)         as pick_grand
    from summary_sides
    where table_kind = 'income_expenditure_summary' and side_no = 1
      and ({{ regexp_like("label", "'^(本年|当年)收入(合计|小计)$'") }} or is_grand_total)
),

income_totals as (
    -- a 收入总表's 合计, and whether its sources include 上年结转结余 (珠海, 杭州 print it as a source column)
    select * from (
        select *, bool_or(column_role = 'opening_balance' and amount_yuan <> 0)
                      over (partition by document_id, table_no)                   as counts_opening_balance
        from v
        where table_kind = 'income_summary'
    ) as income_rows
    where row_kind = 'total' and code is null and column_role = 'total'
),

coded as (
    select * from v
    where table_kind in ('income_summary', 'expenditure_summary', 'function_expenditure')
),

-- the tree sums of tables that print their codes: a table printed with names only had its sums proved when its
-- levels were read (parse event outline_from_sums), and its codes, learnt by name path, may stop at the 类
printed_codes as (
    select * from coded
    where not exists (select 1 from v as named where named.document_id = coded.document_id
                      and named.table_no = coded.table_no and named.code_source = 'name_path')
),

expenditure_cells as (
    -- a table printing 基本支出 only as its two columns 人员经费/支出 and 公用经费/支出 (湖州, 杭州: no 小计) has
    -- them as the 基本支出 part; a table with a 基本支出 column has them inside it (not parts of the row again)
    -- the columns rule_total_equals_parts reads, column_role remapped (no `* replace`: DuckDB-only)
    select document_id, table_no, row_no, amount_yuan, column_label, file_name, department_name, table_title,
           row_page, unit, code, row_name, row_x0, row_top, row_x1, row_bottom,
           case when column_role in ('personnel', 'public_operating') and not has_basic then 'basic'
                else column_role end as column_role
    from (
        select *, bool_or(column_role = 'basic') over (partition by document_id, table_no) as has_basic
        from v where table_kind in ('expenditure_summary', 'function_expenditure')
    ) as with_basic
),

fiscal_expenditure_cells as (
    select * from v where table_kind = 'fiscal_appropriation_summary' and side_no = 2
),

three_public_cells as (
    select * from v where table_kind = 'three_public_expenses'
),

fiscal_fund_totals as (
    -- the year's expenditure: 本年支出合计 where printed (a 决算's 总计 adds 年末结转和结余), else 支出总计
    select *, row_number() over (
        partition by document_id, column_role
        order by {{ regexp_like("regexp_replace(row_name, '\s', '', 'g')", "'^(本年|当年)支出(合计|小计)$'") }} desc, row_no) as pick
    from v
    where table_kind = 'fiscal_appropriation_summary' and side_no = 2 and row_kind = 'total'
      and {{ regexp_like("regexp_replace(row_name, '\s', '', 'g')", "'^(本年|当年)支出(合计|小计)$|总计$'") }}
      and column_role in ('general_public', 'government_fund', 'state_capital')
),

function_table_totals as (
    select * from v
    where table_kind = 'function_expenditure' and row_kind = 'total' and code is null
      and column_role in ('total', 'current_expenditure')
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
      and stage = 'budget'  -- a budget balances per code; a 决算 carries balances and spends 年初结转 funds
),

income_code_totals as (
    select * from code_amounts where table_kind = 'income_summary' and column_role = 'total'
),

expenditure_code_amounts as (
    select * from code_amounts where table_kind = 'expenditure_summary'
),

general_public_code_amounts as (
    select * from code_amounts
    where table_kind = 'function_expenditure' and fund_type = 'general_public'
      and document_id in (select document_id from only_general_public)
),

function_class_names as (
    -- a 类 row's name as the 收支总表 prints it: ordinal (一、) and white space removed
    select *, regexp_replace(regexp_replace(row_name, '^[一二三四五六七八九十]+[、.．]', ''), '\s', '', 'g') as class_name
    from v
    where length(code) = 3 and table_kind in ('expenditure_summary', 'function_expenditure')
      and column_role in ('total', 'current_expenditure')
),

summary_class_rows as (
    -- the 收支总表's expenditure rows that name a function 类 of the same document (code, else name)
    select s.*, regexp_replace(regexp_replace(s.row_name, '^[一二三四五六七八九十]+[、.．]', ''), '\s', '', 'g') as class_name,
           case s.table_kind when 'income_expenditure_summary' then 'expenditure_summary' else 'function_expenditure' end
                                                                                as function_table_kind,
           case s.table_kind when 'fiscal_appropriation_summary' then s.column_role end as summary_fund_type
    from v s
    where s.table_kind in ('income_expenditure_summary', 'fiscal_appropriation_summary') and s.side_no = 2
      and s.row_kind is distinct from 'total'
      and (s.table_kind = 'income_expenditure_summary' and s.column_role in ('current_expenditure', 'total', 'amount')
           or s.table_kind = 'fiscal_appropriation_summary' and s.column_role in ('general_public', 'government_fund', 'state_capital'))
),

economic_tables as (
    -- the 经济分类 tables of 一般公共预算 (财政拨款) funds and what they cover: 基本支出 or 项目支出 when the title
    -- says so, else the whole expenditure
    select *,
           table_coverage                                                          as coverage,
           count(*) over (partition by document_id, table_no, row_no, column_role) as role_cells
    from v
    where table_kind = 'economic_expenditure'
      and (table_title like '%一般公共预算%' or table_title like '%财政拨款%')
),

economic_totals as (
    -- the document's economic tables of one coverage (a table split over pages is several tables): their printed
    -- 合计 row, else Σ 类
    select document_id, stage, coverage,
           {{ printed_total_else_sum_of_classes() }}
    from economic_tables
    where column_role in ('total', 'amount') and (length(code) = 3 or (row_kind = 'total' and code is null))
      and role_cells = 1
    group by document_id, stage, coverage
),

general_public_function_classes as (
    -- a row with two cells of one role (a column given the wrong role) is not read soundly: the rule does not apply
    select *
    from (
        select *, bool_or(column_role = 'current_expenditure') over (partition by document_id, table_no) as prints_current,
               count(*) over (partition by document_id, table_no, row_no, column_role) as cells_of_role
        from v
        where table_kind = 'function_expenditure' and fund_type = 'general_public'
          and (length(code) = 3 or (row_kind = 'total' and code is null))
    ) as counted
    where cells_of_role = 1
),

function_totals as (
    -- the 一般公共预算 function tables' printed 合计 row, else Σ 类, per coverage: 基本支出, 项目支出, or the
    -- year's total (本年支出 in a 决算)
    select document_id, stage, coverage,
           {{ printed_total_else_sum_of_classes() }}
    from (
        select *, case column_role when 'basic' then 'basic' when 'project' then 'project' else 'total' end as coverage
        from general_public_function_classes
        where column_role in ('basic', 'project')
           or (column_role = 'current_expenditure' and prints_current)
           or (column_role = 'total' and not prints_current)
    ) as covered
    group by document_id, stage, coverage
),

checks as (
    select * from ({{ rule_same_amount('summary_balance', 'summary_totals', 'summary_totals',
        on="r.table_no = l.table_no and r.row_page = l.row_page and abs(r.row_top - l.row_top) < 1 and l.side_no = 1 and r.side_no > 1",
        subject="l.row_name || ' = ' || r.row_name", left_label='l.row_name', right_label='r.row_name') }}) as rule_rows
    union all
    select * from ({{ rule_same_amount('income_table_vs_summary', 'income_totals', 'summary_income',
        on="((l.counts_opening_balance and r.pick_grand = 1) or (not l.counts_opening_balance and r.pick = 1))",
        subject="'收入总表 ' || l.row_name || ' = 收支总表 ' || r.row_name",
        left_label="l.table_title || ' ' || l.row_name", right_label="r.table_title || ' ' || r.row_name") }}) as rule_rows
    union all
    select * from ({{ rule_code_tree_sum('function_tree_sum', 'printed_codes') }}) as rule_rows
    union all
    select * from ({{ rule_total_equals_parts('total_equals_parts', 'expenditure_cells', ['total', 'current_expenditure'],
        ['basic', 'project', 'remitted_to_superior', 'operating_expenditure', 'subsidy_to_affiliated'],
        '基本支出 + 项目支出', unmodelled_parts=true) }}) as rule_rows
    union all
    select * from ({{ rule_total_equals_parts('fiscal_summary_fund_sum', 'fiscal_expenditure_cells', ['total'],
        ['general_public', 'government_fund', 'state_capital'], '一般公共预算 + 政府性基金 + 国有资本经营',
        subject='row_subject') }}) as rule_rows
    union all
    select * from ({{ rule_same_amount('fiscal_summary_vs_function', 'fiscal_fund_totals', 'function_table_totals',
        on="r.fund_type = l.column_role and l.pick = 1",
        subject="l.column_label || ' vs ' || r.table_title",
        left_label="l.table_title || ' ' || l.column_label", right_label="r.table_title || ' ' || r.row_name") }}) as rule_rows
    union all
    select * from ({{ rule_total_equals_parts('three_public_parts', 'three_public_cells', ['total'],
        ['outbound_travel', 'official_vehicles', 'official_reception'], '因公出国(境)费 + 公务用车购置及运行费 + 公务接待费',
        group_extra={'measure': "coalesce(column_measure, '')"}, subject="trim('合计 ' || measure)", unmodelled_parts=true) }}) as rule_rows
    union all
    select * from ({{ rule_total_equals_parts('three_public_parts', 'three_public_cells', ['subtotal'],
        ['outbound_travel', 'official_vehicles', 'official_reception'], '因公出国(境)费 + 公务用车购置及运行费 + 公务接待费',
        group_extra={'measure': "coalesce(column_measure, '')"}, subject="trim('小计 ' || measure)") }}) as rule_rows
    union all
    select * from ({{ rule_total_equals_parts('three_public_parts', 'three_public_cells', ['official_vehicles'],
        ['vehicle_purchase', 'vehicle_operation'], '购置费 + 运行费',
        group_extra={'measure': "coalesce(column_measure, '')"}, subject="trim('公务用车购置及运行费 ' || measure)") }}) as rule_rows
    union all
    select * from ({{ rule_same_amount('same_code_same_amount', 'income_code_totals', 'expenditure_code_amounts',
        on="r.code = l.code and r.column_role = l.column_role",
        subject="l.code || ' ' || l.row_name || ' / ' || l.column_role",
        left_label='l.table_title', right_label='r.table_title', located_on='r') }}) as rule_rows
    union all
    select * from ({{ rule_same_amount('same_code_same_amount', 'expenditure_code_amounts', 'general_public_code_amounts',
        on="r.code = l.code and r.column_role = l.column_role and l.column_role in ('total', 'basic', 'project')",
        subject="l.code || ' ' || l.row_name || ' / ' || l.column_role",
        left_label='l.table_title', right_label='r.table_title', located_on='r') }}) as rule_rows
    union all
    select * from ({{ rule_same_amount('summary_class_vs_function', 'summary_class_rows', 'function_class_names',
        on="r.table_kind = l.function_table_kind and r.stage is not distinct from l.stage
            and (l.summary_fund_type is null and r.fund_type is null or r.fund_type = l.summary_fund_type)
            and (r.code = l.code or l.code is null and r.class_name = l.class_name)",
        subject="r.code || ' ' || r.row_name || ' / ' || l.column_label",
        left_label="l.table_title || ' ' || l.row_name", right_label="r.table_title || ' ' || r.code || ' ' || r.row_name") }}) as rule_rows
    union all
    select * from ({{ rule_same_amount('function_vs_economic_total', 'economic_totals', 'function_totals',
        on="r.stage is not distinct from l.stage and r.coverage = l.coverage",
        subject="case l.coverage when 'basic' then '基本支出' when 'project' then '项目支出' else '合计' end",
        left_label="l.table_title || ' ' || l.amount_label", right_label="r.table_title || ' ' || r.amount_label") }}) as rule_rows
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
    cast(round((coalesce(left_yuan, 0) - coalesce(right_yuan, 0)) * 100) as bigint) as difference_cents,
    table_no,
    other_table_no,
    -- 证据 the image of the row where the difference shows (macros/evidence.sql), for a difference only
    case when cast(round((coalesce(left_yuan, 0) - coalesce(right_yuan, 0)) * 100) as bigint) <> 0 then
        {{ evidence_path('document_id', 'source_page', 'bbox_x0', 'bbox_top', 'bbox_x1', 'bbox_bottom') }}
    end                                                                             as evidence_path
from checks
