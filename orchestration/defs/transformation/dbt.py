"""dbt models as Dagster assets (dagster-dbt).

Sources (``raw.*`` tables written by Python) map to the asset keys of the
``raw_tables`` multi-asset; each model becomes an asset grouped by its
layer (stg / intermediate / marts), and dbt tests become asset checks — also
the tests of the sources, as checks of the ``raw/<table>`` assets. Owners
come from the dbt groups (``models/_groups.yml``), tags from the dbt tags;
every materialization carries the row count and the column types
(read after the build, :func:`with_table_metadata`). Each
build writes its dbt artifacts to ``target/dbt_models-<run>``; only the newest
:data:`KEEP_RUN_TARGETS` of those folders are kept.
"""

import functools
import hashlib
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping

import dagster as dg
import duckdb
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    DbtProjectPreparer,
    dbt_assets,
)

from orchestration.resources import WarehouseResource
from orchestration.settings import DBT_PROJECT_DIR, dbt_executable


class StaleManifestPreparer(DbtProjectPreparer):
    """Parse the dbt project when its manifest is missing or older than a dbt file, with the dbt next to this Python.

    dagster-dbt's default preparer parses only under ``dg dev`` and looks for
    ``dbt`` on PATH, which a venv run through make does not have; a stale
    manifest would silently hide new models from the asset graph in any
    process (a test, ``budget-etl run``), so this one parses wherever it is
    stale, and never when it is fresh (`make` targets also refresh it).
    """

    def prepare_if_dev(self, project: DbtProject) -> None:
        if manifest_is_stale(project):
            self.prepare(project)

    def prepare(self, project: DbtProject) -> None:
        DbtCliResource(project_dir=project, dbt_executable=dbt_executable()).cli(
            ["parse", "--quiet"], target_path=project.target_path
        ).wait()


def manifest_is_stale(project: DbtProject) -> bool:
    """True when the manifest is missing or older than any dbt source file (.sql/.yml/.csv)."""
    manifest = project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    root = Path(project.project_dir)
    return any(
        path.stat().st_mtime > built
        for folder in ("models", "macros", "seeds", "tests")
        for path in (root / folder).rglob("*")
        if path.suffix in (".sql", ".yml", ".csv")
    ) or (root / "dbt_project.yml").stat().st_mtime > built


dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# dagster-dbt 0.29's DbtProject takes no preparer argument (it always builds its default one), so ours
# is called where dagster-dbt's prepare_if_dev() would be: once, before @dbt_assets reads the manifest.
StaleManifestPreparer().prepare_if_dev(dbt_project)


def dbt_group_owner(group: str) -> str:
    """The owner e-mail of a dbt group (``models/_groups.yml``), read from the manifest:
    the one place owners are written, also for the Python assets (``definitions.py``)."""
    manifest = json.loads(Path(dbt_project.manifest_path).read_text("utf-8"))
    (owner,) = [g["owner"]["email"] for g in manifest["groups"].values() if g["name"] == group]
    return owner


