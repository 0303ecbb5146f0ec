"""Data quality with Great Expectations: suites, the runner, the per-document gate.

- :mod:`.suites` — each suite in one place: the SQL of its batch and its expectations (and severities);
- :mod:`.runner` — GX context, checkpoints, outcomes, Data Docs built once per set of suites;
- :mod:`.store` — pruning GX's stored validation results;
- :mod:`.gate` — the per-document gate before dbt (quarantine on critical failures);
- :mod:`.data_docs` — the Data Docs site builder whose pages open offline.

No Dagster imports: ``orchestration.defs.quality.checks`` wires these into asset checks.
"""
