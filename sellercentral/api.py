"""Shared REST API pieces: pagination, write throttling and the one mapping of errors."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from .errors import TransitionRefused

# The schema's words for what ``exception_handler`` answers, for views to name in their responses.
INVALID = OpenApiResponse(description="Invalid fields")
CONFLICT = OpenApiResponse(
    description="The return's status does not allow this",
    response=inline_serializer("Conflict", {"detail": serializers.CharField()}),
)


class Pagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}``; ``?page_size=`` up to 100."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class WriteRateThrottle(SimpleRateThrottle):
    """POST / PUT / PATCH / DELETE per user (or client address): a 429 with the wait."""

    scope = "writes"

    def get_cache_key(self, request, view) -> str | None:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        ident = request.user.pk if request.user and request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


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
