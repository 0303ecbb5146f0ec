"""Superset configuration for the starter dashboard (read by Superset through SUPERSET_CONFIG_PATH).

State lives in ``$SUPERSET_HOME`` (default ``dashboard/.superset``, not in git):
the metadata database (SQLite), the secret key and the admin password, all
created by ``python -m orchestration.reporting.dashboard`` on first start.
The warehouse itself is reached only through the DuckDB connection the
launcher registers: ``serving.duckdb`` with ``access_mode=read_only``.
"""

import os
from pathlib import Path

_HOME = Path(os.environ.get("SUPERSET_HOME", Path(__file__).parent / ".superset"))

SECRET_KEY = (_HOME / "secret_key").read_text(encoding="utf-8").strip()
SQLALCHEMY_DATABASE_URI = f"sqlite:///{_HOME / 'superset.db'}"
# a local starter: no Redis; rate limits and caches in memory
RATELIMIT_STORAGE_URI = "memory://"
# no outbound calls (usage statistics, map tiles)
MAPBOX_API_KEY = ""
SUPERSET_WEBSERVER_TIMEOUT = 120
BABEL_DEFAULT_LOCALE = "en"
# Same-origin only. Superset's prebuilt frontend always adds a usage "pixel"
# image from another host (Scarf) and its default policy allows it, map tiles
# and web fonts from other hosts; this policy allows none, so the browser never
# sends those requests (the dashboard uses no maps and the system fonts, CJK included).
_SAME_ORIGIN_ONLY = {
    "content_security_policy": {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
        "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}
TALISMAN_ENABLED = True
TALISMAN_CONFIG = _SAME_ORIGIN_ONLY
TALISMAN_DEV_CONFIG = _SAME_ORIGIN_ONLY
CONTENT_SECURITY_POLICY_WARNING = False
