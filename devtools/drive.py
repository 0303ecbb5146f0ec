"""Drive the inbox sensor in-process against a real Dagster instance.

What the daemon does on each tick, done here deterministically: evaluate
``inbox_sensor`` with the stored cursor and execute each run request in this process, with the
sensor's job (``streaming_job``; the ``dbt_tests_job`` run the daemon requests
after it is not run here). Used by the streaming tests and by ``make bench``.
"""

from __future__ import annotations

import dataclasses

import dagster as dg

from orchestration.defs.ingestion.sensors import inbox_sensor


@dataclasses.dataclass
class SensorDriver:
    """Holds the definitions, the instance and the sensor cursor between ticks."""

    defs: dg.Definitions
    instance: dg.DagsterInstance
    cursor: str | None = None
    log_level: str = "WARNING"

    def tick(self) -> list[dg.ExecuteInProcessResult]:
        """One sensor tick; returns the results of the runs it requested (possibly none)."""
        context = dg.build_sensor_context(
            instance=self.instance,
            cursor=self.cursor,
            definitions=self.defs,
            resources={"warehouse": self.defs.resources["warehouse"]},
            sensor_name=inbox_sensor.name,
        )
        outcome = inbox_sensor(context)
        if isinstance(outcome, dg.SkipReason):
            return []
        self.cursor = outcome.cursor
        job = self.defs.resolve_job_def(inbox_sensor.job_name)  # streaming_job: no dbt tests (they follow in dbt_tests_job)
        results = []
        for run in outcome.run_requests or []:
            config = {**run.run_config, "loggers": {"console": {"config": {"log_level": self.log_level}}}}
            results.append(
                job.execute_in_process(instance=self.instance, run_config=config, tags=run.tags, raise_on_error=False)
            )
        return results
