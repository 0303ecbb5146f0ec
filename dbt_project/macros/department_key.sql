{#-
  Department join key shared by both document kinds (项目支出绩效目标表 and
  部门整体绩效目标): the hash of the normalized department name.

  Normalization rule (the same department is spelled differently across
  publications): whitespace removed, the long party prefix 中国共产党 written
  as its standard short form 中共 (中国共产党广州市荔湾区委员会宣传部 →
  中共广州市荔湾区委员会宣传部). The parser already drops the form marker
  （部门）. Names are otherwise compared exactly: two different spellings
  beyond these rules stay two departments (visible in dim_department).
-#}
{% macro normalized_department_name(column) -%}
    replace(replace({{ column }}, ' ', ''), '中国共产党', '中共')
{%- endmacro %}

{% macro department_key(column) -%}
    {{ dbt.hash(normalized_department_name(column)) }}
{%- endmacro %}

{#- The department of a document that names none (a single-project form without 主管部门 / 预算部门 /
    单位名称): loaded, never dropped, and kept apart from every other document by its file name, so
    that two such files are not taken for versions of one publication. The missing name is a finding
    (parse event department_unknown; stg_documents.is_department_unknown). -#}
{% macro department_or_unknown(department, file_name) -%}
    coalesce(nullif(trim({{ department }}), ''), '（部门未知）' || {{ file_name }})
{%- endmacro %}

{#- The name a prose disclosure (部门预算公开文件) and the tables file of the same department are paired by
    (rpt_narrative_vs_tables): the normalized name with the party prefix 中共 dropped and 委员会 written 委,
    since the two files of one department spell it differently (江苏省委办公厅 in the prose, 中共江苏省委办公厅
    or 中国共产党江苏省委员会办公厅 on the tables). -#}
{% macro pairing_department_name(column) -%}
    replace(replace({{ normalized_department_name(column) }}, '中共', ''), '委员会', '委')
{%- endmacro %}
