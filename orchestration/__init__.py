"""Budget performance-target warehouse: the Dagster code location.

Read in this order to follow one document from the inbox to a mart:
``parsing/`` (pure parsers) → ``ingest.py`` (register, parse, quarantine) →
``warehouse.py`` (raw tables) → ``defs/`` (Dagster wiring, one folder per domain) →
``dbt_project/models`` (marts) → ``quality/`` (GX suites, gate) → ``cli.py``.
"""
