-- One row per project: its budget in 万元 as published (*_wan) and in 元 (*_yuan, macro wan_to_yuan)
-- for BI users. Empty source cells stay NULL (an empty cell is not zero).
select
    project_key,
    document_id,
    department_key,
    spending_unit_key,
    department,
    fiscal_year,
    spending_unit,
    project_name,
    amount_total                                                  as amount_total_wan,
    amount_fiscal_appropriation                                   as amount_fiscal_appropriation_wan,
    amount_special_account                                        as amount_special_account_wan,
    amount_other                                                  as amount_other_wan,
    {{ wan_to_yuan('amount_total') }}  as amount_total_yuan,
    {{ wan_to_yuan('amount_fiscal_appropriation') }}  as amount_fiscal_appropriation_yuan,
    {{ wan_to_yuan('amount_special_account') }}  as amount_special_account_yuan,
    {{ wan_to_yuan('amount_other') }}  as amount_other_yuan
from {{ ref('int_projects') }}
