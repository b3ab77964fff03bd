"""Rate limits, counted in the cache that every process shares.

A limit is N hits per window of S seconds, the window being ``time // S``: its counter is made
with ``cache.add`` (the first writer wins) and counted with ``cache.incr``. Both are atomic in
Redis (production's ``CACHE_URL``) and in ``sellercentral.cache.SharedFileCache`` (the
embedded default, one lock file), so every gunicorn worker, every relay process and every
machine on the same Redis add to one count. In a per-process cache (``locmem://``) each
process would count apart and allow N times the limit: start-up refuses that when more than
one process would serve (``require_shared_counting``).

The writes of buyers and sellers (``commerce.policy.WRITE_RATES``) are counted here for the
pages (``sellercentral.throttling``) and the API (``sellercentral.api``) alike, per signed-in
user, or per client address (``sellercentral.client_ip``) before signing in.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from commerce.policy import WRITE_RATES, WriteRate

from .client_ip import client_ip

PERIODS = {1: _("a second"), 60: _("a minute"), 3600: _("an hour"), 86400: _("a day")}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int  # hits in the current window, this one included
    retry_after: int  # seconds until the window ends: when a refused hit may try again
    limit: int = 0
    resets_at: int = 0  # Unix time of the window's end

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)


def hit(key: str, limit: int, seconds: int, *, cache: BaseCache | None = None) -> Verdict:
    """Count one hit for ``key`` in the current window of ``seconds``; refused past ``limit``."""
    store = caches["default"] if cache is None else cache
    now = time.time()
    window = int(now // seconds)
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    counter = f"rate:{digest}:{seconds}:{window}"
    in_one_step = getattr(store, "incr_in_window", None)  # sellercentral.cache.RedisCache
    if in_one_step is not None:
        count = in_one_step(counter, seconds + 1)
    else:
        store.add(counter, 0, timeout=seconds + 1)
        try:
            count = store.incr(counter)
        except ValueError:  # expired between add and incr: this hit opens a new window
            store.add(counter, 1, timeout=seconds + 1)
            count = 1
    ends = (window + 1) * seconds
    return Verdict(count <= limit, count, max(1, math.ceil(ends - now)), limit, ends)


# --- The writes of buyers and sellers --------------------------------------------------------
def rate_of(scope: str) -> WriteRate:
    """The scope's rate: the environment's (settings.WRITE_RATES), else the policy's."""
    rate = WRITE_RATES[scope]
    if scope in settings.WRITE_RATES:
        limit, seconds = settings.WRITE_RATES[scope]
        rate = rate._replace(limit=limit, seconds=seconds)
    return rate


def identity(request: HttpRequest) -> str:
    """Whose writes these are: a signed-in user by id (wherever they connect from), anyone
    else by the address they connect from."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


def count_against(request: HttpRequest, scope: str) -> Verdict:
    """Count the request against its author's ``scope`` rate (a write's, or for "api" any API
    request's); the verdict is kept on the request for its answer's X-RateLimit-* headers."""
    rate = rate_of(scope)
    # "write:" is the counters' first name, kept so that a deploy does not reset them.
    verdict = hit(f"write:{scope}:{identity(request)}", rate.limit, rate.seconds)
    held = getattr(request, "_request", request)  # the HttpRequest under DRF's Request
    counted = getattr(held, "_rate_verdicts", None)
    if counted is None:
        counted = held._rate_verdicts = []
    counted.append(verdict)
    return verdict


def tightest(request: HttpRequest) -> Verdict | None:
    """Of the rates the request was counted against, the one with the fewest hits left."""
    counted = getattr(request, "_rate_verdicts", None)
    return min(counted, key=lambda v: (v.remaining, v.resets_at)) if counted else None


def per_period(seconds: int) -> str:
    return (
        str(PERIODS[seconds])
        if seconds in PERIODS
        else gettext("every %(count)s seconds") % {"count": seconds}
    )


def wait_in_words(seconds: int) -> str:
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def limit_in_words(scope: str) -> str:
    """ "Too many messages to sellers: at most 20 an hour." """
    rate = rate_of(scope)
    said = gettext("Too many %(what)s: at most %(limit)s %(period)s.")
    return said % {"what": rate.what, "limit": rate.limit, "period": per_period(rate.seconds)}


def too_many(scope: str, verdict: Verdict) -> str:
    """What a page says when a write is refused: the limit, and when to try again."""
    said = gettext("%(limit)s Nothing was changed; please try again in %(wait)s.")
    return said % {"limit": limit_in_words(scope), "wait": wait_in_words(verdict.retry_after)}


# --- Start-up: one count for every process ------------------------------------------------
def counts_per_process(cache: BaseCache | None = None) -> bool:
    """Whether counts kept in this cache live in one process's memory only."""
    return isinstance(caches["default"] if cache is None else cache, LocMemCache | DummyCache)


def require_shared_counting(processes: str) -> None:
    """Refuse to run ``processes`` (more than one) on a cache each would count in apart."""
    if counts_per_process():
        raise ImproperlyConfigured(
            f"{processes} would each count rate limits in their own memory (CACHE_URL=locmem://), "
            "allowing every limit as many times over: set CACHE_URL to redis://… or filecache:///… "
            "(one count shared by every process), or run a single process."
        )
