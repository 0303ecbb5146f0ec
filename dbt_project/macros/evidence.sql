{#- Where a finding's evidence is kept, relative to WAREHOUSE_DIR (issue 27 §3): one file per document, page
    and region, named by a hash of what it shows, so that the same region is rendered once however many findings
    point at it, and a region that changes gets a new file. The Python renderer
    (orchestration/reporting/evidence.py, asset evidence_images) reads the path from marts.rpt_review_queue and
    writes the file there; this macro is the only place the name is made.
      page known (PDF, or a page of another format):  evidence/<document_id>/p<page>-<12 hex>.png
      no page, a line known (a text extract):          evidence/<document_id>/l<line>.txt (the lines around it)
      neither:                                         NULL (nothing to show) -#}
{% macro evidence_path(document_id, page, x0='null', top='null', x1='null', bottom='null', needle='null', line='null') -%}
    case
        when {{ document_id }} is null then null
        when {{ page }} is not null then
            'evidence/' || {{ document_id }} || '/p' || cast({{ page }} as varchar) || '-'
            || substr(md5(concat_ws('|', cast({{ page }} as varchar),
                                    coalesce({{ rounded_text(x0, 1) }}, ''),
                                    coalesce({{ rounded_text(top, 1) }}, ''),
                                    coalesce({{ rounded_text(x1, 1) }}, ''),
                                    coalesce({{ rounded_text(bottom, 1) }}, ''),
                                    coalesce(cast({{ needle }} as varchar), ''))), 1, 12) || '.png'
        when {{ line }} is not null then
            'evidence/' || {{ document_id }} || '/l' || cast({{ line }} as varchar) || '.txt'
    end
{%- endmacro %}
