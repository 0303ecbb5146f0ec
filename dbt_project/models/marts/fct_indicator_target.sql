-- One row per 绩效指标 performance indicator of a loaded document (current versions):
-- the public fact of int_indicator_targets (taxonomy check, value × scale, target mismatches).
select * from {{ ref('int_indicator_targets') }}
