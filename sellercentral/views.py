"""Project-level pages: health check, the server-error page and the development mailbox."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.defaults import server_error as django_server_error
from rest_framework.authtoken.views import ObtainAuthToken

from . import mailbox
from .api import ActionRateThrottle, WriteRateThrottle
from .models import Heartbeat

MAILS_PER_PAGE = 25
SERVER_ERROR_DETAIL = "Something went wrong on our side. Please try again in a moment."


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page; API clients get the same message as JSON, like every other API error."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": SERVER_ERROR_DETAIL}, status=500)
    return django_server_error(request)


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness of the database and of the background processes (seconds since each beat)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    now = timezone.now()
    heartbeats = {
        beat.source: round((now - beat.last_seen_at).total_seconds()) for beat in Heartbeat.objects.all()
    }
    return JsonResponse({"database": "ok", "seconds_since_heartbeat": heartbeats})


def _dev_tools_only(view):
    """Staff only, and only where DEV_TOOLS is on (development); elsewhere the page is a 404."""
    staff_view = staff_member_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.DEV_TOOLS:
            raise Http404("The development tools are off.")
        return staff_view(request, *args, **kwargs)

    return wrapper


@_dev_tools_only
def dev_mailbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(mailbox.list_mail_keys(), MAILS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "dev/mailbox.html", {"page": page, "mails": mailbox.load_mails(list(page))})


@_dev_tools_only
def dev_mail(request: HttpRequest, key: str) -> HttpResponse:
    mail = mailbox.load_mail(key)
    if mail is None:
        raise Http404("No such mail.")
    return render(request, "dev/mail.html", {"mail": mail})


class ObtainToken(ObtainAuthToken):
    """``POST /api/v1/auth/token/``; sign-in throttling sees the underlying Django request.

    DRF's view counts nothing (``throttle_classes = ()``): here every attempt counts against
    the sign-in rate, with the sign-in pages' attempts, besides django-axes' lockout."""

    throttle_classes = [WriteRateThrottle, ActionRateThrottle]
    throttle_scope = "sign_in"

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "request": self.request._request}
