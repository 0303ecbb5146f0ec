{#- The contract of a disclosure fact, checked on the rows a table of one document would publish
    (issue 26: no content of one document can fail the build for the others).

    contract_issue(key, required, accepted, rules): a text naming the first rule the row breaks, NULL
    when it keeps them all — a required column NULL (`<column>_missing`), a value outside the accepted
    set (`<column>_not_accepted`), the fact's key repeated within the document (`duplicate_key`; no key
    when the fact aggregates its cells, its key being its group by), or a named rule (rules: an ordered
    mapping issue name → SQL condition true when the row breaks it, e.g. a key the fact's
    relationships test needs to find in its parent: `department_key_unknown`).
    held_back(partition): true on every row of a table (by default document × table_no; a department
    target form's part: document, or document × task) where any row breaks the contract: a table read
    unsoundly is held back alone, listed in rpt_disclosure_tables_held_back, and the document's other
    tables still publish. The marts' own error tests then hold by construction: they are invariants of
    the warehouse, not judgements of one document. -#}
{% macro contract_issue(key=[], required=[], accepted={}, rules={}) -%}
    case
        {%- for column in required %}
        when {{ column }} is null then '{{ column }}_missing'
        {%- endfor %}
        {%- for column, values in accepted.items() %}
        when {{ column }} not in ({% for v in values %}'{{ v }}'{{ ", " if not loop.last }}{% endfor %})
            then '{{ column }}_not_accepted'
        {%- endfor %}
        {%- for issue, condition in rules.items() %}
        when {{ condition }} then '{{ issue }}'
        {%- endfor %}
        {%- if key %}
        when count(*) over (partition by {{ key | join(', ') }}) > 1 then 'duplicate_key'
        {%- endif %}
    end
{%- endmacro %}

{% macro held_back(partition=['document_id', 'table_no']) -%}
    bool_or(contract_issue is not null) over (partition by {{ partition | join(', ') }})
{%- endmacro %}

{#- The department keys dim_department publishes (the current, loaded documents that name a department):
    a department-target row whose key is not among them would break the marts' relationships test
    (rule department_key_unknown of contract_issue). -#}
{% macro published_department_keys() -%}
    (select {{ department_key('department') }} from {{ ref('int_documents') }}
     where is_loaded and is_current and department is not null)
{%- endmacro %}
