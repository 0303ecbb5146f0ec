"""Development tools: not part of the installed package (``pyproject.toml`` packages ``orchestration*`` only),
run from the repository root (``python -m devtools.<tool>``), never imported by ``orchestration``.

- :mod:`.render_pdf` — render a parsed seed back into a published-style PDF
  (``make samples``, PDF round-trip tests);
- :mod:`.bench_pdf` — pages per second of the PDF parser vs bare pdfplumber;
- :mod:`.corpus` — synthetic documents derived from the seeds;
- :mod:`.drive` — drive the inbox sensor in-process against a real instance;
- :mod:`.gx_suites` — write the GX JSON of the suites defined in ``orchestration.quality.suites``;
- :mod:`.bench` — the benchmarks of ``make bench``.
"""
