-- 项目支出绩效目标表 rows of every document, 1:1 with raw.budget_lines (renames and casts only;
-- int_budget_lines keeps loaded documents).
with source as (
    select * from {{ source('raw', 'budget_lines') }}
)

select
    source.document_id || ':' || cast(source.line_no as {{ dbt.type_string() }})
                                                        as budget_line_key,
    source.document_id,
    source.line_no,
    source.line_type,
    source.spending_unit,
    source.project_name,
    cast(source.amount_total as decimal(18, 2))                 as amount_total,
    cast(source.amount_fiscal_appropriation as decimal(18, 2))  as amount_fiscal_appropriation,
    cast(source.amount_special_account as decimal(18, 2))       as amount_special_account,
    cast(source.amount_other as decimal(18, 2))                 as amount_other,
    source.amount_columns_rule,
    source.goal_text,
    source.source_line,
    source.source_page,
    source.bbox_x0,
    source.bbox_top,
    source.bbox_x1,
    source.bbox_bottom
from source
