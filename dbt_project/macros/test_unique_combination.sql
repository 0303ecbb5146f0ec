{#
  Generic test: the combination of `columns` is unique in the model (no two
  rows share it). Usage in YAML, at model level:
    data_tests:
      - unique_combination:
          arguments:
            columns: [document_id, fund_type, function_code]
#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as rows_with_key
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
