"""Which documents a run stages: its run config and its run tags (issue 29: documents are not partitions).

A document is a row of the registry ``raw.documents`` (id = SHA-256 of its bytes, file, version, status, the run
that last staged it), not a Dagster partition: Dagster advises at most ~100,000 dynamic partitions per asset, a
year of national disclosures is ~250,000 documents, and each partition cost a planned and a done materialization
in the event log. A run carries its documents in its config (:func:`stage_run_config`: document id → file), the
sensor gives each run a ``run_key`` of its own, and the tags below let the UI find the runs of a file or a document
(Runs → filter by tag). No Dagster import: plain dicts.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

#: Run tag naming the file(s) of a run: one name, or the first and a count.
FILE_TAG = "document/file"
#: Run tag of a run that stages one document: its id (SHA-256), to find every run of a document in the UI.
DOCUMENT_TAG = "document/id"
#: Run tag: how many documents the run stages.
DOCUMENT_COUNT_TAG = "document/count"


def file_tags(files: dict[str, str]) -> dict[str, str]:
    """Run tags of a run over ``files`` (document id → path): the file name(s), the count, and the id of a lone
    document. ``{}`` for no file."""
    names = [Path(path).name for path in files.values()]
    if not names:
        return {}
    text = names[0] if len(names) == 1 else f"{names[0]} (+{len(names) - 1} more)"
    tags = {FILE_TAG: text, DOCUMENT_COUNT_TAG: str(len(names))}
    if len(files) == 1:
        tags[DOCUMENT_TAG] = next(iter(files))
    return tags


def drop_run_key(files: dict[str, str], signatures: dict[str, tuple[int, int]]) -> str:
    """The ``run_key`` of one sensor run over ``files`` (document id → path) with each file's ``(size, mtime_ns)``:
    a digest of ids, names and signatures, so the same bytes dropped again (a new mtime) make a new run, and a
    tick evaluated twice makes one."""
    digest = hashlib.sha256()
    for document_id, path in sorted(files.items()):
        digest.update(f"{document_id}\0{Path(path).name}\0{signatures.get(document_id)}\n".encode("utf-8"))
    return f"drop:{digest.hexdigest()[:32]}"


def stage_run_config(files: dict[str, str], move_processed: bool, document_ids: list[str] | None = None) -> dict:
    """Run config for ``main_job`` and ``streaming_job``: which file holds each document (id → path), whether to
    move it when done, and ``document_ids`` to stage again from where the registry last saw them (archive,
    quarantine, their source path: re-running a document from the UI)."""
    config: dict = {"files": files, "move_processed": move_processed}
    if document_ids:
        config["document_ids"] = list(document_ids)
    return {"ops": {"stage_documents": {"config": config}}}


def run_document_ids(run_config: dict | None) -> list[str] | None:
    """The document ids (SHA-256) a run stages, read back from its :func:`stage_run_config` (files first, in
    order, then the ids to stage again); ``None`` for a run that stages no document (``nightly_rebuild_job``, a
    check run from the UI): its checks cover the whole warehouse.

    What scopes the GX checks of a document's run to that run's documents (issue 29: a drop's checks cost the
    same in a warehouse of 10 or 10,000 documents); the nightly rebuild runs them over every document.
    """
    config = (((run_config or {}).get("ops") or {}).get("stage_documents") or {}).get("config") or {}
    return documents_of(config.get("files") or {}, config.get("document_ids") or []) or None


def documents_of(files: dict[str, str], document_ids: list[str]) -> list[str]:
    """The documents a run stages, in order: those of ``files`` (id → path), then ``document_ids`` not among them."""
    return [*files, *(i for i in dict.fromkeys(document_ids) if i not in files)]
