-- The review list of disclosure tables that did not publish into a fact, and of cells a fact
-- leaves out: one row per document × table × fact × issue, with the pages and an example label,
-- so that a table read unsoundly is seen by a person instead of failing the build for everyone
-- (issue 26). is_table_held_back false: only the listed cells were left out (a column that is no
-- 三公 item, e.g. 会议费); the rest of the table published.
with rows_checked as (
    select 'fct_budget_income' as fact, document_id, file_name, department_name, fiscal_year, table_no,
           table_title, source_page, contract_issue, is_held_back, income_source_label as label
    from {{ ref('int_budget_income_rows') }}
    union all
    select 'fct_three_public_expenses', document_id, file_name, department_name, fiscal_year, table_no,
           table_title, source_page, contract_issue, is_held_back, expense_label
    from {{ ref('int_three_public_expense_rows') }}
    union all
    select 'fct_function_expenditure', document_id, file_name, department_name, fiscal_year, table_no,
           table_title, source_page, contract_issue, is_held_back, column_label
    from {{ ref('int_function_expenditure_rows') }}
)

select
    fact,
    document_id,
    any_value(file_name)                                        as file_name,
    any_value(department_name)                                  as department_name,
    any_value(fiscal_year)                                      as fiscal_year,
    table_no,
    any_value(table_title)                                      as table_title,
    min(source_page)                                            as first_page,
    max(source_page)                                            as last_page,
    contract_issue,
    bool_or(is_held_back)                                       as is_table_held_back,
    count(*)                                                    as cells,
    min(label)                                                  as example_label
from rows_checked
where contract_issue is not null
group by fact, document_id, table_no, contract_issue
