"""Write rates on the pages: every write of a buyer or a seller is counted before its view runs.

``WriteRateMiddleware`` counts each POST (PUT, PATCH, DELETE) against the author's "writes"
rate and, when the view is marked with ``rate_limited(scope)``, against that scope's rate too
(``commerce.policy.WRITE_RATES``). Over a rate, the view never runs: nothing is changed and
the page says what was refused and when to try again, with status 429 and ``Retry-After``.
The API counts the same writes in the same counters (``sellercentral.api``); Django's admin,
for staff, is left to django-axes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import ratelimit

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# URL namespaces whose writes are counted elsewhere: the API by its throttle classes (with the
# same counters), the admin not at all (staff; django-axes guards its sign-in).
COUNTED_ELSEWHERE = frozenset({"api", "admin"})


def rate_limited(scope: str) -> Callable:
    """Mark a view whose writes count against ``scope``'s rate as well as "writes"."""
    ratelimit.rate_of(scope)  # an unknown scope fails at import, not at the first write

    def mark(view: Callable) -> Callable:
        view.write_rate_scopes = (*getattr(view, "write_rate_scopes", ()), scope)
        return view

    return mark


def too_many_requests(request: HttpRequest, scope: str, verdict: ratelimit.Verdict) -> HttpResponse:
    response = render(request, "throttled.html", {"message": ratelimit.too_many(scope, verdict)}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


class WriteRateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args, view_kwargs
    ) -> HttpResponse | None:
        if request.method in SAFE_METHODS:
            return None
        match = request.resolver_match
        if match is not None and COUNTED_ELSEWHERE.intersection(match.namespaces):
            return None
        for scope in (*getattr(view_func, "write_rate_scopes", ()), "writes"):
            verdict = ratelimit.count_against(request, scope)
            if not verdict.allowed:
                return too_many_requests(request, scope, verdict)
        return None
