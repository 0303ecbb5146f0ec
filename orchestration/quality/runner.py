"""Running GX suites: the file context, one checkpoint per suite, outcomes, Data Docs.

How GX reads DuckDB: GX 1.x has no DuckDB datasource, and over SQLAlchemy
(duckdb_engine) every expectation fails because GX closes the connection
before fetching. Each batch is therefore read from DuckDB into a pandas
DataFrame with the suite's SQL (:mod:`orchestration.quality.suites`) and
validated with GX's public pandas datasource (``warehouse`` in
``expectations/gx/great_expectations.yml``), through the suite's checkpoint
(``expectations/gx/checkpoints/``, no actions). The Data Docs under
``$WAREHOUSE_DIR/gx/data_docs/`` are rebuilt once per set of suites, then the
stored results are pruned (:mod:`orchestration.quality.store`).

No Dagster imports: ``orchestration.defs.quality.checks`` wires these into asset checks.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import duckdb
from filelock import FileLock

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
import great_expectations as gx  # noqa: E402  (env var must be set first)

from orchestration.quality.store import GX_DATA_DIR, prune_validation_results  # noqa: E402
from orchestration.quality.suites import DOCUMENT_SUITES, MARTS_SUITES, SUITES  # noqa: E402
from orchestration.settings import EXPECTATIONS_DIR  # noqa: E402
from orchestration.ingestion.loading import read_only_connection  # noqa: E402

DATA_DOCS_DIR = GX_DATA_DIR / "data_docs" / "local_site"

# --------------------------------------------------------------------------
# Running a suite
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result on one batch.

    ``unexpected_by_document`` counts failing rows per document id
    (document-scope suites); ``sample`` holds a few failing rows as GX
    reported them (index columns and value).
    """

    suite: str
    expectation: str
    column: str | None
    severity: str
    success: bool
    unexpected_count: int | None
    notes: str | None
    unexpected_by_document: dict[str, int] = dataclasses.field(default_factory=dict)
    sample: tuple = ()

    @property
    def label(self) -> str:
        """``suite.expectation(column)``, the name used in reasons and alerts."""
        return f"{self.suite}.{self.expectation}({self.column or ''})"


@dataclasses.dataclass(frozen=True)
class SuiteOutcome:
    """Result of one suite on one batch: ``blocking_failures`` are failed critical expectations."""

    suite: str
    row_count: int
    outcomes: tuple[ExpectationOutcome, ...]
    data_docs_page: str | None = None

    @property
    def blocking_failures(self) -> list[ExpectationOutcome]:
        """Failed expectations of severity ``critical``."""
        return [o for o in self.outcomes if not o.success and o.severity == "critical"]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        """Failed expectations of severity ``warning`` (or ``info``)."""
        return [o for o in self.outcomes if not o.success and o.severity != "critical"]


@lru_cache(maxsize=4)
def gx_context(project_root: str | None = None):
    """The file-based GX context in ``expectations/`` (cached per process); its results and Data Docs in :data:`GX_DATA_DIR`."""
    os.environ["GX_DATA_DIR"] = str(GX_DATA_DIR)  # substituted into great_expectations.yml
    return gx.get_context(mode="file", project_root_dir=project_root or str(EXPECTATIONS_DIR))


def gx_lock() -> FileLock:
    """Serialises writers of the GX stores and Data Docs (validation results, index page)."""
    GX_DATA_DIR.mkdir(parents=True, exist_ok=True)
    return FileLock(str(GX_DATA_DIR / ".gx.lock"), timeout=600)


def _column_of(kwargs: dict) -> str | None:
    return kwargs.get("column") or (",".join(kwargs.get("column_list", [])) or None)


