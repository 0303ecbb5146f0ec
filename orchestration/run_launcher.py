"""A run launcher whose run worker has imported the code before the run arrives (issue 19).

Dagster's ``DefaultRunLauncher`` asks the code server to start each run in a new process
(``multiprocessing`` *spawn*), which imports the code location before its first step:
GX, dagster-dbt, dbt, pdfplumber… 6–7 s of every streaming run on a quiet 2-core machine,
15–25 s under load (``make bench BENCH_PARTS=daemon``). :class:`WarmRunLauncher` keeps one
**spare run worker**: a process started beforehand that has imported the modules named in its
config and waits for a run. ``launch_run`` hands the run to it (one JSON line on its standard
input) and a new spare is started at once, beside that run, so the next run finds it ready: under
drops a few seconds apart the next run is already queued when this one ends (issue 29: a spare started
only once the worker had exited was still importing then, and every run of a stream started cold,
15-46 s in the queue, measured). The import costs the running run part of the second core for a few
seconds; the follow-up runs (``dbt_tests_job``) do not take the spare and do not delay it.

What a run gets is what Dagster's container launchers (Docker, Kubernetes, ECS) give it: a fresh
process that runs ``dagster api execute_run <ExecuteRunArgs>``, one process per run, nothing
shared between runs. The only difference is *when* the imports happened, so each worker serves
one run and then exits. A spare whose code changed after its imports (a file of the project, the
dbt manifest or a dbt source file has a newer size or mtime: :func:`code_fingerprint`), or that
runs another Python than the run's code location, is not used for code it did not import:
the run is then executed by a fresh ``dagster api execute_run`` as before (cold, and it says so
in the run's event log).

Written into the instance's ``dagster.yaml`` by :func:`orchestration.settings.dagster_home`
(``make dev``), so the daemon (which launches queued runs) uses it; a ``dagster.yaml`` a user
wrote keeps its own launcher. ``python -m orchestration.run_launcher MODULE…`` is the worker.
"""

from __future__ import annotations

import hashlib
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from dagster._config.config_schema import UserConfigSchema
from dagster._core.launcher.base import CheckRunHealthResult, LaunchRunContext, RunLauncher, WorkerStatus
from dagster._core.storage.dagster_run import DagsterRun
from dagster._serdes import ConfigurableClass, ConfigurableClassData

#: Run tags written by :meth:`WarmRunLauncher.launch_run`: the run worker's process id and host,
#: read by ``terminate`` and the run monitoring's health check (possibly in another process: the UI).
WORKER_PID_TAG = "budget_etl/run_worker_pid"
WORKER_HOST_TAG = "budget_etl/run_worker_host"

#: What a spare imports (``module``) or imports and calls (``module:function``, no arguments) unless the
#: instance config names others: the code location, and the streaming dbt build's first invocation
#: (dbt loads its adapter, macros and Jinja environment once per process: ~2.4 s, ``dbt_in_process.warm_up``).
DEFAULT_PRELOAD = ("orchestration.definitions", "orchestration.dbt_in_process:warm_up")

#: The argument that marks a spare worker's command line (checked before a signal is sent to a pid).
WORKER_MODULE = "orchestration.run_launcher"


def code_fingerprint() -> str:
    """A hash of the size and mtime of every file the imported project code and its asset graph come from.

    The files: each module in ``sys.modules`` whose file lies under the repository root (the
    project's own Python, not the venv's), the dbt manifest that ``orchestration.definitions``
    reads to build the dbt assets, and the dbt sources whose change makes that manifest stale
    (``models``, ``macros``, ``seeds``, ``tests``, ``dbt_project.yml``). Cheap (a ``stat`` per
    file); a missing file counts as its absence.
    """
    from orchestration.settings import DBT_PROJECT_DIR, REPO_ROOT

    root = str(REPO_ROOT) + os.sep
    venv = (os.sep + ".venv" + os.sep, os.sep + "site-packages" + os.sep)
    paths = {
        file
        for module in list(sys.modules.values())
        if (file := getattr(module, "__file__", None)) and file.startswith(root) and not any(v in file for v in venv)
    }
    paths.add(str(DBT_PROJECT_DIR / "target" / "manifest.json"))
    paths.add(str(DBT_PROJECT_DIR / "dbt_project.yml"))
    for folder in ("models", "macros", "seeds", "tests"):
        paths.update(str(p) for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.suffix in (".sql", ".yml", ".csv"))
    digest = hashlib.sha256()
    for path in sorted(paths):
        try:
            stat = os.stat(path)
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        except OSError:
            digest.update(f"{path}\0-\n".encode())
    return digest.hexdigest()


