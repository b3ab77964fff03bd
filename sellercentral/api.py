"""Shared REST API pieces: pagination, write rates and the one mapping of errors."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import APIException, ErrorDetail, Throttled, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from commerce.fields import WholeNumberField
from commerce.policy import MAX_PAGE_NUMBER, MAX_PAGE_SIZE

from . import ratelimit
from .errors import TransitionRefused

# The schema's words for what ``exception_handler`` answers, for views to name in their
# responses; ``sellercentral.schema`` gives every error status its body, the one envelope.
INVALID = OpenApiResponse(description="Invalid fields")
CONFLICT = OpenApiResponse(description="The return's status does not allow this")


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
        verdict = ratelimit.count_against(request, "api")
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
        verdict = ratelimit.count_against(request, scope)
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


# The error codes of the statuses that are not validation: DRF's own codes where it has one.
STATUS_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "throttled",
    500: "server_error",
    503: "unavailable",
}
# Keys of a validation error that name no field (Django's, DRF's, and our services' own).
NON_FIELD_KEYS = {"detail", "non_field_errors", "__all__"}


class ApiError(APIException):
    """An answer other than 2xx that a view gives without a service's exception behind it (the
    mail gateway's refusals), in the same envelope as every other error."""

    def __init__(self, detail: str, *, status_code: int, code: str | None = None):
        self.status_code = status_code
        super().__init__(detail, code or STATUS_CODES.get(status_code, "error"))


def error_body(status_code: int, message: str, code: str | None = None, *, field: str | None = None) -> dict:
    """The envelope of one error: ``{"errors": [{code, message, field?}], "detail"}`` (``detail``
    kept from the first version of the API, where it was the whole body; ``field`` names what
    the error is about when that is not the body's, such as a header)."""
    error = {"code": code or STATUS_CODES.get(status_code, "error"), "message": message}
    return {"errors": [{**error, "field": field} if field else error], "detail": message}


def _field_errors(detail, path: tuple[str, ...] = ()) -> list[tuple[str, ErrorDetail | str]]:
    """(dotted field, message) pairs of DRF's nested error detail: ``items.0.quantity``."""
    if isinstance(detail, dict):
        return [pair for key, value in detail.items() for pair in _field_errors(value, (*path, str(key)))]
    if isinstance(detail, list):
        if all(not isinstance(value, dict | list) for value in detail):  # one field's messages
            return [(".".join(path), message) for message in detail]
        return [pair for n, value in enumerate(detail) for pair in _field_errors(value, (*path, str(n)))]
    return [(".".join(path), detail)]


def validation_body(detail) -> dict:
    """A 400's envelope: one entry per message, its ``field`` dotted (``items.0.quantity``);
    beside it, as in the first version, each field's messages under its dotted name and the
    messages naming no field joined in ``detail``."""
    pairs = _field_errors(detail if isinstance(detail, dict) else {"detail": detail})
    errors, fields, general = [], {}, []
    for field, message in pairs:
        entry = {"code": getattr(message, "code", None) or "invalid", "message": str(message)}
        if field.split(".", 1)[0] in NON_FIELD_KEYS:
            general.append(str(message))
            if field == "non_field_errors":  # DRF's own key, which clients of v1 read
                fields.setdefault(field, []).append(str(message))
        else:
            entry["field"] = field
            fields.setdefault(field, []).append(str(message))
        errors.append(entry)
    body = {"errors": errors, **fields}
    if general:
        body["detail"] = " ".join(general)
    return body


def _from_django(exc: DjangoValidationError) -> ValidationError:
    """A service's Django ``ValidationError`` as DRF's, keeping each message's code."""

    def details(errors: list) -> list[ErrorDetail]:
        return [
            ErrorDetail(message, code=error.code or "invalid")
            for error in errors
            for message in error.messages
        ]

    if hasattr(exc, "error_dict"):
        return ValidationError({field: details(errors) for field, errors in exc.error_dict.items()})
    return ValidationError({"detail": details(exc.error_list)})


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Every error of the API in one envelope, so views never catch them one by one: a
    ``ValidationError`` is a 400 naming the fields, a refused state change a 409, and DRF's
    own (401, 403, 404, 405, 415, 429 …) the same shape; see docs/api.md."""
    # Imported here: DRF's views read the throttle and pagination classes of this module
    # when they are first imported, so a module-level import would be circular.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = _from_django(exc)
    elif isinstance(exc, TransitionRefused):
        exc = ApiError(str(exc), status_code=status.HTTP_409_CONFLICT)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        response.data = validation_body(exc.detail)
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        response.data = error_body(response.status_code, str(detail), getattr(detail, "code", None))
    return response
