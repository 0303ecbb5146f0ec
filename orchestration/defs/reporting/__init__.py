"""Dagster definitions: reporting (see ``orchestration/defs/__init__.py``)."""

#: Op tags of the reporting steps that read the marts but are not on the way to ``serving.duckdb`` (the run's
#: summary, the evidence images): in a run's process the ready steps go by ``dagster/priority``, so these run
#: after the mart checks and the publish that became ready with them (by step key they ran first: 0.8 s of a
#: drop's wait, issue 29). They do not depend on the publish: a run whose publish is blocked still writes them.
AFTER_PUBLISH_OP_TAGS = {"dagster/priority": "-1"}
