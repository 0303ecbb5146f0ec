"""The Dagster definitions, one folder per domain, loaded by ``orchestration/definitions.py`` (``load_defs``).

- ``ingestion/`` — the inbox sensor and the staging assets (``source_documents``,
  ``staged_documents`` the run's documents, ``raw/*``);
- ``transformation/`` — the dbt project (prepared by a preparer) and its models as assets;
- ``quality/`` — the GX suites as asset checks (the per-document gate is emitted by ``stage_documents``);
- ``serving/`` — ``serving_database``: the marts published for readers;
- ``reporting/`` — ``document_summary``, ``warehouse_report`` and ``warehouse_export``;
- ``alerting/`` — ``quality_alert_sensor``;
- ``jobs.py`` — ``main_job``, ``nightly_rebuild_job`` and its schedule (they span the domains);
- ``resources.py`` — the resources every domain uses (``warehouse``, ``dbt``).

Every module-level asset, check, sensor, job and schedule of this folder is
loaded; the names and keys are the ones the UI and the sensor cursors of existing instances know.
"""
