"""``cluster_job``: a folder → PostgreSQL raw tables (parse steps on Celery workers) → dbt-postgres marts.

The job of the cluster profile (``DEPLOYMENT_PROFILE=cluster``). ``list_documents`` lists the folder (the
DuckDB profile's :func:`orchestration.ingestion.inbox.scan_folder`) and fans it out in batches of
``documents_per_step`` files; each ``parse_and_load`` step reads and parses its files
(:func:`orchestration.ingestion.reading.read_and_parse`, the same pure parser) and writes each document in its own
PostgreSQL transaction (:mod:`orchestration.cluster.pg_writer`) — as many steps at once as there are Celery
workers, on any machine that sees the folder and reaches PostgreSQL; no writer lock. ``build_marts`` then runs
``dbt build --target postgres`` (the same dbt models as the DuckDB profile). The executor is
``dagster_celery.celery_executor``: every step is a Celery task on the Redis broker; run and event storage
are the PostgreSQL instance written by :func:`orchestration.cluster.runtime.write_instance_config`.

Quarantined documents get their ``raw.documents`` row with the reason, as in the DuckDB profile; filing
(archive / quarantine copies) is left to the DuckDB profile's batch and drop runs.
"""


import os
import time
from pathlib import Path

from dagster import Config, DynamicOut, DynamicOutput, In, OpExecutionContext, job, op
from dagster_celery import celery_executor

from orchestration import settings


class FolderConfig(Config):
    """``folder``: the documents to load (read in place, sub-folders too); ``documents_per_step``: files per Celery task."""

    folder: str
    documents_per_step: int = 4


@op(out=DynamicOut(list))
def list_documents(context: OpExecutionContext, config: FolderConfig):
    """The folder's documents in batches of ``documents_per_step`` paths (one dynamic output per batch)."""
    from orchestration.ingestion.inbox import scan_folder

    listing = scan_folder(config.folder, recursive=True)
    for skipped in listing.skipped:
        context.log.info(f"skipped: {skipped.reason}")
    files = [str(p) for p in listing.files]
    context.log.info(f"{len(files)} documents in {config.folder}")
    size = max(1, config.documents_per_step)
    for start in range(0, len(files), size):
        yield DynamicOutput(files[start:start + size], mapping_key=f"batch_{start // size:05d}")


@op
def parse_and_load(context: OpExecutionContext, paths: list) -> dict:
    """Parse each file of ``paths`` and write it to PostgreSQL (one transaction per document).

    Returns ``{"documents": n, "seconds": parse + write wall time, "statuses": {status: n}}``.
    """
    from orchestration.cluster import pg_writer
    from orchestration.ingestion.reading import read_and_parse

    started = time.perf_counter()
    statuses: dict[str, int] = {}
    with pg_writer.connect(database_url()) as con:
        for path in paths:
            item = read_and_parse(Path(path))
            pg_writer.write_document(con, item.registration, item.parsed, item.status, item.error)
            statuses[item.status] = statuses.get(item.status, 0) + 1
            context.log.debug(f"{item.registration.file_name}: {item.status}")
    return {"documents": len(paths), "seconds": time.perf_counter() - started, "statuses": statuses,
            "worker": os.uname().nodename + f":{os.getpid()}"}


@op(ins={"loaded": In(list)})
def build_marts(context: OpExecutionContext, loaded: list) -> dict:
    """``dbt build --target postgres`` over the raw tables just loaded; raises when dbt fails."""
    from orchestration.cluster.runtime import run_dbt

    documents = sum(batch["documents"] for batch in loaded)
    workers = sorted({batch["worker"] for batch in loaded})
    context.log.info(f"{documents} documents loaded by {len(workers)} worker processes: {', '.join(workers)}")
    result = run_dbt(["build", *POSTGRES_BUILD_SELECTION])
    context.log.info(result.stdout[-4000:])
    if result.returncode != 0:
        raise RuntimeError(f"dbt build --target postgres failed (exit {result.returncode}):\n{result.stdout[-4000:]}")
    return {"documents": documents}


#: ``dbt build`` arguments of the cluster profile: every model, seed and data test (the DuckDB-only SQL of the
#: models goes through the dispatch macros of dbt_project/macros/portable.sql); unit tests run on DuckDB only
#: (their fixtures spell DuckDB types such as VARCHAR[], and dbt names their relations beyond PostgreSQL's
#: 63 characters).
POSTGRES_BUILD_SELECTION = ("--exclude-resource-type", "unit_test")


def database_url() -> str:
    """``$WAREHOUSE_DATABASE_URL`` (required by the cluster profile)."""
    url = settings.read(settings.ClusterSettings).warehouse_database_url
    if not url:
        raise RuntimeError("WAREHOUSE_DATABASE_URL is not set: the cluster profile needs the PostgreSQL warehouse's URL")
    return url


@job(executor_def=celery_executor, tags={"budget_etl/profile": "cluster"})
def cluster_job():
    """A folder → raw tables in PostgreSQL (parse steps on Celery workers) → the dbt marts on PostgreSQL."""
    build_marts(list_documents().map(parse_and_load).collect())


@job(tags={"budget_etl/profile": "cluster"})
def cluster_load_job():
    """:func:`cluster_job` without Celery (Dagster's multiprocess executor): for measuring the executor's share."""
    build_marts(list_documents().map(parse_and_load).collect())