class BudgetDbtTranslator(DagsterDbtTranslator):
    """Groups dbt assets by layer folder and keys sources as ``raw/<table>`` (the source name)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "raw"  # the group of the Python-written tables (orchestration/defs/ingestion/assets.py)
        fqn = dbt_resource_props.get("fqn", [])
        return f"dbt_{fqn[1]}" if len(fqn) > 2 else "dbt"


#: dbt tag of the reports whose rows combine documents (rankings, reuse across departments, year over year,
#: targets vs outcomes of other documents): their cost grows with the warehouse (5 of them took 82 s of model
#: time at 10,000 documents, issue 29). A drop's build (``streaming_job``) leaves them out once they exist;
#: ``reports_refresh_job`` rebuilds them when the inbox is quiet (``orchestration/defs/quality/sensors.py``),
#: and every other build (``main_job``, the nightly rebuild) includes them.
WHOLE_WAREHOUSE_TAG = "whole_warehouse"
#: Jobs whose dbt build leaves the whole-warehouse reports out (when they exist already).
DEFERRING_JOBS = frozenset({"streaming_job"})


def whole_warehouse_relations(manifest: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """(schema, table) → model name of every model tagged :data:`WHOLE_WAREHOUSE_TAG` in the dbt ``manifest``."""
    return {(node["schema"], node.get("alias") or node["name"]): node["name"]
            for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and WHOLE_WAREHOUSE_TAG in node.get("tags", [])}


def _project_manifest() -> Mapping[str, Any]:
    # the manifest dagster-dbt already holds for dbt_models (read when the definitions load, in the warm
    # worker before its run), not the 9 MB file again in each drop's run
    from dagster_dbt.asset_utils import get_manifest_and_translator_from_dbt_assets

    return get_manifest_and_translator_from_dbt_assets([dbt_models])[0]


@functools.cache
def _project_whole_warehouse_relations() -> dict[tuple[str, str], str]:
    return whole_warehouse_relations(_project_manifest())


def deferred_models_missing(duckdb_path: Path, relations: dict[tuple[str, str], str] | None = None) -> list[str]:
    """The whole-warehouse models (``relations``: :func:`whole_warehouse_relations`, the project's by default)
    whose table is not in ``duckdb_path`` yet, by name.

    A warehouse's first drop builds them (the report reads them); after that a drop's build leaves them to
    ``reports_refresh_job``. Reads the file read-only (the caller holds the writer lock). ``duckdb.Error``
    propagates.
    """
    from orchestration.ingestion.loading import read_only_connection

    wanted = _project_whole_warehouse_relations() if relations is None else relations
    if not Path(duckdb_path).exists():
        return sorted(wanted.values())
    with read_only_connection(duckdb_path) as con:
        present = set(con.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall())
    return sorted(name for key, name in wanted.items() if key not in present)


#: File next to ``warehouse.duckdb`` naming the dbt project (:func:`project_fingerprint`) whose views the
#: warehouse holds: written after a build that created every view (:func:`record_views_built`).
VIEWS_BUILT_FILE = "dbt_views_built.json"


def project_fingerprint(manifest: Mapping[str, Any]) -> str:
    """SHA-256 of what a dbt view's definition can depend on: every node's SQL checksum, config, columns and
    dependencies, every macro's SQL, every source's columns and config (not the parse times and paths that change
    at each ``dbt parse``), and ``orchestration/raw_schema.sql`` (the raw tables the staging views read)."""
    from orchestration.ingestion.loading import raw_ddl

    def picked(entry: Mapping[str, Any], keys: tuple[str, ...]) -> dict:
        return {key: entry.get(key) for key in keys}

    state = {
        "nodes": {uid: picked(n, ("checksum", "config", "columns", "depends_on", "alias", "schema"))
                  for uid, n in manifest["nodes"].items()},
        "macros": {uid: m.get("macro_sql") for uid, m in manifest["macros"].items()},
        "sources": {uid: picked(n, ("columns", "config", "schema", "identifier")) for uid, n in manifest["sources"].items()},
        "raw_schema": raw_ddl(),
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def view_nodes(manifest: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """unique_id → (schema, name) of every model of ``manifest`` materialized as a view."""
    return {uid: (n["schema"], n.get("alias") or n["name"]) for uid, n in manifest["nodes"].items()
            if n["resource_type"] == "model" and n["config"].get("materialized") == "view"}


def views_are_current(duckdb_path: Path, manifest: Mapping[str, Any]) -> bool:
    """True when ``duckdb_path`` holds every view of ``manifest`` as built from this very project (the
    fingerprint recorded by :func:`record_views_built` equals :func:`project_fingerprint`): a drop's build may then
    leave the views out. A view's definition depends on the project only, never on the documents, and DuckDB
    binds a view to its tables by name when it is queried, so rebuilding the tables under it keeps it valid.
    False when the record is missing, unreadable or of another project (a code change), or a view is missing.
    Reads the file read-only (the caller holds the writer lock)."""
    from orchestration.ingestion.loading import read_only_connection

    record = Path(duckdb_path).with_name(VIEWS_BUILT_FILE)
    try:
        recorded = json.loads(record.read_text("utf-8")).get("project_fingerprint")
    except (OSError, ValueError, AttributeError):
        return False
    if recorded != project_fingerprint(manifest) or not Path(duckdb_path).exists():
        return False
    with read_only_connection(duckdb_path) as con:
        present = set(con.execute("SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal").fetchall())
    return set(view_nodes(manifest).values()) <= present


def materialized_unique_id(event) -> str | None:
    """The dbt unique_id of a dagster-dbt ``Output``/``AssetMaterialization`` event (its ``unique_id`` metadata);
    ``None`` for any other event."""
    if not isinstance(event, (dg.Output, dg.AssetMaterialization)):
        return None
    unique_id = (getattr(event, "metadata", None) or {}).get("unique_id")
    return getattr(unique_id, "text", unique_id)


def built_models(events: list) -> set[str]:
    """unique_ids of the dbt nodes that ``events`` (a finished build's, dagster-dbt's) report as materialized."""
    return {unique_id for unique_id in map(materialized_unique_id, events) if unique_id is not None}


def record_views_built(duckdb_path: Path, manifest: Mapping[str, Any], built_unique_ids: set[str]) -> bool:
    """Record that ``duckdb_path``'s views are this project's when the build that just succeeded created every view
    of ``manifest`` (``built_unique_ids``: the models it materialized); True when recorded. Atomic."""
    if not set(view_nodes(manifest)) <= built_unique_ids:
        return False
    record = Path(duckdb_path).with_name(VIEWS_BUILT_FILE)
    tmp = record.with_name(f".{VIEWS_BUILT_FILE}.{os.getpid()}")
    tmp.write_text(json.dumps({"project_fingerprint": project_fingerprint(manifest)}), "utf-8")
    os.replace(tmp, record)
    return True


#: Jobs whose dbt build is ``--full-refresh``: the incremental facts (keyed by document, issue 29) are
#: rebuilt from the raw tables; every other build (a drop, ``budget-etl run``) rebuilds only the rows of
#: the documents that changed.
FULL_REFRESH_JOBS = frozenset({"nightly_rebuild_job"})

#: dbt artifact folders (``target/dbt_models-<run>``, ~9 MB each) kept after a build; older ones are removed.
KEEP_RUN_TARGETS = 5


def prune_run_targets(target_dir: Path, keep: int = KEEP_RUN_TARGETS) -> list[Path]:
    """Remove all but the ``keep`` newest ``dbt_models-*`` folders of ``target_dir``; returns those removed."""
    runs = sorted((p for p in target_dir.glob("dbt_models-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    removed = runs[: max(len(runs) - keep, 0)]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed


def with_table_metadata(events: list, manifest: Mapping[str, Any], duckdb_path: Path) -> list:
    """``events`` of a finished ``dbt build`` with each model's row count and column types added.

    What dagster-dbt's ``fetch_row_counts()`` / ``fetch_column_metadata()`` attach (the keys
    ``dagster/row_count`` for tables — not views, as dagster-dbt — and ``dagster/column_schema``),
    read after dbt has exited in one read-only DuckDB connection: two queries in all instead of one
    connection to the database file per model opened by this process while dbt writes it. Events
    that are not a model's materialization are returned unchanged. ``duckdb.Error`` propagates.
    """
    from dagster_dbt.asset_utils import default_metadata_from_dbt_resource_props

    nodes = manifest["nodes"]

    def node_of(event) -> Mapping[str, Any] | None:
        unique_id = materialized_unique_id(event)
        node = nodes.get(unique_id) if unique_id is not None else None
        return node if node and node["resource_type"] == "model" else None

    built = [node for node in map(node_of, events) if node]
    if not built:
        return events
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        columns: dict[tuple[str, str], dict[str, dict]] = {}
        for schema, table, column, data_type in con.execute(
            "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() ORDER BY column_index"
        ).fetchall():
            columns.setdefault((schema, table), {})[column] = {"data_type": data_type}
        counts = {}
        for node in built:
            if node["config"]["materialized"] != "view":
                (counts[node["unique_id"]],) = con.execute(f"SELECT count(*) FROM {node['relation_name']}").fetchone()
    finally:
        con.close()
    out = []
    for event in events:
        node = node_of(event)
        if node is None:
            out.append(event)
            continue
        extra = dict(default_metadata_from_dbt_resource_props(
            {"columns": columns.get((node["schema"], node["alias"] or node["name"]), {})}))
        if node["unique_id"] in counts:
            extra["dagster/row_count"] = dg.MetadataValue.int(counts[node["unique_id"]])
        out.append(event.with_metadata({**event.metadata, **extra}))
    return out


def keep_partial_parse(run_target: Path, project_target: Path) -> bool:
    """Copy dbt's ``partial_parse.msgpack`` of a finished build (``run_target``) to ``project_target``.

    dagster-dbt starts each build from ``<project>/target/partial_parse.msgpack``, written by
    ``dbt parse`` with the ``DUCKDB_PATH`` of the warehouse it was parsed for; dbt hashes the
    connection (the database path included), so a warehouse elsewhere (``make dev
    WAREHOUSE_DIR=…``) made every run parse the whole project again ("Unable to do partial
    parsing because profile has changed", 3-8 s per run, issue 19). Keeping the newest one makes
    the next build of the same warehouse parse only what changed; dbt still checks every file's
    hash and the profile, so a stale cache is never used. Atomic (temporary file, ``os.replace``);
    returns False when the build wrote none.
    """
    source = run_target / "partial_parse.msgpack"
    if not source.is_file():
        return False
    tmp = project_target / f".partial_parse.msgpack.{os.getpid()}"
    shutil.copyfile(source, tmp)
    os.replace(tmp, project_target / "partial_parse.msgpack")
    return True


def close_adapter_connections(invocation) -> None:
    """Close the DuckDB connections that the row-count and column-metadata fetchers opened in this process.

    They query through the dbt adapter, and dbt-duckdb keeps the database file
    open until its last connection closes (``keep_open: false`` in
    profiles.yml; dbt-duckdb's default keeps it open for the process's
    lifetime); DuckDB then refuses the read-only connections of the steps
    after dbt ("different configuration").
    """
    if invocation.adapter is not None:
        invocation.adapter.cleanup_connections()


@contextmanager
def _locked(warehouse: WarehouseResource) -> Iterator[Path]:
    """``warehouse.duckdb``'s path, with the warehouse's writer lock held."""
    with warehouse.writer_lock():
        yield warehouse.duckdb_path


#: ``nice`` increment of the ``dbt test`` process of ``dbt_tests_job``: the tests read their own copy of the
#: warehouse and run beside the next drop's run; on a 2-core machine 1-2 minutes of their CPU at equal priority
#: doubled that run's staging and dbt steps (issue 29). At +10 the drop's run gets the cores first.
TESTS_NICENESS = 10


def lower_priority(pid: int, increment: int = TESTS_NICENESS) -> None:
    """Lower the CPU priority (``nice``) of process ``pid`` by ``increment``; a platform without ``setpriority``
    or a refusal leaves it as it is (the tests still run, only not in the background)."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, min(19, os.getpriority(os.PRIO_PROCESS, pid) + increment))
    except (AttributeError, OSError):
        pass


def is_every_test_only(context: dg.AssetExecutionContext) -> bool:
    """True when the step selects no dbt asset and every dbt test check (``dbt_tests_job``)."""
    assets_def = context.assets_def
    every_check = {spec.key for spec in assets_def.node_check_specs_by_output_name.values()}
    return not context.selected_asset_keys and set(context.selected_asset_check_keys) == every_check


def is_models_only(context: dg.AssetExecutionContext) -> bool:
    """True when the step selects dbt assets and no dbt test check (``streaming_job``): the build
    that runs in this process (:class:`orchestration.dbt_in_process.InProcessDbtBuild`, issue 19)."""
    return bool(context.selected_asset_keys) and not context.selected_asset_check_keys


def as_check_result(event):
    """dagster-dbt's ``AssetCheckEvaluation`` of a test run without a context, as the step's ``AssetCheckResult``."""
    if not isinstance(event, dg.AssetCheckEvaluation):
        return event
    return dg.AssetCheckResult(asset_key=event.asset_key, check_name=event.check_name, passed=event.passed,
                               severity=event.severity, metadata=event.metadata, description=event.description)


dbt_models_translator = BudgetDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=dbt_models_translator,
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """Build (run + test) the dbt models over the raw tables in the warehouse DuckDB file.

    What runs follows the step's selection (dagster-dbt): every model and test (``main_job``, the
    nightly rebuild); the models without their tests when no dbt check is selected
    (``streaming_job``: ``dbt build --select <models>`` with ``DBT_INDIRECT_SELECTION=empty``), run
    in this process rather than in a dbt subprocess (:func:`is_models_only`, issue 19: ~5 s less
    per drop); and, when only checks are selected and they are all of them (``dbt_tests_job``), a
    plain ``dbt test`` (:func:`is_every_test_only`) of a copy of the warehouse taken under the writer
    lock (``WarehouseResource.tests_snapshot``), so the next drop's run does not wait for the tests.
    Every other build holds the writer lock while dbt runs.
    """
    every_test_only = is_every_test_only(context)
    project_dir = Path(dbt_project.project_dir)
    # dbt_tests_job tests a copy of the warehouse taken under the writer lock, and does not hold the lock while
    # dbt runs (WarehouseResource.tests_snapshot); every other build works on the warehouse, holding the lock.
    with warehouse.tests_snapshot() if every_test_only else _locked(warehouse) as database:
        os.environ["DUCKDB_PATH"] = str(database)  # read by dbt_project/profiles.yml
        # dbt's parse cache is valid for one database path (keep_partial_parse): the copy keeps its own
        parse_cache_dir = warehouse.tests_snapshot_dir if every_test_only else project_dir / dbt_project.target_path
        if every_test_only:
            # Without the context: dagster-dbt would name the 296 tests one by one, and above 200 names it
            # copies the whole dbt project to a temporary folder to run it with a generated selector
            # (asset_utils, dagster-dbt 0.29). `dbt test` alone runs the same tests, plus the 3 singular and
            # 4 unit tests that are not Dagster checks, as the full build does.
            run_target = Path(dbt_project.target_path) / f"dbt_models-{context.run.run_id[:7]}-test"
            (project_dir / run_target).mkdir(parents=True, exist_ok=True)
            keep_partial_parse(parse_cache_dir, project_dir / run_target)  # dagster-dbt then keeps it
            invocation = dbt.cli(["test"], manifest=dbt_project.manifest_path, dagster_dbt_translator=dbt_models_translator,
                                 target_path=run_target)
            lower_priority(invocation.process.pid)
        elif is_models_only(context):
            # imported on first use, not with the definitions (code server, tests): it imports dbt's CLI; a warm
            # run worker imports it and calls its warm_up() before a run arrives
            from orchestration.dbt_in_process import InProcessDbtBuild

            # a drop's build leaves out the whole-warehouse reports once they exist (reports_refresh_job rebuilds
            # them) and the views once they are this project's (nothing a document changes is in a view)
            excluded = []
            if context.run.job_name in DEFERRING_JOBS:
                if not deferred_models_missing(database):
                    excluded.append(f"tag:{WHOLE_WAREHOUSE_TAG}")
                if views_are_current(database, _project_manifest()):
                    excluded.append("config.materialized:view")
            invocation = InProcessDbtBuild(context, Path(dbt_project.target_path) / f"dbt_models-{context.run.run_id[:7]}",
                                           exclude=" ".join(excluded) or None)
        else:
            # the nightly job rebuilds every incremental fact from scratch (macros/incremental_documents.sql)
            full_refresh = ["--full-refresh"] if context.run.job_name in FULL_REFRESH_JOBS else []
            invocation = dbt.cli(["build", *full_refresh], context=context)
        try:
            # Row counts and column types are read once dbt has exited (with_table_metadata): dagster-dbt's
            # fetchers open the database file once per model from this process while dbt (4 threads) holds
            # it (issue 19). The events reach Dagster when dbt has finished; the next step starts only then
            # anyway (one process, in order).
            events: list = []
            try:
                for event in invocation.stream():
                    events.append(as_check_result(event) if every_test_only else event)
            except Exception:
                yield from events  # a failed build: its test results and models reach Dagster, then the error
                raise
            yield from with_table_metadata(events, invocation.manifest, database)
            keep_partial_parse(project_dir / invocation.target_path, parse_cache_dir)
            if not every_test_only:
                record_views_built(database, invocation.manifest, built_models(events))
        finally:
            close_adapter_connections(invocation)
            prune_run_targets(Path(dbt_project.project_dir) / dbt_project.target_path)
