"""Shared REST API pieces: pagination as SPEC §6 describes it, write throttling, errors."""

from typing import NoReturn

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import SimpleRateThrottle


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


def raise_validation_error(error: DjangoValidationError) -> NoReturn:
    """A service's ValidationError as the API's 400, field by field."""
    raise ValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})
