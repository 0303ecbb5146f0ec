"""Two small jobs for the run launcher's test (``tests/integration/test_run_launcher.py``).

Kept apart from the code location so a run of them is quick; the run worker still preloads what
the instance config names (``orchestration.definitions``), which is what the test looks for.
"""

import os
import sys
import time

import dagster as dg


@dg.op
def report_worker(context: dg.OpExecutionContext) -> None:
    """Logs this process's pid and whether the code location was already imported when the op started."""
    context.log.info(f"worker pid={os.getpid()} preloaded={'orchestration.definitions' in sys.modules}")


@dg.op
def wait_long(context: dg.OpExecutionContext) -> None:
    """Sleeps up to 120 s in steps (a run to terminate or to kill)."""
    context.log.info(f"worker pid={os.getpid()} waiting")
    for _ in range(240):
        time.sleep(0.5)


@dg.job(executor_def=dg.in_process_executor)  # as the code location's jobs: steps in the run worker
def report_worker_job():
    report_worker()


@dg.job(executor_def=dg.in_process_executor)  # as the code location's jobs: steps in the run worker
def wait_long_job():
    wait_long()
