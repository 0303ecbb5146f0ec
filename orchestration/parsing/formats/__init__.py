"""Format readers: a file's bytes → the tables (and narrative pages) it holds.

A format reader knows files, not budgets. Its output, :class:`.grid.DocumentLayout`,
is the same for every format: tables as grids of cells with provenance
(page + bbox for PDF), a table continued over a page break already joined
into one, and the pages that hold only prose recorded as narrative. What a
table *is* is decided later by :mod:`orchestration.parsing.tables`.

- :mod:`.grid` — the format-neutral records (:class:`.grid.GridTable`, :class:`.grid.GridCell`,
  :class:`.grid.NarrativePage`, :class:`.grid.DocumentLayout`);
- :mod:`.pdf` — PDF via pdfplumber (``find_tables`` on ruled pages only).
"""
