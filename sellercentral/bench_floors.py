"""Floors of the hot pages (``manage.py bench``): what Django itself costs to serve a page's data.

A floor view answers behind the same middleware and session as its page, runs the page's own
SQL (captured once from the page, replayed verbatim through the same connection) and renders
the fetched rows with a plain template: a loop and ``{{ value }}``, no tags, no filters, no
context processors. Replaying the captured statements, rather than calling the page's
selectors, keeps our Python out of the floor (models built, per-row properties, formatting):
whatever the page costs above it is ours to cut, and a selector made faster lowers both.

The statements the middleware runs by itself (the session, the user) are found by requesting
the floor with nothing to replay, and left to the middleware: each is run once, as on the page.
Only reads are replayed; a page's writes would change the data under the next request.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import get_template
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sellercentral.bench_pages import HOT_PAGES, World

BENCH_URLCONF = "sellercentral.bench_urls"
_LITERAL = re.compile(r"'(?:[^']|'')*'")
GOAL = 3.0  # a page's p95 at most this many times its floor's

# The statements each floor replays, by floor name: filled by floor_for() in the bench's process.
FLOOR_STATEMENTS: dict[str, list[str]] = {}


def floor(request: HttpRequest, prefix: str, page: str) -> HttpResponse:
    statements = FLOOR_STATEMENTS.get(page)
    if statements is None:
        raise Http404(page)
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            rows.extend(cursor.fetchall())
    return HttpResponse(get_template("bench/floor.html").render({"rows": rows}))


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ratio_text(page_ms: float, floor_ms: float) -> str:
    """``page ÷ floor`` as the table prints it."""
    return f"{page_ms / floor_ms:.1f}x" if floor_ms > 0 else "—"


def _captured(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return [query["sql"] for query in captured.captured_queries]


def _shape(sql: str) -> str:
    # A statement without its quoted literals: the session's lookup carries the time it runs.
    return _LITERAL.sub("?", sql)


def _is_read(sql: str) -> bool:
    return sql.lstrip().split(None, 1)[0].upper() in {"SELECT", "WITH"}


def floor_for(client: Client, name: str, url: str) -> str:
    """Registers the floor of ``url`` as ``client`` sees it; returns the floor's address.
    Call it under the bench's URLconf (:func:`bench_urlconf`)."""
    _captured(client, url)  # a first request fills caches: the floor replays what a warm page runs
    page = _captured(client, url)
    FLOOR_STATEMENTS[name] = []
    prefix = urlsplit(url).path.strip("/").split("/", 1)[0] or "bench"
    address = reverse("bench_floor", args=[prefix, name])
    own = Counter(map(_shape, _captured(client, address)))  # the middleware's, without the page
    replay = []
    for sql in page:
        if own[_shape(sql)]:
            own[_shape(sql)] -= 1
        elif _is_read(sql):
            replay.append(sql)
    FLOOR_STATEMENTS[name] = replay
    return address


def bench_urlconf() -> override_settings:
    return override_settings(ROOT_URLCONF=BENCH_URLCONF)


@dataclass(frozen=True)
class Figure:
    page: list[float]
    floor: list[float]
    queries: int
    floor_queries: int
    # The floor's replayed statements alone, straight on the connection: how much of the
    # floor is the database's.
    sql: list[float] = field(default_factory=list)

    @property
    def p95(self) -> float:
        return percentile(self.page, 0.95)

    @property
    def floor_p95(self) -> float:
        return percentile(self.floor, 0.95)

    @property
    def ratio(self) -> float:
        return self.p95 / self.floor_p95

    def line(self, name: str) -> str:
        return (
            f"{name:<28} page p50 {statistics.median(self.page):6.1f} ms  p95 {self.p95:6.1f} ms  "
            f"queries {self.queries}  ·  floor p50 {statistics.median(self.floor):6.1f} ms  "
            f"p95 {self.floor_p95:6.1f} ms  queries {self.floor_queries}  ·  "
            f"page ÷ floor {ratio_text(self.p95, self.floor_p95)}"
            + (f"  (the floor's SQL alone p50 {statistics.median(self.sql):.1f} ms)" if self.sql else "")
        )

    def baseline(self) -> str:
        return f"floor p95 {self.floor_p95:.1f} ms"


def _timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def measure(client: Client, name: str, url: str, runs: int) -> Figure:
    """The page and its floor, one request of each in turn, so both see the same machine."""
    with bench_urlconf():
        address = floor_for(client, name, url)
        page_queries, floor_queries = len(_captured(client, url)), len(_captured(client, address))
        page, base, sql = [], [], []
        for _ in range(runs):
            page.append(_timed(client, url))
            base.append(_timed(client, address))
            sql.append(_replayed(FLOOR_STATEMENTS[name]))
    return Figure(page, base, page_queries, floor_queries, sql)


def _replayed(statements: list[str]) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def bench_pages(world: World, *, runs: int, report: Callable[[str], None], figure: Callable) -> None:
    """Every hot page beside its floor, as its user (the seller's, or the buyer's)."""
    clients = {}
    for hot in HOT_PAGES.values():
        if hot.party not in clients:
            clients[hot.party] = Client()
            clients[hot.party].force_login(hot.user(world))
        result = measure(clients[hot.party], hot.name, hot.address(world), runs)
        report(result.line(hot.name))
        figure(
            f"page: {hot.name}", f"p95 {result.p95:.0f} ms, {result.queries} queries",
            f"{result.baseline()}, {result.floor_queries} queries", ratio_text(result.p95, result.floor_p95),
            f"≤ {GOAL:.0f}x floor", result.ratio <= GOAL,
        )  # fmt: skip
