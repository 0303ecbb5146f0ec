{#-
  Year over year (issue 27 §2): one publication's amounts against the same department's publication of
  the year before, for the same stage (预算 vs 预算, 决算 vs 决算) and scope (部门 / 单位).

  facts: a relation with the publication columns (document_id, file_name, department_name, scope,
  fiscal_year, stage), source_page, amount_yuan (元) and the columns of `keys` (what makes one row of a
  publication: fund type and code, coverage and code, expense and fund) and `labels` (names printed
  with the key; the current year's spelling is kept, else the prior year's).

  The rule, written once:
  1. departments are matched by pairing_department_name (whitespace, 中国共产党 → 中共, the prefix 中共
     dropped and 委员会 → 委: 中国共产党江苏省委员会办公厅 2017 is 中共江苏省委办公厅 2018);
  2. a department × scope × stage × fiscal year is one publication (the current version; when two
     current documents remain, the first document id);
  3. a publication of year Y is paired with the one of year Y − 1 of the same department, scope and
     stage; a publication without a neighbour year is in no row;
  4. within a pair, rows are matched on `keys`; a row printed in one year only is kept with NULL on
     the other side and presence 'current_only' / 'prior_only' (not printed is not 0);
  5. change_yuan = current − prior (元), change_rate = change / prior (a fraction, 0.1234 = 12.34 %;
     NULL when the prior amount is 0 or either side is missing).
-#}
{% macro year_over_year(facts, keys, labels) -%}
with yoy_facts as (
    select *, {{ pairing_department_name('department_name') }} as department_match
    from {{ facts }}
),

yoy_publications as (
    -- one publication per department, scope, stage and year: the first by document id
    select department_match, scope, stage, fiscal_year, document_id, file_name, department_name
    from (
        select department_match, scope, stage, fiscal_year, document_id, file_name, department_name,
               row_number() over (partition by department_match, scope, stage, fiscal_year order by document_id)
                   as publication_rank
        from yoy_facts
        where fiscal_year is not null
    ) as ranked
    where publication_rank = 1
),

yoy_pairs as (
    select
        cur.department_match, cur.scope, cur.stage,
        cur.department_name, prior.department_name                  as prior_department_name,
        prior.fiscal_year                                           as prior_year,
        cur.fiscal_year                                             as current_year,
        prior.document_id                                           as prior_document_id,
        cur.document_id                                             as current_document_id,
        prior.file_name                                             as prior_file_name,
        cur.file_name                                               as current_file_name
    from yoy_publications as cur
    inner join yoy_publications as prior
        on prior.department_match = cur.department_match
       and prior.scope = cur.scope
       and prior.stage = cur.stage
       and prior.fiscal_year = cur.fiscal_year - 1
),

yoy_current as (
    select yoy_pairs.current_document_id as pair_current, yoy_pairs.prior_document_id as pair_prior, yoy_facts.*
    from yoy_facts inner join yoy_pairs on yoy_facts.document_id = yoy_pairs.current_document_id
),

yoy_prior as (
    select yoy_pairs.current_document_id as pair_current, yoy_pairs.prior_document_id as pair_prior, yoy_facts.*
    from yoy_facts inner join yoy_pairs on yoy_facts.document_id = yoy_pairs.prior_document_id
),

yoy_matched as (
    select
        coalesce(yoy_current.pair_current, yoy_prior.pair_current)          as pair_current,
        {% for key in keys -%}
        coalesce(yoy_current.{{ key }}, yoy_prior.{{ key }})                as {{ key }},
        {% endfor -%}
        {% for label in labels -%}
        coalesce(yoy_current.{{ label }}, yoy_prior.{{ label }})            as {{ label }},
        {% endfor -%}
        yoy_prior.source_page                                               as prior_page,
        yoy_current.source_page                                             as current_page,
        yoy_prior.amount_yuan                                               as prior_yuan,
        yoy_current.amount_yuan                                             as current_yuan
    from yoy_current
    full outer join yoy_prior
        on yoy_prior.pair_current = yoy_current.pair_current
       {% for key in keys -%}
       and yoy_prior.{{ key }} is not distinct from yoy_current.{{ key }}
       {% endfor %}
)

select
    yoy_pairs.department_name,
    yoy_pairs.prior_department_name,
    yoy_pairs.scope,
    yoy_pairs.stage,
    {% for key in keys -%}
    yoy_matched.{{ key }},
    {% endfor -%}
    {% for label in labels -%}
    yoy_matched.{{ label }},
    {% endfor -%}
    yoy_pairs.prior_year,
    yoy_pairs.current_year,
    yoy_matched.prior_yuan,
    yoy_matched.current_yuan,
    yoy_matched.current_yuan - yoy_matched.prior_yuan                        as change_yuan,
    case when yoy_matched.prior_yuan <> 0
         then round((yoy_matched.current_yuan - yoy_matched.prior_yuan) / yoy_matched.prior_yuan, 4) end
                                                                             as change_rate,
    {{ yuan_to_wan('yoy_matched.prior_yuan') }}                              as prior_wan,
    {{ yuan_to_wan('yoy_matched.current_yuan') }}                            as current_wan,
    {{ yuan_to_wan('(yoy_matched.current_yuan - yoy_matched.prior_yuan)') }}   as change_wan,
    case when yoy_matched.prior_yuan is null then 'current_only'
         when yoy_matched.current_yuan is null then 'prior_only'
         else 'both' end                                                     as presence,
    yoy_pairs.prior_document_id,
    yoy_pairs.current_document_id,
    yoy_pairs.prior_file_name,
    yoy_pairs.current_file_name,
    yoy_matched.prior_page,
    yoy_matched.current_page
from yoy_matched
inner join yoy_pairs on yoy_pairs.current_document_id = yoy_matched.pair_current
{%- endmacro %}
