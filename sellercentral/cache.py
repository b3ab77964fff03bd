"""The caches: Redis in production, and what a single machine's processes share without a
server (files under ``var/cache``).

``RedisCache`` is Django's, holding one client per server: Django's builds a new ``redis.Redis``
for every call, and redis-py's constructor (its table of reply parsers) costs more than a small
GET's round trip itself; a seller page reads the cache three or four times.


``make run`` starts gunicorn with several workers, the relay and Celery: rate limits counted
in each process's memory would allow every limit once per process. Django's file cache is
shared by them, but it counts loosely: its ``add`` looks before it writes, and ``incr``
(BaseCache's) reads then writes the value back with the default timeout, so two processes can
both start a counter or both write the same count + 1, and each increment moves the counter's
expiry (a slow, steady sender would never reach an hourly limit). ``SharedFileCache`` makes
both atomic with one lock file and keeps a counter's expiry, as Redis's INCR does.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.core.files import locks
from django.core.files.move import file_move_safe


class _ClientPerServer(RedisCacheClient):
    """Django's client, keeping the ``redis.Redis`` of each server: it is thread-safe and forks
    cleanly (its connection pool checks the process id), so one serves every call."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}  # by connection pool

    def get_client(self, key=None, *, write: bool = False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ClientPerServer

    def incr_in_window(self, key: str, timeout: int, version: int | None = None) -> int:
        """``add(key, 0, timeout)`` then ``incr(key)``: one atomic step (MULTI … EXEC) in one
        round trip, where Django's two calls take three (its ``incr`` asks ``EXISTS`` first).
        A rate limit counts every mail and API request with it."""
        key = self.make_and_validate_key(key, version=version)
        client = self._cache.get_client(key, write=True)
        with client.pipeline(transaction=True) as pipe:
            pipe.set(key, 0, ex=timeout, nx=True)
            pipe.incr(key)
            return pipe.execute()[1]


class SharedFileCache(FileBasedCache):
    LOCK_FILE = "counters.lock"  # not a ".djcache" file: never listed, culled or cleared

    @contextmanager
    def _counting(self) -> Iterator[None]:
        """One counter changes at a time, across every process using this folder."""
        self._createdir()
        with open(os.path.join(self._dir, self.LOCK_FILE), "ab") as lock:
            locks.lock(lock, locks.LOCK_EX)
            try:
                yield
            finally:
                locks.unlock(lock)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        with self._counting():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta: int = 1, version=None) -> int:
        with self._counting():
            fname = self._key_to_file(key, version)
            try:
                with open(fname, "rb") as file:
                    expiry = pickle.load(file)  # noqa: S301 (our own files, as FileBasedCache reads them)
                    value = pickle.loads(zlib.decompress(file.read()))  # noqa: S301
            except FileNotFoundError:
                raise ValueError(f"Key '{key}' not found") from None
            if expiry is not None and expiry < time.time():
                self.delete(key, version)
                raise ValueError(f"Key '{key}' not found")
            value += delta
            fd, tmp_path = tempfile.mkstemp(dir=self._dir)
            try:
                with open(fd, "wb") as file:
                    file.write(pickle.dumps(expiry, self.pickle_protocol))
                    file.write(zlib.compress(pickle.dumps(value, self.pickle_protocol)))
                file_move_safe(tmp_path, fname, allow_overwrite=True)
            except BaseException:
                with suppress(FileNotFoundError):
                    os.remove(tmp_path)
                raise
            return value

    def _cull(self) -> None:
        """Expired entries go first: Django's cull alone deletes a random third of the files,
        live counters among them."""
        files = self._list_cache_files()
        if len(files) < self._max_entries:
            return
        for fname in files:
            with suppress(OSError), open(fname, "rb") as file:
                self._is_expired(file)  # deletes the file when it has expired
        super()._cull()
