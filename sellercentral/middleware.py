"""Headers every answer carries for whoever has to trace it: a request id, and on the API the
rate limit that the request counted against."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import policy, ratelimit

REQUEST_ID = "X-Request-Id"


class RequestIdMiddleware:
    """``X-Request-Id`` on every answer: the client's own when it sent a safe one, else a new
    one; the same id is on ``request.request_id`` for logs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(REQUEST_ID, "")
        request.request_id = given if policy.REQUEST_ID.match(given) else uuid.uuid4().hex
        response = self.get_response(request)
        response[REQUEST_ID] = request.request_id
        return response


class RateLimitHeadersMiddleware:
    """``X-RateLimit-Limit``, ``-Remaining`` and ``-Reset`` (Unix time of the window's end) on an
    API answer: of the tightest rate the request was counted against (``ratelimit.counted``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        tightest = ratelimit.tightest(request)
        if tightest is not None and request.path.startswith("/api/"):
            response["X-RateLimit-Limit"] = str(tightest.limit)
            response["X-RateLimit-Remaining"] = str(tightest.remaining)
            response["X-RateLimit-Reset"] = str(tightest.resets_at)
        return response
