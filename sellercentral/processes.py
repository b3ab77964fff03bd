"""What a process we start needs to find: a free loopback port, our database's URL."""

from __future__ import annotations

import socket

from django.db import connection


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cache_url() -> str:
    """The URL of the cache this process counts rate limits in, for a process we start to
    count in the same one (``locmem://`` is this process's own memory: shared with nobody)."""
    from django.conf import settings

    config = settings.CACHES["default"]
    if config["BACKEND"].endswith(".RedisCache"):
        return config["LOCATION"]
    if config["BACKEND"].endswith(".SharedFileCache"):
        return f"filecache://{config['LOCATION']}"
    return "locmem://"


def database_url() -> str:
    """The URL of the database this process uses (the test database inside the tests)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