class _Worker:
    """A started worker process (spare or running a run), when it was started, and its readiness pipe.

    The worker writes one byte to the pipe when its preloading is done (:func:`_worker_main`).
    """

    def __init__(self, process: subprocess.Popen, executable: str, ready_fd: int):
        self.process = process
        self.executable = executable
        self.started = time.monotonic()
        self._ready_fd: int | None = ready_fd
        self.ready = False

    def is_ready(self) -> bool:
        """True once the worker said its preloading is done (non-blocking); False while it imports or if it died."""
        if not self.ready and self._ready_fd is not None:
            readable, _, _ = select.select([self._ready_fd], [], [], 0)
            if readable:
                self.ready = os.read(self._ready_fd, 1) == b"1"
                os.close(self._ready_fd)
                self._ready_fd = None
        return self.ready and self.process.poll() is None

    def close(self) -> None:
        """Close the launcher's end of the readiness pipe."""
        if self._ready_fd is not None:
            os.close(self._ready_fd)
            self._ready_fd = None


class WarmRunLauncher(RunLauncher, ConfigurableClass):
    """Launch each run in its own ``dagster api execute_run`` process, started and imported before the run arrives.

    Config (``dagster.yaml``, ``run_launcher.config``):

    - ``preload_modules`` (list, default :data:`DEFAULT_PRELOAD`): what a spare imports while it waits,
      ``module`` or ``module:function`` (imported, then called with no arguments);
    - ``keep_spare`` (bool, default true): false starts every worker when its run arrives (cold), as
      the default launcher does;
    - ``spare_for_jobs`` (list of job names, default: every job): the runs that may take the spare. The
      others get a worker of their own, so the one spare stays ready for the runs a user waits for
      (``make dev``: ``streaming_job``; the ``dbt_tests_job`` run that follows each drop would otherwise
      take it, and the next drop would find the new spare still importing).

    Runs are tagged :data:`WORKER_PID_TAG` / :data:`WORKER_HOST_TAG`; ``terminate`` sends SIGTERM to
    that process (Dagster's ``capture_interrupts`` turns it into a run interruption: the run ends
    CANCELED with its steps' cleanup done), and ``check_run_worker_health`` (the run monitoring
    daemon, when the instance enables it) reports a run whose worker is gone as failed.
    """

    def __init__(
        self,
        inst_data: ConfigurableClassData | None = None,
        preload_modules: Sequence[str] = DEFAULT_PRELOAD,
        keep_spare: bool = True,
        spare_for_jobs: Sequence[str] | None = None,
    ):
        self._inst_data = inst_data
        self.preload_modules = tuple(preload_modules)
        self.keep_spare = keep_spare
        self.spare_for_jobs = frozenset(spare_for_jobs) if spare_for_jobs is not None else None
        self._lock = threading.Lock()
        self._spare: _Worker | None = None
        self._running: dict[str, _Worker] = {}
        super().__init__()

    @property
    def inst_data(self) -> ConfigurableClassData | None:
        return self._inst_data

    @classmethod
    def config_type(cls) -> UserConfigSchema:
        from dagster import Array, Field

        return {
            "preload_modules": Field(Array(str), is_required=False, default_value=list(DEFAULT_PRELOAD)),
            "keep_spare": Field(bool, is_required=False, default_value=True),
            "spare_for_jobs": Field(Array(str), is_required=False),
        }

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData, config_value: Mapping[str, Any]):
        return cls(inst_data=inst_data, **config_value)

    # -- workers ------------------------------------------------------------------------------

    def _start_worker(self, executable: str) -> _Worker:
        """Start ``python -m orchestration.run_launcher --ready-fd N <preload…>``; it preloads, says so on fd N,
        then waits for one run on stdin.

        Its own session, as the code server's run processes: a Ctrl-C meant for ``make dev`` reaches
        the daemon, whose exit closes the spare's stdin (the spare then exits), not a run half-way.
        """
        ready_read, ready_write = os.pipe()
        try:
            process = subprocess.Popen(
                [executable, "-m", WORKER_MODULE, "--ready-fd", str(ready_write), *self.preload_modules],
                stdin=subprocess.PIPE,
                text=True,
                start_new_session=True,
                pass_fds=(ready_write,),
            )
        except BaseException:
            os.close(ready_read)
            raise
        finally:
            os.close(ready_write)
        return _Worker(process, executable, ready_read)

    def _ensure_spare(self) -> None:
        with self._lock:
            if not self.keep_spare or (self._spare and self._spare.process.poll() is None):
                return  # one spare at a time, started whatever runs are in flight (module docstring)
            self._spare = self._start_worker(sys.executable)

    def _take_spare(self, executable: str) -> _Worker | None:
        """The spare, if it has finished preloading and runs ``executable``; otherwise None, and a spare that is
        still importing is kept for the next run (this run gets a new worker, no slower than a cold start)."""
        with self._lock:
            spare = self._spare
            if spare is None:
                return None
            if spare.process.poll() is not None:
                self._spare = None
                spare.close()
                return None
            if os.path.realpath(spare.executable) != os.path.realpath(executable) or not spare.is_ready():
                return None
            self._spare = None
            return spare

    def _reap(self, run_id: str, worker: _Worker) -> None:
        worker.process.wait()
        worker.close()
        with self._lock:
            self._running.pop(run_id, None)
        self._ensure_spare()

    # -- RunLauncher ------------------------------------------------------------------------

    def launch_run(self, context: LaunchRunContext) -> None:
        """Hand the run to the spare worker (or to a new worker when there is none) and start watching it.

        Raises ``dagster.DagsterInvariantViolationError`` when the run has no code origin
        (a run created outside a code location), as Dagster's launchers do.
        """
        from dagster._core.errors import DagsterInvariantViolationError
        from dagster._grpc.types import ExecuteRunArgs
        from dagster._serdes import serialize_value

        run = context.dagster_run
        origin = run.job_code_origin
        if origin is None:
            raise DagsterInvariantViolationError(f"Run {run.run_id} has no code origin to execute.")
        executable = origin.executable_path or sys.executable
        payload = serialize_value(
            ExecuteRunArgs(job_origin=origin, run_id=run.run_id, instance_ref=self._instance.get_ref(),
                           set_exit_code_on_failure=True))
        may_take_spare = self.spare_for_jobs is None or run.job_name in self.spare_for_jobs
        worker = self._take_spare(executable) if may_take_spare else None
        how = "the spare worker, ready (started {:.1f} s earlier)".format(time.monotonic() - worker.started) if worker else None
        while True:
            if worker is None:
                worker = self._start_worker(executable)
                how = how or ("a new worker (the spare is kept for the jobs " + ", ".join(sorted(self.spare_for_jobs))
                              + ")" if not may_take_spare else
                              "a new worker (the spare is still preloading; it stays for the next run)"
                              if self._spare else "a new worker (no spare)")
            self._instance.add_run_tags(run.run_id, {WORKER_PID_TAG: str(worker.process.pid),
                                                     WORKER_HOST_TAG: socket.gethostname()})
            try:
                worker.process.stdin.write(payload + "\n")
                worker.process.stdin.close()
                break
            except (BrokenPipeError, OSError):  # the spare died while waiting: a new worker takes the run
                worker, how = None, "a new worker (the spare had exited)"
        with self._lock:
            self._running[run.run_id] = worker
        self._instance.report_engine_event(
            f"Run handed to run worker pid {worker.process.pid}: {how}.", run, cls=self.__class__)
        self._ensure_spare()  # ready for the next run, which may already be queued
        threading.Thread(target=self._reap, args=(run.run_id, worker), daemon=True,
                         name=f"reap-{run.run_id[:8]}").start()

    def _worker_pid(self, run: DagsterRun) -> int | None:
        """The run's worker pid from its tags, if that process is alive on this host and is a run worker."""
        import psutil

        pid, host = run.tags.get(WORKER_PID_TAG), run.tags.get(WORKER_HOST_TAG)
        if not pid or host != socket.gethostname():
            return None
        try:
            command = psutil.Process(int(pid)).cmdline()
        except (psutil.Error, ValueError):
            return None
        return int(pid) if any(WORKER_MODULE in part or "execute_run" in part for part in command) else None

    def terminate(self, run_id: str) -> bool:
        """Ask the run's worker to stop (SIGTERM: the run is interrupted and ends CANCELED); False if it is not running here."""
        run = self._instance.get_run_by_id(run_id)
        if not run or run.is_finished:
            return False
        self._instance.report_run_canceling(run)
        pid = self._worker_pid(run)
        if pid is None:
            self._instance.report_engine_event(
                f"No run worker of this run is running on {socket.gethostname()}: nothing to terminate.",
                run, cls=self.__class__)
            return False
        os.kill(pid, signal.SIGTERM)
        return True

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        """RUNNING while the tagged worker process is alive, FAILED when it is gone before the run finished."""
        if run.tags.get(WORKER_PID_TAG) is None:
            return CheckRunHealthResult(WorkerStatus.NOT_FOUND, "the run has no run worker yet")
        if self._worker_pid(run) is not None:
            return CheckRunHealthResult(WorkerStatus.RUNNING)
        return CheckRunHealthResult(
            WorkerStatus.FAILED, f"run worker pid {run.tags[WORKER_PID_TAG]} is no longer running")

    def dispose(self) -> None:
        """Close the spare's input (it exits); runs in progress go on, as with the default launcher."""
        with self._lock:
            spare, self._spare = self._spare, None
        if spare:
            spare.close()
        if spare and spare.process.poll() is None:
            try:
                spare.process.stdin.close()
            except OSError:
                pass


