{#- The name a 自评表's indicator and a published target are matched by (rpt_targets_vs_outcomes): the printed
    name with white space, quotes, brackets and punctuation removed (full- and half-width alike), so that
    “三公”经费控制率 = "三公"经费控制率 = 三公经费控制率. Names are otherwise compared exactly: what differs beyond this
    stays unmatched and is listed as such. -#}
{% macro indicator_name_key(column) -%}
    nullif(regexp_replace(lower({{ column }}), '[[:space:]“”"''‘’「」（）()【】\[\]、，,。.：:；;!！?？·—\-_/／]', '', 'g'), '')
{%- endmacro %}
