"""The streaming job's ``dbt build`` run inside the Dagster process (dbt's ``dbtRunner``), issue 19.

``dbt_models`` (``orchestration/defs/transformation/dbt.py``) runs dbt through dagster-dbt's
subprocess, except when its step selects dbt models and no dbt test check, as ``streaming_job``
does: then it streams an :class:`InProcessDbtBuild`, which runs the same ``dbt build --select <models>`` with
``dbtRunner`` in this process and turns dbt's structured events into Dagster events with
dagster-dbt's own converter. Measured on 2 cores (``docs/streaming-latency.md``), the step took
10.8-11.4 s with the subprocess and 5.1-6.8 s in process: the subprocess is a new Python that
imports dbt and loads its adapter and the project again, and dagster-dbt also initialises a dbt
adapter in the Dagster process before starting it; in process, dbt's start is paid once per process.

This module imports dbt (``dbt.cli.main``) at its top and is imported on first use only, never by
``orchestration.definitions`` (the code server and the tests import that): a warm run worker can
import it, and call :func:`warm_up`, ahead of a run; the import itself is cheap once the
definitions are imported (dagster-dbt has imported most of dbt), dbt's first invocation is not.

dbt keeps process-wide state, and each rule here answers one piece of it:

- the adapter and its DuckDB handle: each ``dbtRunner.invoke`` resets dbt's adapters and cleans
  up their connections when it ends (``dbt.adapters.factory.adapter_management``), and dbt-duckdb
  replaces its cached environment when the credentials (the database path) change, so runs
  against different warehouses in one process each build their own; with ``keep_open: false``
  (profiles.yml) the file is closed when dbt's last connection closes;
- the flags and ``DUCKDB_PATH``: read again from the arguments and ``os.environ`` by each
  invocation;
- the loggers: dbt's event manager keeps its stdout and ``dbt.log`` handlers after an invocation;
  they are closed here (:func:`_release_dbt_loggers`), so no file stays open in a pruned target
  folder and no later dbt call (dagster-dbt's adapter) writes into this run's log or stdout.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator, Mapping

import dagster as dg
from dagster_dbt import DbtProject
from dagster_dbt.asset_utils import (
    DAGSTER_DBT_EXCLUDE_METADATA_KEY,
    DAGSTER_DBT_SELECT_METADATA_KEY,
    DAGSTER_DBT_SELECTOR_METADATA_KEY,
    DBT_INDIRECT_SELECTION_ENV,
    get_manifest_and_translator_from_dbt_assets,
    get_subset_selection_for_context,
)
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage
from dagster_dbt.errors import DagsterDbtCliRuntimeError
from dbt.cli.main import dbtRunner, dbtRunnerResult
from dbt_common.events.base_types import EventMsg
from dbt_common.events.event_manager_client import cleanup_event_logger, get_event_manager
from dbt_common.events.functions import msg_to_dict

from orchestration.settings import DBT_PROJECT_DIR

#: dbt's events that report a node's result: the ones dagster-dbt turns into Dagster events.
RESULT_EVENTS = frozenset({"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"})
#: Node statuses that fail the step (``RunStatus`` / ``TestStatus`` values).
FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})


class InProcessDbtBuild:
    """A ``dbt build`` of the step's selection in this process; what ``dbt_models`` reads of a ``DbtCliInvocation``.

    ``stream()`` runs dbt (once) and yields dagster-dbt's events for every node that finished
    (``Output`` per model and seed), then raises ``DagsterDbtCliRuntimeError`` if dbt failed;
    ``manifest`` (the dbt manifest dict of the asset definition), ``target_path`` (absolute)
    and ``adapter`` (None: dbt's own connections are closed when the invocation ends) are the
    attributes ``dbt_models`` uses after the build.
    """

    adapter = None

    def __init__(self, context: dg.AssetExecutionContext, target_path: Path, exclude: str | None = None):
        self.context = context
        self.exclude = exclude  # a dbt selector left out of the build (``dbt build --exclude``), e.g. ``tag:x``
        self.manifest, self.translator, project = get_manifest_and_translator_from_dbt_assets([context.assets_def])
        if project is None:
            raise dg.DagsterInvariantViolationError("dbt_models has no DbtProject: dbt cannot run in process")
        self.project: DbtProject = project
        self.target_path = Path(project.project_dir) / target_path

    def args(self) -> list[str]:
        """``dbt build`` with dagster-dbt's selection for the step (``--select`` and the indirect
        selection, as ``DbtCliResource.cli`` computes them), without dbt's unit tests and its manifest.json,
        and the project, profiles, target and log paths."""
        op_tags = self.context.op.tags
        selection, indirect = get_subset_selection_for_context(
            context=self.context,
            manifest=self.manifest,
            select=op_tags.get(DAGSTER_DBT_SELECT_METADATA_KEY),
            exclude=op_tags.get(DAGSTER_DBT_EXCLUDE_METADATA_KEY),
            selector=op_tags.get(DAGSTER_DBT_SELECTOR_METADATA_KEY),
            dagster_dbt_translator=self.translator,
            current_dbt_indirect_selection_env=os.getenv(DBT_INDIRECT_SELECTION_ENV),
        )
        indirect = indirect or os.getenv(DBT_INDIRECT_SELECTION_ENV)
        if self.exclude:  # dagster-dbt's selection is `--select …` (and maybe `--exclude …`): add ours to it
            selection = _with_exclusion(list(selection), self.exclude)
        return [
            "build", *selection, *(["--indirect-selection", indirect] if indirect else []),
            # dbt's unit tests check the models' SQL on fixed fixtures, not the new document's rows: they run
            # in dbt_tests_job right after the streaming run (its `dbt test`) and in every full build.
            "--exclude-resource-type", "unit_test",
            "--project-dir", str(self.project.project_dir),
            "--profiles-dir", str(self.project.profiles_dir),
            "--target-path", str(self.target_path), "--log-path", str(self.target_path),
            # Not the ~9 MB manifest.json per build (0.8-0.9 s of a 4 s build, measured on 2 cores; Dagster reads
            # the project's target/manifest.json): run_results.json is written from the result instead (stream()).
            "--no-write-json",
            "--no-send-anonymous-usage-stats",
        ]

    def stream(self) -> Iterator[Any]:
        """Run dbt (blocking: the events reach Dagster once dbt has ended, as the row counts are read then
        anyway) and yield dagster-dbt's events of the nodes that finished, in dbt's order: an ``Output``
        per model and seed built (unique_id, invocation_id, execution duration, status). When dbt
        failed (a node's error, a contract violation, an exception of dbt), raise
        ``DagsterDbtCliRuntimeError`` after them, described by :func:`failure_message`."""
        args = self.args()
        self._copy_partial_parse()
        raw_events: list[dict] = []

        def keep(msg: EventMsg) -> None:  # called from dbt's threads; list.append is atomic
            if msg.info.name in RESULT_EVENTS or msg.info.level == "error":
                raw_events.append(msg_to_dict(msg))

        self.context.log.info(f"Running dbt in process: `dbt {' '.join(args)}`.")
        try:
            # In the project folder, where dagster-dbt starts its dbt: the manifest's paths are relative to it
            # (a seed's root_path is "."), and so is a relative DUCKDB_PATH. The working directory is the
            # process's: nothing else in the step runs meanwhile (in-process executor, one step at a time).
            with contextlib.chdir(self.project.project_dir):
                manifest = take_warm_manifest(os.environ.get("DUCKDB_PATH"))
                if manifest is not None:
                    self.context.log.info("dbt reuses the manifest the run worker parsed before the run (warm_up).")
                result = dbtRunner(manifest=manifest, callbacks=[keep]).invoke(args)
        finally:
            _release_dbt_loggers()
        if hasattr(result.result, "write"):  # run_results.json, as a build that writes its JSON leaves it
            result.result.write(str(self.target_path / "run_results.json"))
        for raw in raw_events:
            if raw["info"]["name"] in RESULT_EVENTS:
                yield from DbtCoreCliEventMessage(raw_event=raw, event_history_metadata={}).to_default_asset_events(
                    manifest=self.manifest, dagster_dbt_translator=self.translator, context=self.context,
                    target_path=self.target_path, project=self.project)
        if not result.success:
            raise DagsterDbtCliRuntimeError(description=failure_message(args, result, raw_events, self.target_path))

    def _copy_partial_parse(self) -> None:
        """Start from the project's ``target/partial_parse.msgpack``, as dagster-dbt's ``DbtCliInvocation.run`` does."""
        source = Path(self.project.project_dir) / self.project.target_path / "partial_parse.msgpack"
        destination = self.target_path / "partial_parse.msgpack"
        if source.is_file() and not destination.exists():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)


def _with_exclusion(selection: list[str], exclude: str) -> list[str]:
    """dbt CLI selection arguments with ``exclude`` added to their ``--exclude`` (created when absent)."""
    if "--exclude" in selection:
        at = selection.index("--exclude") + 1
        return [*selection[:at], f"{selection[at]} {exclude}", *selection[at + 1:]]
    return [*selection, "--exclude", exclude]


def failure_message(args: list[str], result: dbtRunnerResult, raw_events: list[Mapping[str, Any]], target_path: Path) -> str:
    """Why an in-process ``dbt build`` failed: each failed node (unique id, status, dbt's message),
    the nodes skipped after them, dbt's error-level log lines, the exception dbt raised if any, then
    where dbt's debug log is and the command."""
    results = getattr(result.result, "results", None) or []

    def status(r) -> str:
        return str(getattr(r.status, "value", r.status))

    failed = [r for r in results if status(r) in FAILED_STATUSES]
    lines = [f"dbt build (in process) failed: {len(failed)} node(s) failed."]
    lines += [f"- {r.node.unique_id} ({status(r)}): {(r.message or '').strip()}" for r in failed]
    skipped = sorted(r.node.unique_id for r in results if status(r) == "skipped")
    if skipped:
        lines.append(f"{len(skipped)} node(s) skipped after the failure: {', '.join(skipped)}")
    errors = [e["info"]["msg"] for e in raw_events if e["info"]["level"] == "error"]
    if errors:
        lines += ["Errors parsed from dbt logs:", *errors]
    if result.exception is not None:
        lines.append(f"dbt raised {type(result.exception).__name__}: {result.exception}")
    lines.append(f"dbt's debug log: {target_path / 'dbt.log'}. Command: `dbt {' '.join(args)}`")
    return "\n".join(lines)

def _release_dbt_loggers() -> None:
    """Close the stdout and ``dbt.log`` handlers dbt set up for the invocation and empty its event manager.

    dbt replaces them at its next invocation but never closes the file, and until then every dbt
    event fired in this process (dagster-dbt's in-process adapter too) would still reach them.
    """
    for logger in get_event_manager().loggers:
        python_logger = getattr(logger, "_python_logger", None)
        for handler in list(getattr(python_logger, "handlers", [])):
            handler.flush()
            if getattr(handler, "baseFilename", None):  # the dbt.log file; stdout stays open
                handler.close()
            python_logger.removeHandler(handler)
    cleanup_event_logger()



#: The manifest :func:`warm_up` parsed, for the next build of the same database: (``DUCKDB_PATH``, Manifest).
_WARM_MANIFEST: tuple[str, Any] | None = None


def warm_up() -> bool:
    """Run ``dbt parse`` once in this process, into a temporary folder, and keep its manifest for this process's
    next build (:func:`take_warm_manifest`); True when dbt succeeded.

    For a pre-warmed run worker, before a run arrives. Importing this module costs little once the
    definitions are imported (~0.1 s: dagster-dbt has imported most of dbt), but the first dbt
    invocation of a process costs ~2.4 s more than the next ones (measured on 2 cores: a 4-model
    build 5.4 s, then 3.0 s; after this warm-up, 3.5 s): dbt loads its adapter plugin, macros
    and Jinja environment once per process. The parse itself (1.3-1.4 s with the partial-parse file, the
    database path hashed into it) is then off the drop's path too: the build reuses the manifest
    (``dbtRunner(manifest=…)``) when it runs against the same ``DUCKDB_PATH`` — the warehouse of
    ``$WAREHOUSE_DIR`` (``orchestration.settings``), the one ``dbt_models`` builds. A spare worker whose project
    changed after this parse never runs its run (``orchestration.run_launcher``: the code fingerprint covers the
    dbt files). ``dbt parse`` touches no database; the project's ``target`` folder and its partial-parse file
    are left as they are.
    """
    global _WARM_MANIFEST
    from orchestration.settings import duckdb_path

    database = os.environ.get("DUCKDB_PATH") or str(duckdb_path())
    with tempfile.TemporaryDirectory(prefix="dbt-warm-up-") as target:
        source = DBT_PROJECT_DIR / "target" / "partial_parse.msgpack"
        if source.is_file():
            shutil.copyfile(source, Path(target) / "partial_parse.msgpack")
        previous = os.environ.get("DUCKDB_PATH")
        os.environ["DUCKDB_PATH"] = database  # read by profiles.yml: the profile the build will hash
        try:
            with contextlib.chdir(DBT_PROJECT_DIR):
                result = dbtRunner().invoke(["parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
                                             "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", target,
                                             "--log-path", target, "--no-send-anonymous-usage-stats"])
        finally:
            _release_dbt_loggers()
            if previous is None:
                os.environ.pop("DUCKDB_PATH", None)
            else:
                os.environ["DUCKDB_PATH"] = previous
    _WARM_MANIFEST = (database, result.result) if result.success and result.result is not None else None
    return result.success


def take_warm_manifest(database: str | None) -> Any | None:
    """The manifest :func:`warm_up` parsed for ``database`` (a ``DUCKDB_PATH``), once: a build may change the
    nodes it compiles, so the next build of this process parses again. ``None`` when there is none for it."""
    global _WARM_MANIFEST
    warm, _WARM_MANIFEST = _WARM_MANIFEST, None
    if warm is None or database is None or Path(warm[0]).resolve() != Path(database).resolve():
        return None
    return warm[1]
