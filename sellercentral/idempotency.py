"""Idempotent API writes: the same ``Idempotency-Key`` never acts twice.

A write (POST, PUT, PATCH, DELETE under ``/api/``) sent with the header by a signed-in user
runs in one transaction with its key's row: the first request with a key acts and stores its
answer; the same key with the same method, path and body replays that answer, marked
``Idempotent-Replayed: true``; the same key with anything else is a 422 and changes nothing.
Two requests with one key at once: the second waits for the first to commit (the row's unique
index, then its lock) and replays it. An answer of 5xx is rolled back with whatever the view
did, so the key may be tried again. Keys are kept for ``policy.IDEMPOTENCY_KEY_LIFETIME``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework.exceptions import APIException
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.settings import api_settings

from . import locks, policy
from .api import error_body
from .models import IdempotentRequest

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"


def _problem(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(status, message, code, field=HEADER), status=status)


def _api_user(request: HttpRequest):
    """The user the API will see, authenticated as DRF will (token or session), once: the
    view's ``Request`` takes the result (DRF's forced authentication, as its test client
    passes it) instead of reading the token again."""
    authenticators = [cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
    api_request = Request(request, authenticators=authenticators)
    try:
        user = api_request.user
    except APIException:
        return None  # the view answers the 401/403 itself
    if not user.is_authenticated:
        return None
    request._force_auth_user, request._force_auth_token = user, api_request.auth
    return user


def fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.get_full_path().encode(), request.body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def forget_old_keys() -> int:
    """Delete the keys past their lifetime (beat); returns how many."""
    cutoff = timezone.now() - policy.IDEMPOTENCY_KEY_LIFETIME
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method in SAFE_METHODS or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not policy.IDEMPOTENCY_KEY.match(key):
            message = gettext("An Idempotency-Key is 1 to %(limit)d printable ASCII characters.") % {
                "limit": policy.MAX_IDEMPOTENCY_KEY_CHARS
            }
            return _problem(400, "invalid", message)
        user = _api_user(request)
        if user is None:
            return self.get_response(request)  # nobody to hold the key for: the view decides
        return self._once(request, user, key)

    def _once(self, request: HttpRequest, user, key: str) -> HttpResponse:
        try:
            sent = fingerprint(request)
        except RequestDataTooBig:
            return self.get_response(request)  # refused by the view's own size check
        with transaction.atomic():
            record, created = IdempotentRequest.objects.get_or_create(
                user=user, key=key, defaults={"fingerprint": sent, "created_at": timezone.now()}
            )
            if not created:
                record = locks.lock_idempotent_request(record.pk)
                if record.fingerprint != sent:
                    message = gettext(
                        "This Idempotency-Key was used for a different request: "
                        "send a new key for a new request."
                    )
                    return _problem(422, "idempotency_key_reused", message)
                if record.status_code is not None:
                    replay = HttpResponse(
                        bytes(record.body), status=record.status_code, content_type=record.content_type
                    )
                    replay[REPLAYED] = "true"
                    return replay
            response = self.get_response(request)
            if response.status_code >= 500 or response.streaming:
                transaction.set_rollback(True)  # nothing happened: the key may be tried again
                return response
            record.status_code = response.status_code
            record.content_type = response.get("Content-Type", "")
            record.body = response.content
            record.save(update_fields=["status_code", "content_type", "body"])
        return response