def _outcome(suite: str, r) -> ExpectationOutcome:
    cfg = r.expectation_config
    severity = getattr(cfg, "severity", None)
    result = r.result or {}
    column = _column_of(cfg.kwargs)
    by_document: Counter = Counter()
    sample = []
    for item in result.get("unexpected_index_list") or []:
        if isinstance(item, dict):
            if "document_id" in item:
                by_document[item["document_id"]] += 1
            if len(sample) < 10:
                sample.append({k: _jsonable(v) for k, v in item.items()})
    return ExpectationOutcome(
        suite=suite,
        expectation=cfg.type,
        column=column,
        severity=str(getattr(severity, "value", severity) or "critical"),
        success=bool(r.success),
        unexpected_count=result.get("unexpected_count"),
        notes=cfg.notes if isinstance(cfg.notes, str) else None,
        unexpected_by_document=dict(by_document),
        sample=tuple(sample),
    )


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


#: Validation results stored with their Data Docs pages not yet built (``defer_docs``), as identifier tuples;
#: :func:`build_pending_data_docs` builds them. In :data:`GX_DATA_DIR`, written under :func:`gx_lock`.
PENDING_DOCS_FILE = "pending_data_docs.json"


def _run_checkpoints(batches: list[tuple[str, object]], defer_docs: bool = False) -> list[SuiteOutcome]:
    """Run the checkpoint of each ``(suite name, DataFrame)``, then build the Data Docs once for all of them.

    Each checkpoint stores its validation result; the Data Docs pages of these
    results and the index page are then built in one pass (the checkpoints
    carry no ``UpdateDataDocsAction``: one per checkpoint rebuilt the index
    for every suite). ``data_docs_page`` is the local path of the page showing
    a result. With ``defer_docs`` and no critical expectation failing, the pages
    are not built here but recorded for :func:`build_pending_data_docs` (issue
    19: the build, ~0.4 s per check step, was on the path from a drop to the
    published marts); ``data_docs_page`` is then where the page will be (the
    run's ``gx_data_docs`` asset builds it after publish, and the alert sensor
    before it sends an alert). A critical failure blocks the run before that
    asset, so its pages are built at once, whatever ``defer_docs`` says. Finally the stored results beyond the newest
    :data:`KEEP_VALIDATIONS_PER_SUITE` per suite are pruned. Raises
    ``great_expectations`` errors when a suite does not exist.
    """
    context = gx_context()
    runs = []
    with gx_lock():
        for suite_name, dataframe in batches:
            checkpoint = context.checkpoints.get(suite_name)
            result = checkpoint.run(batch_parameters={"dataframe": dataframe})
            (identifier, validation), = result.run_results.items()
            runs.append((suite_name, len(dataframe), identifier, validation))
        identifiers = [identifier for _, _, identifier, _ in runs]
        found = [SuiteOutcome(suite=name, row_count=rows, outcomes=tuple(_outcome(name, r) for r in validation.results))
                 for name, rows, _, validation in runs]
        if defer_docs and not any(suite.blocking_failures for suite in found):
            _add_pending_docs(identifiers)
            pages = _page_paths(context, identifiers)
        else:
            pages = _build_data_docs(context, identifiers)
        prune_validation_results(suites=[name for name, _ in batches])
    return [dataclasses.replace(suite, data_docs_page=pages.get(identifier)) for suite, identifier in zip(found, identifiers)]


def _pending_docs_path() -> Path:
    return GX_DATA_DIR / PENDING_DOCS_FILE


def _read_pending_docs() -> list[list[str]]:
    try:
        return json.loads(_pending_docs_path().read_text("utf-8"))
    except FileNotFoundError:
        return []


def _add_pending_docs(identifiers: list) -> None:
    """Record ``identifiers`` (``ValidationResultIdentifier``) as stored without their pages (call under :func:`gx_lock`)."""
    pending = _read_pending_docs() + [list(identifier.to_tuple()) for identifier in identifiers]
    tmp = _pending_docs_path().with_suffix(".tmp")
    tmp.write_text(json.dumps(pending), "utf-8")
    os.replace(tmp, _pending_docs_path())


