{#- The name two documents' project rows are matched by (rpt_targets_vs_budget_projects): white space of
    every width removed and full-width brackets, colon and comma written half-width (the same project is
    printed 政务信息化项目（系统业务运营服务） in one table and 政务信息化项目(系统业务运营服务) in another).
    Names beyond these rules stay two projects, each reported as found in one document only. -#}
{% macro project_match_name(column) -%}
    translate(regexp_replace({{ column }}, '\s|　', '', 'g'), '（）：，', '():,')
{%- endmacro %}