def _report(payload: str, message: str) -> None:
    """An engine event in the run's event log (best effort: a failure here must not stop the run)."""
    try:
        from dagster import DagsterInstance
        from dagster._grpc.types import ExecuteRunArgs
        from dagster._serdes import deserialize_value

        args = deserialize_value(payload, ExecuteRunArgs)
        with DagsterInstance.from_ref(args.instance_ref) as instance:
            instance.report_engine_event(message, instance.get_run_by_id(args.run_id), cls=WarmRunLauncher)
    except Exception as error:
        print(f"run worker: {message} (not recorded: {error!r})", file=sys.stderr)


def _worker_main(preload: Sequence[str], ready_fd: int | None = None) -> int:
    """The spare: import ``preload`` (``module`` or ``module:function``, then called), wait for one
    ``ExecuteRunArgs`` line, run it as ``dagster api execute_run``.

    End of input before a run (the launcher closed it or its process died) exits quietly. A
    module that fails to import is reported on stderr and the run goes on (it imports what it
    needs itself). When the code changed since the imports (:func:`code_fingerprint`), the process
    replaces itself with a fresh ``dagster api execute_run`` of the same run.
    """
    import importlib

    started = time.monotonic()
    for entry in preload:
        module, _, function = entry.partition(":")
        try:
            loaded = importlib.import_module(module)
            if function:
                getattr(loaded, function)()
        except Exception as error:  # the run itself will import (and report) what it needs
            print(f"run worker: preloading {entry} failed: {error!r}", file=sys.stderr)
    fingerprint = code_fingerprint()
    imported = time.monotonic() - started
    if ready_fd is not None:  # tell the launcher this worker is warm
        try:
            os.write(ready_fd, b"1")
            os.close(ready_fd)
        except OSError:
            pass
    try:
        line = sys.stdin.readline()
    except KeyboardInterrupt:
        return 0
    if not line.strip():
        return 0
    payload = line.strip()
    stale = code_fingerprint() != fingerprint
    _report(payload, "The code changed after this run worker imported it: the run is executed by a fresh "
                     "`dagster api execute_run` process." if stale else
                     f"Run worker pid {os.getpid()} preloaded {', '.join(preload) or 'nothing'} in {imported:.1f} s.")
    if stale:
        os.execv(sys.executable, [sys.executable, "-m", "dagster", "api", "execute_run", payload])
    from dagster._cli.api import execute_run_command

    return execute_run_command.main(args=[payload], prog_name="dagster api execute_run", standalone_mode=True)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    fd = None
    if arguments[:1] == ["--ready-fd"]:
        fd, arguments = int(arguments[1]), arguments[2:]
    try:
        sys.exit(_worker_main(arguments, fd))
    except KeyboardInterrupt:
        sys.exit(130)
