-- The department-wide form's budget is one sum seen three ways (2026 部门整体预算绩效目标申报表):
-- 基本支出 + 项目支出 = income (总额, or Σ 财政拨款 + 财政专户 + 其他资金) = 市本级使用资金 + 对下转移支付资金.
-- One row per document and pair of sides that disagree, both sides printed; compared in whole cents.
-- A difference printed in the source is a finding (the parser's department_budget_difference event),
-- never a reason to drop the document: severity warn.
{{ config(severity='warn') }}

with income as (
    select * from {{ ref('fct_department_income') }}
),

sides as (
    select
        document_id,
        case when expenditure_basic_yuan is not null or expenditure_project_yuan is not null
            then coalesce(expenditure_basic_yuan, 0) + coalesce(expenditure_project_yuan, 0) end   as by_kind_yuan,
        income_total_yuan                                                                       as by_source_yuan,
        case when own_level_use_yuan is not null or transfer_to_lower_levels_yuan is not null
            then coalesce(own_level_use_yuan, 0) + coalesce(transfer_to_lower_levels_yuan, 0) end  as by_level_yuan
    from income
),

pairs as (
    select document_id, 'by_kind = by_source' as identity, by_kind_yuan as left_yuan, by_source_yuan as right_yuan from sides
    union all
    select document_id, 'by_source = by_level', by_source_yuan, by_level_yuan from sides
)

select
    document_id,
    identity,
    left_yuan,
    right_yuan,
    cast(round((left_yuan - right_yuan) * 100) as bigint) as difference_cents
from pairs
where left_yuan is not null
  and right_yuan is not null
  and cast(round((left_yuan - right_yuan) * 100) as bigint) <> 0
