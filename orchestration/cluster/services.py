"""PostgreSQL and Redis for the cluster profile, started from the Debian packages on loopback.

Everything lives under one folder (``$WAREHOUSE_DIR/cluster`` by default): ``pg/`` (the PostgreSQL data
directory, owned by the ``postgres`` system user because PostgreSQL refuses to run as root), ``redis/``
(Redis' working directory, pid and log file), ``dagster/`` (the ``DAGSTER_HOME`` whose ``dagster.yaml``
stores runs, events and schedules in PostgreSQL). Ports come from ``CLUSTER_PG_PORT`` (default 55432)
and ``CLUSTER_REDIS_PORT`` (default 56379), away from the usual 5432 / 6379 so a system service is never
touched. Functions are idempotent: starting what already runs does nothing.

Raises :class:`ServiceError` (with what to install) when a Debian package is missing.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path

from orchestration import settings

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
DATABASES = ("warehouse", "dagster")


class ServiceError(RuntimeError):
    """A service cannot be started (package missing, port taken, start failed); the message says what to do."""


def pg_bin(name: str) -> str:
    """Path of the PostgreSQL program ``name`` (``initdb``, ``pg_ctl``…) of the newest installed major version."""
    for folder in PG_BIN_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if found:
        return found
    raise ServiceError(f"PostgreSQL's {name} is not installed: run `make cluster-packages` (Debian postgresql, root).")


def missing_packages() -> list[str]:
    """The Debian packages of the cluster profile that are not installed (``[]``: all there)."""
    missing = []
    try:
        pg_bin("initdb")
    except ServiceError:
        missing.append("postgresql")
    if not shutil.which("redis-server"):
        missing.append("redis-server")
    return missing


def cluster_dir() -> Path:
    """``$CLUSTER_DIR`` or ``$WAREHOUSE_DIR/cluster``: home of the services' data, created."""
    folder = settings.read(settings.ClusterSettings).dir or settings.warehouse_dir() / "cluster"
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _as_postgres(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run ``command`` as the ``postgres`` system user when this is root (PostgreSQL refuses root)."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    kwargs.setdefault("check", True)
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def start_postgres(folder: Path | None = None) -> str:
    """Initialise (once) and start PostgreSQL on 127.0.0.1:``CLUSTER_PG_PORT``; return the URL of ``warehouse``.

    Trust authentication on loopback only (a demo and CI database, never a shared one); the databases of
    :data:`DATABASES` are created. ``fsync`` stays on unless ``CLUSTER_PG_FSYNC=off``.
    """
    folder = folder or cluster_dir()
    config = settings.read(settings.ClusterSettings)
    data = folder / "pg"
    socket_dir = folder / "pg-socket"
    for path in (data, socket_dir):
        path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        for path in (data, socket_dir):
            os.chown(path, user.pw_uid, user.pw_gid)
        os.chmod(data, 0o700)
        _open_parents(folder)
    if not (data / "PG_VERSION").exists():
        _as_postgres([pg_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                      "--locale=C.UTF-8"])
    if not _pg_running(data):
        options = (f"-c listen_addresses=127.0.0.1 -c port={config.pg_port} -c unix_socket_directories={socket_dir}"
                   f" -c max_connections=200 -c fsync={config.pg_fsync} -c synchronous_commit={config.pg_fsync}")
        try:
            _as_postgres([pg_bin("pg_ctl"), "start", "-w", "-t", "60", "-D", str(data), "-l", str(data / "server.log"),
                          "-o", options])
        except subprocess.CalledProcessError as error:
            log = _tail(data / "server.log")
            raise ServiceError(f"PostgreSQL did not start: {error.stderr}\n{log}") from error
    for database in DATABASES:
        _create_database(config.pg_port, database)
    return pg_url("warehouse")


def _pg_running(data: Path) -> bool:
    """Whether a PostgreSQL server runs from the data directory ``data`` (``pg_ctl status``)."""
    if not (data / "postmaster.pid").exists():
        return False
    return _as_postgres([pg_bin("pg_ctl"), "status", "-D", str(data)], check=False).returncode == 0


def _open_parents(folder: Path) -> None:
    """Let the ``postgres`` user traverse the folders above its data directory (x bit only)."""
    for parent in [folder, *folder.parents]:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            os.chmod(parent, mode | 0o001)


def _create_database(port: int, name: str) -> None:
    import psycopg2
    from psycopg2 import sql

    con = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
    con.autocommit = True
    try:
        with con.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        con.close()


def pg_url(database: str) -> str:
    """The URL of ``database`` on the profile's PostgreSQL (``CLUSTER_PG_PORT``)."""
    return f"postgresql://postgres@127.0.0.1:{settings.read(settings.ClusterSettings).pg_port}/{database}"


def stop_postgres(folder: Path | None = None) -> None:
    """Stop PostgreSQL (fast shutdown) if it runs from ``folder``."""
    data = (folder or cluster_dir()) / "pg"
    if _pg_running(data):
        _as_postgres([pg_bin("pg_ctl"), "stop", "-m", "fast", "-D", str(data)], check=False)


def start_redis(folder: Path | None = None) -> str:
    """Start ``redis-server`` daemonised on 127.0.0.1:``CLUSTER_REDIS_PORT`` in ``folder/redis``; return its URL."""
    if not shutil.which("redis-server"):
        raise ServiceError("redis-server is not installed: run `make cluster-packages` (Debian redis-server, root).")
    folder = folder or cluster_dir()
    port = settings.read(settings.ClusterSettings).redis_port
    work = folder / "redis"
    work.mkdir(parents=True, exist_ok=True)
    url = f"redis://127.0.0.1:{port}/0"
    if not _redis_answers(port):
        subprocess.run(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--daemonize", "yes",
                        "--dir", str(work), "--pidfile", str(work / "redis.pid"), "--logfile", str(work / "redis.log"),
                        "--save", "", "--appendonly", "no"], check=True)
        for _ in range(100):
            if _redis_answers(port):
                break
            time.sleep(0.1)
        else:
            raise ServiceError(f"redis-server did not answer on port {port}: see {work / 'redis.log'}")
    return url


def _redis_answers(port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5).ping())
    except redis.exceptions.ConnectionError:
        return False


def stop_redis(folder: Path | None = None) -> None:
    """Stop the ``redis-server`` started from ``folder`` (by its pid file)."""
    pid_file = (folder or cluster_dir()) / "redis" / "redis.pid"
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text().strip()), 15)
        except (ProcessLookupError, ValueError):
            pass


def _tail(path: Path) -> str:
    """The last 2,000 characters of a log file (``""`` when it cannot be read)."""
    try:
        return path.read_text("utf-8", "replace")[-2000:]
    except OSError:
        return ""
