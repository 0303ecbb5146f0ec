{#
  The budget-line hierarchy and its reconciliation rule, written once (portable SQL).

  int_budget_lines and int_budget_reconciliation are built from these macros, and the
  per-document GX gate (orchestration/quality/suites.py, suite staging_reconciliation)
  renders the same two macros over the raw rows of the documents it gates: it must decide
  before dbt runs, so it cannot read the models, but it runs their SQL, not a copy of it.
  Plain Jinja only (no ref/source; dbt.type_string() is the one adapter call) so that the
  gate can render them outside dbt (orchestration/quality/dbt_macros.py).

  budget_line_parents(lines): every row of `lines` (document_id, line_no, line_type …) with
  preceding_unit_line_no, total_line_no and parent_line_no. The parent is found by position
  (lines are in document order: total, unit, its projects, next unit ...), not by name:
    project          → nearest preceding spending_unit row, else the total row
    spending_unit    → the department_total row
    department_total → none
#}
{% macro budget_line_parents(lines) -%}
    select
        positioned.*,
        case
            when line_type = 'project' then coalesce(preceding_unit_line_no, total_line_no)
            when line_type = 'spending_unit' then total_line_no
        end as parent_line_no
    from (
        select
            {{ lines }}.*,
            max(case when line_type = 'spending_unit' then line_no end) over (
                partition by document_id
                order by line_no
                rows between unbounded preceding and current row
            ) as preceding_unit_line_no,
            max(case when line_type = 'department_total' then line_no end) over (
                partition by document_id
            ) as total_line_no
        from {{ lines }}
    ) as positioned
{%- endmacro %}

{#
  budget_reconciliation(lines): one row per (document, parent line, amount column) of `lines`
  (rows with parent_line_no, from budget_line_parents): the parent's amount against the sum of
  its children (projects → their spending unit; units → the 合计 department total; projects
  directly under the total when the document has no unit rows).

  NULL (empty) cells count as 0 in the comparison, so a parent left empty with all children
  empty is reconciled. parent_amount / children_sum keep the NULLs so a reader can tell
  "empty" from "0.00". A parent without any child line is still listed (children_count = 0):
  a subtotal with nothing under it is a difference unless it is empty or zero.

  This is the reconciliation rule of the warehouse. The parser's reconciliation_difference
  events (orchestration/parsing/amounts.py, reconciliation_events) are a different thing: a
  parse finding in words, on the rows as printed, and they do not compare the 合计 with
  projects printed directly under it.
#}
{% macro budget_reconciliation(lines) -%}
    with amounts as (
        -- One row per amount column (UNION ALL: portable SQL).
        select document_id, line_no, line_type, parent_line_no, spending_unit,
               'amount_total' as amount_column, 1 as amount_column_order,
               amount_total as amount
        from {{ lines }}
        union all
        select document_id, line_no, line_type, parent_line_no, spending_unit,
               'amount_fiscal_appropriation', 2, amount_fiscal_appropriation
        from {{ lines }}
        union all
        select document_id, line_no, line_type, parent_line_no, spending_unit,
               'amount_special_account', 3, amount_special_account
        from {{ lines }}
        union all
        select document_id, line_no, line_type, parent_line_no, spending_unit,
               'amount_other', 4, amount_other
        from {{ lines }}
    ),

    parents as (
        select *
        from amounts
        where line_type in ('department_total', 'spending_unit')
    ),

    children as (
        select
            document_id,
            parent_line_no,
            amount_column,
            count(*)                                                     as children_count,
            sum(case when line_type = 'spending_unit' then 1 else 0 end) as unit_children_count,
            sum(amount)                                                  as children_sum
        from amounts
        where parent_line_no is not null
        group by document_id, parent_line_no, amount_column
    ),

    compared as (
        select
            parents.document_id,
            parents.line_no                                          as parent_line_no,
            parents.line_type                                        as parent_line_type,
            parents.spending_unit,
            case
                when parents.line_type = 'spending_unit' then 'project'
                when coalesce(children.unit_children_count, 0) > 0 then 'spending_unit'
                else 'project'
            end                                                      as children_line_type,
            parents.amount_column,
            parents.amount_column_order,
            coalesce(children.children_count, 0)                     as children_count,
            parents.amount                                           as parent_amount,
            cast(children.children_sum as decimal(18, 2))            as children_sum,
            cast(
                coalesce(parents.amount, 0) - coalesce(children.children_sum, 0)
                as decimal(18, 2)
            )                                                        as difference
        from parents
        left join children
            on parents.document_id = children.document_id
           and parents.line_no = children.parent_line_no
           and parents.amount_column = children.amount_column
    )

    select
        document_id
            || ':' || cast(parent_line_no as {{ dbt.type_string() }})
            || ':' || amount_column                                  as reconciliation_key,
        document_id,
        parent_line_no,
        parent_line_type,
        spending_unit,
        children_line_type,
        amount_column,
        amount_column_order,
        children_count,
        parent_amount,
        children_sum,
        difference,
        abs(difference) < 0.005                                      as is_reconciled
    from compared
{%- endmacro %}
