"""The cluster deployment profile (issue 29): ``DEPLOYMENT_PROFILE=cluster``.

The parts teams run in production, started here from Debian packages and PyPI:

- :mod:`orchestration.cluster.services`: PostgreSQL and Redis on loopback, each in its own folder under
  ``$WAREHOUSE_DIR/cluster`` (``make cluster-demo`` starts them; nothing runs as a system service).
- :mod:`orchestration.cluster.pg_writer`: the raw tables in PostgreSQL, DDL derived from
  ``orchestration/raw_schema.sql``, one transaction per document, many writers at once.
- :mod:`orchestration.cluster.jobs`: the Dagster job whose parse-and-load steps run on Celery workers
  (``dagster-celery``, Redis broker), on a Dagster instance stored in PostgreSQL (``dagster-postgres``),
  then dbt-postgres builds the same dbt models (target ``postgres`` of ``dbt_project/profiles.yml``).

The DuckDB profile stays the default; nothing here is imported by it.
"""
