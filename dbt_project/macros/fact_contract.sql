{#- The contract of a disclosure fact, checked on the rows a table of one document would publish
    (issue 26: no content of one document can fail the build for the others).

    contract_issue(key, required, accepted): a text naming the first rule the row breaks, NULL when it
    keeps them all — a required column NULL (`<column>_missing`), a value outside the accepted set
    (`<column>_not_accepted`), or the fact's key repeated within the document (`duplicate_key`; no
    key when the fact aggregates its cells, its key being its group by).
    held_back(): true on every row of a table (document × table_no) where any row breaks the contract:
    a table read unsoundly is held back alone, listed in rpt_disclosure_tables_held_back, and the
    document's other tables still publish. The marts' own error tests then hold by construction:
    they are invariants of the warehouse, not judgements of one document. -#}
{% macro contract_issue(key=[], required=[], accepted={}) -%}
    case
        {%- for column in required %}
        when {{ column }} is null then '{{ column }}_missing'
        {%- endfor %}
        {%- for column, values in accepted.items() %}
        when {{ column }} not in ({% for v in values %}'{{ v }}'{{ ", " if not loop.last }}{% endfor %})
            then '{{ column }}_not_accepted'
        {%- endfor %}
        {%- if key %}
        when count(*) over (partition by {{ key | join(', ') }}) > 1 then 'duplicate_key'
        {%- endif %}
    end
{%- endmacro %}

{% macro held_back() -%}
    bool_or(contract_issue is not null) over (partition by document_id, table_no)
{%- endmacro %}
