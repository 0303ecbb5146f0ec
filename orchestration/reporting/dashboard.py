"""``python -m orchestration.reporting.dashboard``: serve the starter Superset dashboard on serving.duckdb.

Apache Superset lives in its own virtualenv, ``dashboard/.venv`` (``make
dashboard`` installs it from ``dashboard/constraints.txt``), with its state in
``dashboard/.superset/`` (not in git). This launcher

1. on first start: creates a secret key and an ``admin`` user with a random
   password (``dashboard/.superset/admin_password``), migrates Superset's
   metadata database and sets up its roles;
2. on every start: registers ``$WAREHOUSE_DIR/serving.duckdb`` as a DuckDB
   connection with ``access_mode=read_only`` and rebuilds the starter dashboard
   (``dashboard/provision.py``: the report's charts over the same ``rpt_``
   models; the function-class charts only when whole disclosures are loaded —
   the report's rule, :func:`~orchestration.reporting.charts.table_has_rows`);
3. runs the Superset web server on ``--host``/``--port`` in the foreground.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

import duckdb

from orchestration import settings
from orchestration.reporting.charts import FUNCTION_TABLE, table_has_rows

DASHBOARD_DIR = settings.REPO_ROOT / "dashboard"
SUPERSET_BIN = DASHBOARD_DIR / ".venv" / "bin"
DASHBOARD_PATH = "/superset/dashboard/budget-warehouse/"


def superset_home() -> Path:
    """``$SUPERSET_HOME`` or ``dashboard/.superset``: metadata database, secret key, admin password."""
    return Path(os.environ.get("SUPERSET_HOME") or DASHBOARD_DIR / ".superset").resolve()


def superset_env() -> dict[str, str]:
    """Environment for Superset's CLI: its home and ``dashboard/superset_config.py``."""
    env = dict(os.environ)
    env.update(SUPERSET_HOME=str(superset_home()), SUPERSET_CONFIG_PATH=str(DASHBOARD_DIR / "superset_config.py"),
               FLASK_APP="superset", SUPERSET_LOAD_EXAMPLES="no")
    return env


def admin_password() -> str:
    """The local ``admin`` user's password (created on first start)."""
    return (superset_home() / "admin_password").read_text(encoding="utf-8").strip()


def _superset(*args: str) -> None:
    subprocess.run([str(SUPERSET_BIN / "superset"), *args], env=superset_env(), check=True,
                   stdout=subprocess.DEVNULL)


def initialise() -> None:
    """First start only: secret key, metadata database, roles and the ``admin`` user."""
    home = superset_home()
    home.mkdir(parents=True, exist_ok=True)
    done = home / "initialised"
    if done.exists():
        _superset("db", "upgrade")  # cheap when current; needed after a Superset upgrade
        return
    for name, size in (("secret_key", 48), ("admin_password", 16)):
        path = home / name
        if not path.exists():
            path.write_text(secrets.token_urlsafe(size) + "\n", encoding="utf-8")
            path.chmod(0o600)
    _superset("db", "upgrade")
    _superset("fab", "create-admin", "--username", "admin", "--firstname", "Local", "--lastname", "Admin",
              "--email", "admin@localhost", "--password", admin_password())
    _superset("init")
    done.touch()


def provision(serving_path: Path) -> None:
    """Register the serving database (read-only) and rebuild the starter dashboard."""
    with duckdb.connect(str(serving_path), read_only=True) as con:
        # a chart group is added only where its model has rows (dashboard/provision.py: OPTIONAL_CHARTS)
        flags = [flag for flag, table in (("--with-functions", FUNCTION_TABLE),
                                          ("--with-yoy", "rpt_yoy_function_expenditure"),
                                          ("--with-outcomes", "rpt_outcomes_by_department"))
                 if table_has_rows(con, table)]
    subprocess.run(
        [str(SUPERSET_BIN / "python"), str(DASHBOARD_DIR / "provision.py"), str(serving_path.resolve()), *flags],
        env=superset_env(), check=True,
    )


def main(argv: list[str] | None = None) -> int:
    """Initialise (first time), provision, then run the web server until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m orchestration.reporting.dashboard", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8088)
    args = parser.parse_args(argv)
    serving = settings.warehouse_dir() / settings.SERVING_FILE_NAME
    if not serving.exists():
        print(f"{serving} does not exist yet: run `make run` first", file=sys.stderr)
        return 1
    if not (SUPERSET_BIN / "superset").exists():
        print("Superset is not installed: run `make dashboard`", file=sys.stderr)
        return 1
    initialise()
    provision(serving)
    print(f"Dashboard: http://{args.host}:{args.port}{DASHBOARD_PATH}  (user admin, password in "
          f"{superset_home() / 'admin_password'})", flush=True)
    server = subprocess.Popen(
        [str(SUPERSET_BIN / "superset"), "run", "-h", args.host, "-p", str(args.port), "--with-threads"],
        env=superset_env(),
    )
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        return server.wait()


if __name__ == "__main__":
    sys.exit(main())
