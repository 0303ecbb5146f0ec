-- One row per (document, parent line, amount column): the parent's amount
-- against the sum of its children. The rule is the macro budget_reconciliation
-- (macros/budget_hierarchy.sql), which the per-document GX gate renders too.
{{ budget_reconciliation(ref('int_budget_lines')) }}
