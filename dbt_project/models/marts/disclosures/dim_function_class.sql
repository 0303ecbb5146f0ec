-- 功能分类科目 the function-class code tree as printed in the disclosures:
-- one row per code (类 204, 款 20406, 项 2040601) with its most frequent name
-- and every name variant seen, and the number of documents printing it.
with coded as (
    select distinct document_id, code, class_code, section_code, item_code, row_name
    from {{ ref('int_disclosure_values') }}
    where table_kind in ('function_expenditure', 'expenditure_summary', 'income_summary')
      and code is not null and row_name is not null
),

names as (
    select code, row_name, count(distinct document_id) as documents
    from coded
    group by code, row_name
)

select
    coded.code                                                          as function_code,
    case length(coded.code) when 3 then 'class' when 5 then 'section' when 7 then 'item' end as function_level,
    any_value(coded.class_code)                                         as class_code,
    any_value(coded.section_code)                                       as section_code,
    any_value(coded.item_code)                                          as item_code,
    -- the nearest ancestor printed: 项 → its 款, else its 类 (a table of 项 codes only, as 北京 prints
    -- them, has no 款 row); NULL for a 类 or when no ancestor is printed in any document
    coalesce(
        case when length(coded.code) > 3 and left(coded.code, length(coded.code) - 2) in (select code from coded)
             then left(coded.code, length(coded.code) - 2) end,
        case when length(coded.code) > 5 and left(coded.code, length(coded.code) - 4) in (select code from coded)
             then left(coded.code, length(coded.code) - 4) end
    )                                                                   as parent_code,
    (select n.row_name from names n where n.code = coded.code order by n.documents desc, n.row_name limit 1) as function_name,
    {{ sorted_distinct_list("coded.row_name") }}                         as name_variants,
    count(distinct coded.document_id)                                   as document_count
from coded
group by coded.code
