"""Shared REST API pieces: pagination, write rates and the one mapping of errors."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from commerce.fields import WholeNumberField
from commerce.policy import MAX_PAGE_NUMBER, MAX_PAGE_SIZE

from . import ratelimit
from .errors import TransitionRefused

# The schema's words for what ``exception_handler`` answers, for views to name in their responses.
INVALID = OpenApiResponse(description="Invalid fields")
CONFLICT = OpenApiResponse(
    description="The return's status does not allow this",
    response=inline_serializer("Conflict", {"detail": serializers.CharField()}),
)


class Pagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}``; ``?page_size=`` up to 100.

    ``page`` and ``page_size`` are read by ``commerce.fields.WholeNumberField``: anything but a
    whole number from 1 is a 400 naming the parameter (DRF would answer a 404, or ignore a bad
    page size); a page past the last is DRF's 404; a page size over 100 gives 100 rows."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_number(self, request, paginator) -> int | str:
        raw = request.query_params.get(self.page_query_param, "")
        if raw in self.last_page_strings:
            return paginator.num_pages
        return _whole_number(self.page_query_param, raw, maximum=MAX_PAGE_NUMBER) or 1

    def get_page_size(self, request) -> int:
        size = _whole_number(
            self.page_size_query_param, request.query_params.get(self.page_size_query_param, "")
        )
        return min(size, self.max_page_size) if size else self.page_size


def _whole_number(name: str, raw: str, *, maximum: int | None = None) -> int | None:
    try:
        return WholeNumberField(required=False, min_value=1, max_value=maximum).clean(raw)
    except DjangoValidationError as invalid:
        raise ValidationError({name: invalid.messages}) from None


class ApiRateThrottle(BaseThrottle):
    """Every API request, reads included, against its author's "api" rate: a 429 past it. The
    X-RateLimit-* headers of every answer count this rate down (or a tighter one it also met)."""

    def allow_request(self, request, view) -> bool:
        verdict = ratelimit.count_write(request, "api")
        if not verdict.allowed:
            raise Throttled(
                wait=verdict.retry_after,
                detail=gettext("Request was throttled. %(limit)s")
                % {"limit": ratelimit.limit_in_words("api")},
            )
        return True


class WriteRateThrottle(BaseThrottle):
    """Every POST / PUT / PATCH / DELETE against its author's "writes" rate, counted with the
    pages' writes (``sellercentral.ratelimit``): over it, a 429 with ``Retry-After``."""

    def scope(self, view) -> str | None:
        return "writes"

    def allow_request(self, request, view) -> bool:
        scope = self.scope(view)
        if request.method in SAFE_METHODS or scope is None:
            return True
        verdict = ratelimit.count_write(request, scope)
        if not verdict.allowed:
            # Raised here rather than left to DRF, so the answer says which rate it was.
            # (DRF adds "Expected available in N seconds.")
            raise Throttled(
                wait=verdict.retry_after,
                detail=gettext("Request was throttled. %(limit)s")
                % {"limit": ratelimit.limit_in_words(scope)},
            )
        return True


class ActionRateThrottle(WriteRateThrottle):
    """The writes of a view with a ``throttle_scope`` (contact seller, reply, return requests,
    claims, sign-in …) against that scope's own rate as well."""

    def scope(self, view) -> str | None:
        return getattr(view, "throttle_scope", None)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Services' errors as the API answers them, so views never catch them one by one:
    a ``ValidationError`` is a 400 naming the fields, a refused state change a 409."""
    # Imported here: DRF's views read the throttle and pagination classes of this module
    # when they are first imported, so a module-level import would be circular.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    elif isinstance(exc, TransitionRefused):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)
