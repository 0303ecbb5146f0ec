"""The ``dbt test`` process of ``dbt_tests_job`` runs at a lower CPU priority than the drop's run (issue 29)."""

from __future__ import annotations

import os
import subprocess
import sys

from orchestration.defs.transformation.dbt import TESTS_NICENESS, lower_priority


def test_lower_priority_renices_the_process_by_the_tests_niceness():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        before = os.getpriority(os.PRIO_PROCESS, child.pid)
        lower_priority(child.pid)
        assert os.getpriority(os.PRIO_PROCESS, child.pid) == min(19, before + TESTS_NICENESS)
        assert os.getpriority(os.PRIO_PROCESS, os.getpid()) == before  # this process is left as it is
    finally:
        child.kill()
        child.wait()
    lower_priority(child.pid)  # a process that has exited: nothing to do, no error
