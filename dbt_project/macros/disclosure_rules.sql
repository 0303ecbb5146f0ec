{#- The three shapes of the cross-table rules of a 部门预算 / 部门决算 disclosure (rpt_disclosure_checks),
    each written once. Every macro returns one SELECT (wrap it in parentheses to union it) whose rows are
    the checks of one rule, in the columns of rpt_disclosure_checks' `checks`:
    document_id, file_name, department_name, rule, table_no, table_title, source_page, subject,
    left_label, left_yuan, right_label, right_yuan, unit, bbox_x0, bbox_top, bbox_x1, bbox_bottom,
    other_table_no (the second table of a cross-table rule, NULL for a rule inside one table).
    Amounts are 元 (amount_yuan of int_disclosure_values); a check holds when left = right to the cent. -#}

{#- total = Σ parts, per group (by default a printed row: document × table × row).
    rule: its name; cells: a relation of int_disclosure_values cells (a CTE name); total_roles: the roles of the
    total column (a rule applies to a group with exactly one total cell); part_roles: the modelled parts (a rule
    applies to a group with at least one of them); part_label: how the right side is named;
    group_extra: {alias: SQL expression} more group keys (e.g. the 三公 measure); subject: SQL over the group's
    row_subject and group_extra aliases; unmodelled_parts: a column the readers gave no role (单位预留机动经费,
    会议费, 培训费) may be one of the table's own parts: the reading is chosen per table by the arithmetic -
    the unmodelled columns count as parts where that makes more of the table's rows hold than without them. -#}
{% macro rule_total_equals_parts(rule, cells, total_roles, part_roles, part_label, group_extra={},
                                 subject='row_subject', unmodelled_parts=false) -%}
    {%- set totals = "'" ~ total_roles | join("', '") ~ "'" -%}
    {%- set parts = "'" ~ part_roles | join("', '") ~ "'" -%}
    with grouped as (
        select
            document_id, table_no, row_no,
            {%- for alias, expression in group_extra.items() %}
            {{ expression }} as {{ alias }},
            {%- endfor %}
            sum(amount_yuan) filter (where column_role in ({{ totals }}))                      as total_yuan,
            coalesce(sum(amount_yuan) filter (where column_role in ({{ parts }})), 0)          as parts_yuan,
            coalesce(sum(amount_yuan) filter (where column_role is null), 0)                   as unmodelled_yuan,
            string_agg(distinct column_label, ' + ' order by column_label) filter (where column_role is null and amount_yuan is not null)
                                                                                               as unmodelled_labels,
            count(*) filter (where column_role in ({{ totals }}))                              as total_cells,
            count(*) filter (where column_role in ({{ parts }}))                               as part_cells,
            any_value(file_name) as file_name, any_value(department_name) as department_name,
            any_value(table_title) as table_title, min(row_page) as row_page, any_value(unit) as unit,
            any_value(coalesce(code || ' ', '') || coalesce(row_name, ''))                    as row_subject,
            any_value(row_x0) as row_x0, any_value(row_top) as row_top,
            any_value(row_x1) as row_x1, any_value(row_bottom) as row_bottom
        from {{ cells }}
        group by document_id, table_no, row_no{% for alias in group_extra %}, {{ group_extra[alias] }}{% endfor %}
    ),

    applicable as (
        select * from grouped where total_cells = 1 and part_cells > 0
    ),

    reading as (
        -- the table's own parts, judged by its arithmetic: with its unmodelled columns when that makes more rows hold
        select document_id, table_no,
               {% if unmodelled_parts -%}
               count(*) filter (where total_yuan = parts_yuan + unmodelled_yuan and unmodelled_yuan <> 0)
                   > count(*) filter (where total_yuan = parts_yuan)
               {%- else -%} false {%- endif %}                                                 as counts_unmodelled
        from applicable
        group by document_id, table_no
    )

    select
        applicable.document_id, file_name, department_name, '{{ rule }}' as rule, applicable.table_no, table_title,
        row_page as source_page, {{ subject }} as subject,
        '合计' as left_label, total_yuan as left_yuan,
        case when counts_unmodelled and unmodelled_labels is not null
             then '{{ part_label }} + ' || unmodelled_labels else '{{ part_label }}' end as right_label,
        parts_yuan + case when counts_unmodelled then unmodelled_yuan else 0 end as right_yuan,
        unit, row_x0 as bbox_x0, row_top as bbox_top, row_x1 as bbox_x1, row_bottom as bbox_bottom,
        cast(null as integer) as other_table_no
    from applicable
    inner join reading using (document_id, table_no)
{%- endmacro %}

{#- A 类 = Σ its 款, a 款 = Σ its 项 (a code's children: two digits longer, same prefix), and the table's 合计
    row = Σ its 类 rows, per amount column, inside one table. cells: a relation of coded table cells. -#}
{% macro rule_code_tree_sum(rule, cells) -%}
    with children as (
        select p.document_id, p.table_no, p.column_no, p.code,
               sum(c.amount_yuan) as children_yuan, count(*) as child_count
        from {{ cells }} p
        inner join {{ cells }} c
            on c.document_id = p.document_id and c.table_no = p.table_no and c.column_no = p.column_no
           and c.code is not null and p.code is not null
           and length(c.code) = length(p.code) + 2 and starts_with(c.code, p.code)
        group by p.document_id, p.table_no, p.column_no, p.code
    ),

    class_sums as (
        select document_id, table_no, column_no, sum(amount_yuan) as classes_yuan
        from {{ cells }} where length(code) = 3
        group by document_id, table_no, column_no
    )

    select
        p.document_id, p.file_name, p.department_name, '{{ rule }}' as rule, p.table_no, p.table_title,
        p.row_page as source_page, p.code || ' ' || p.row_name || ' / ' || p.column_label as subject,
        p.code || ' ' || p.row_name as left_label, p.amount_yuan as left_yuan,
        'Σ ' || c.child_count || ' sub-codes' as right_label, c.children_yuan as right_yuan, p.unit,
        p.row_x0, p.row_top, p.row_x1, p.row_bottom, cast(null as integer) as other_table_no
    from {{ cells }} p
    inner join children c using (document_id, table_no, column_no, code)
    union all
    select
        t.document_id, t.file_name, t.department_name, '{{ rule }}', t.table_no, t.table_title,
        t.row_page, t.row_name || ' / ' || t.column_label,
        t.row_name, t.amount_yuan, 'Σ 类 rows', s.classes_yuan, t.unit,
        t.row_x0, t.row_top, t.row_x1, t.row_bottom, cast(null as integer)
    from {{ cells }} t
    inner join class_sums s using (document_id, table_no, column_no)
    where t.row_kind = 'total' and t.code is null
{%- endmacro %}

{#- The same amount printed in two places (two rows of one table, or two tables of one document): one check per
    pair of left and right amounts joined by `on` (SQL over l and r; same document always).
    left / right: relations with the cell columns of int_disclosure_values; subject, left_label, right_label:
    SQL over l and r; located_on: 'l' or 'r', the side whose row locates the check (page and bbox). -#}
{% macro rule_same_amount(rule, left, right, on, subject, left_label, right_label, located_on='l') -%}
    select
        l.document_id, l.file_name, l.department_name, '{{ rule }}' as rule,
        {{ located_on }}.table_no, {{ located_on }}.table_title, {{ located_on }}.row_page as source_page,
        {{ subject }} as subject,
        {{ left_label }} as left_label, l.amount_yuan as left_yuan,
        {{ right_label }} as right_label, r.amount_yuan as right_yuan, l.unit,
        {{ located_on }}.row_x0 as bbox_x0, {{ located_on }}.row_top as bbox_top,
        {{ located_on }}.row_x1 as bbox_x1, {{ located_on }}.row_bottom as bbox_bottom,
        nullif({{ 'r' if located_on == 'l' else 'l' }}.table_no, {{ located_on }}.table_no) as other_table_no
    from {{ left }} l
    inner join {{ right }} r on r.document_id = l.document_id and {{ on }}
{%- endmacro %}


{#- The total of a group of table rows (one amount column, 元): the printed 合计 row (a total row
    without code) when the group has one, else Σ of its 类 rows (3-digit codes); with the label saying
    which, the first table and page, and no row box (several rows stand behind it). The select list of
    an aggregate grouped by document, stage and coverage (rpt_disclosure_checks: function_vs_economic_total). -#}
{% macro printed_total_else_sum_of_classes() -%}
coalesce(sum(amount_yuan) filter (where row_kind = 'total' and code is null),
                    sum(amount_yuan) filter (where length(code) = 3))                 as amount_yuan,
           case when count(*) filter (where row_kind = 'total' and code is null) > 0 then '合计' else 'Σ 类' end
                                                                                        as amount_label,
           min(table_no) as table_no, any_value(table_title) as table_title,
           coalesce(min(row_page) filter (where row_kind = 'total' and code is null), min(row_page)) as row_page,
           any_value(unit) as unit,
           any_value(file_name) as file_name, any_value(department_name) as department_name,
           cast(null as float8) as row_x0, cast(null as float8) as row_top,
           cast(null as float8) as row_x1, cast(null as float8) as row_bottom
{%- endmacro %}
