"""Ingestion: from a file in the inbox to rows in the DuckDB schema ``raw``. No Dagster imports.

One document's path through the package, top to bottom (each module imports only
the ones below it; nothing imports :mod:`.ingest` but the Dagster asset
``orchestration/defs/ingestion/assets.py``)::

    ingest.py        ingest_documents(): the policy of one run — find each document's file,
       │  │  │       parse ahead in the pool, then (this one process, in order) file away and load
       │  │  ▼
       │  │ parallel.py   parse_files(): read_and_parse in worker processes, each within its
       │  │     │         time and memory budget; results in the given order
       │  ▼     ▼
       │ filing.py  reading.py   file_away(): archive/ or quarantine/ (+ .reason.json);
       │    │   ╲     │          read_and_parse(): open safely, SHA-256 id, size limit, parse
       │    │    ╲    ▼
       │    │     inbox.py       scan_folder() / skip_reason(): which entries are documents
       ▼    ▼
     loading.py      write_document(): the document's raw rows replaced in one transaction
                     (DDL: ../raw_schema.sql; table descriptions: raw_descriptions.py)

``filing`` and ``reading`` also use ``inbox`` (names, ``errno_name``) and ``loading``
(``DocumentRegistration``, ``WarehouseWriteError``). Publication of the marts
(``serving.duckdb``) is not ingestion: :mod:`orchestration.serving`.
``tests/unit/test_ingestion_layout.py`` keeps these directions.
"""
