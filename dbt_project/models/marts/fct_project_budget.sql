-- One row per project: its budget in 万元 as published (*_wan) and in 元 (*_yuan, macro wan_to_yuan)
-- for BI users. Empty source cells stay NULL (an empty cell is not zero).
-- Incremental by document (macros/incremental_documents.sql): a drop rebuilds its own documents' rows.
-- depends_on: {{ ref('int_documents') }}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='document_id',
          on_schema_change='append_new_columns', pre_hook="{{ drop_documents_not_current() }}",
          post_hook="{{ record_build_watermark() }}") }}
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
{% if is_incremental() %}
where document_id in {{ documents_to_rebuild() }}
{% endif %}