def build_pending_data_docs() -> int:
    """Build the Data Docs pages of every result stored with ``defer_docs`` (and the index); the number built.

    Results pruned since they were recorded are skipped. The record is cleared
    once the pages are built (a failure to render is logged, as in
    :func:`_build_data_docs`, and not retried). Holds :func:`gx_lock`.
    """
    from great_expectations.data_context.types.resource_identifiers import ValidationResultIdentifier

    with gx_lock():
        pending = _read_pending_docs()
        if not pending:
            return 0
        context = gx_context()
        store = context.validation_results_store
        identifiers = [i for i in (ValidationResultIdentifier.from_tuple(tuple(t)) for t in pending) if store.has_key(i)]
        if identifiers:
            _build_data_docs(context, identifiers)
        _pending_docs_path().unlink(missing_ok=True)
        return len(identifiers)


def _page_paths(context, identifiers: list) -> dict:
    """identifier → local path of its Data Docs page, built or not."""
    pages = {}
    for identifier in identifiers:
        urls = context.get_docs_sites_urls(resource_identifier=identifier, only_if_exists=False)
        page = next((u["site_url"] for u in urls if u.get("site_url")), None)
        if page:
            pages[identifier] = page.removeprefix("file://")
    return pages


def _build_data_docs(context, identifiers: list) -> dict:
    """Build the Data Docs pages of ``identifiers`` (and the index); identifier → local page path.

    The site is built by ``orchestration.quality.data_docs.OfflineSiteBuilder``
    (``great_expectations.yml``): pages that open offline, or
    ``DataDocsNotSelfContained`` (a page would load from another host, or the
    vendored npm files are missing: ``make gx-assets``).

    A failure to render is logged (warning) and leaves the pages missing; it is
    never raised: the validation results are stored and the gate must not fail
    on documentation.
    """
    pages = {}
    try:
        context.build_data_docs(resource_identifiers=identifiers)
        pages = {i: page for i, page in _page_paths(context, identifiers).items() if Path(page).is_file()}
    except Exception as error:  # noqa: BLE001 - a missing docs page must not fail the validation
        logging.getLogger(__name__).warning("GX Data Docs not built: %s", error)
    return pages


def suite_frame(con: duckdb.DuckDBPyConnection, suite_name: str, document_ids: list[str] | None = None):
    """The pandas DataFrame a suite validates (read from DuckDB with its SQL)."""
    sql, params = SUITES[suite_name].sql(document_ids)
    return con.execute(sql, params).df()


def run_suites(con: duckdb.DuckDBPyConnection, names: Iterable[str], document_ids: list[str] | None = None,
               defer_docs: bool = False) -> list[SuiteOutcome]:
    """Run the named suites (document suites restricted to ``document_ids``; ``None``: every loaded document).

    One ``SuiteOutcome`` per suite, in the order given; Data Docs built once
    for the whole set, or left to :func:`build_pending_data_docs` when
    ``defer_docs`` and every suite passes (:func:`_run_checkpoints`).
    """
    frames: dict = {}
    batches = []
    for name in names:
        sql_fn = SUITES[name].sql
        if sql_fn not in frames:  # suites that share a query read it once
            frames[sql_fn] = suite_frame(con, name, document_ids)
        batches.append((name, frames[sql_fn]))
    return _run_checkpoints(batches, defer_docs=defer_docs)


def run_staging_suites(con: duckdb.DuckDBPyConnection, document_ids: list[str] | None = None,
                       defer_docs: bool = False) -> list[SuiteOutcome]:
    """Run every document-scope suite; one ``SuiteOutcome`` per suite (``defer_docs``: :func:`run_suites`)."""
    return run_suites(con, [s.name for s in DOCUMENT_SUITES], document_ids, defer_docs=defer_docs)


def run_marts_suites(con: duckdb.DuckDBPyConnection) -> list[SuiteOutcome]:
    """Run the marts suites (after dbt); one ``SuiteOutcome`` per suite."""
    return run_suites(con, [s.name for s in MARTS_SUITES])



def validate_warehouse(db_path: str | Path) -> list[SuiteOutcome]:
    """Open ``db_path`` read-only and run every suite (document suites over all loaded
    documents, marts suites when the marts exist). Used by ``make validate``."""
    with read_only_connection(db_path) as con:
        outcomes = run_staging_suites(con)
        has_marts = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'marts'"
        ).fetchone()[0]
        if has_marts:
            outcomes += run_marts_suites(con)
        return outcomes
