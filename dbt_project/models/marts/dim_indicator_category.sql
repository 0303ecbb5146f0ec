-- 绩效指标分类维度 one row per official indicator category (seed indicator_category):
-- level-1 (产出/效益/满意度) and level-2 (数量…服务对象满意度) codes with their parent.
with categories as (
    select * from {{ ref('indicator_category') }}
)

select
    categories.category_code,
    categories.category_level,
    categories.parent_code,
    categories.category_name_zh,
    categories.category_name_en,
    {{ category_short_name('categories.category_name_zh') }}   as category_short_name_zh,
    categories.category_code || '-' || categories.category_name_zh
                                                                as category_label,
    parents.category_name_zh                                    as parent_name_zh,
    parents.category_name_en                                    as parent_name_en
from categories
left join categories as parents
    on categories.parent_code = parents.category_code
