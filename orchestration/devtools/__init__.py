"""Development tools: sample corpus generation, in-process sensor driving, benchmarks.

Not used by the pipeline itself; tests and ``make bench`` use them.
"""
