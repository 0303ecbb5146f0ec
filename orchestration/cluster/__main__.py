"""``python -m orchestration.cluster demo --inbox FOLDER [--workers N]`` / ``stop`` (``make cluster-demo`` / ``cluster-stop``)."""

from __future__ import annotations

import click


@click.group()
def main() -> None:
    """The cluster profile: PostgreSQL, Redis, Celery workers, dbt-postgres."""


@main.command()
@click.option("--inbox", required=True, type=click.Path(exists=True, file_okay=False), help="folder of documents")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Celery workers")
@click.option("--documents-per-step", default=4, show_default=True, type=click.IntRange(1, 1000))
def demo(inbox: str, workers: int, documents_per_step: int) -> None:
    """Start the services and workers, load INBOX through cluster_job, build the marts on PostgreSQL."""
    from orchestration.cluster.runtime import demo as run_demo

    outcome = run_demo(inbox, workers, documents_per_step)
    raise SystemExit(0 if outcome["success"] else 1)


@main.command()
def stop() -> None:
    """Stop the workers, Redis and PostgreSQL of the cluster folder."""
    from orchestration.cluster.runtime import stop as stop_all

    stop_all()


if __name__ == "__main__":
    main()
