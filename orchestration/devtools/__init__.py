"""Development tools shipped inside the package (not used by the pipeline itself).

- :mod:`.render_pdf` — render a parsed seed back into a published-style PDF
  (``make samples``, PDF round-trip tests);
- :mod:`.bench_pdf` — pages per second of the PDF parser vs bare pdfplumber;
- :mod:`.corpus` — synthetic documents derived from the seeds;
- :mod:`.drive` — drive the inbox sensor in-process against a real instance.
"""
