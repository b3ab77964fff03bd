"""Project-level pages: health check, the server-error page, the development mailbox, and
the API's sign-in for a token."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.defaults import page_not_found as django_page_not_found
from django.views.defaults import server_error as django_server_error
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.auth import TokenAuthentication
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import mailbox, tokens
from .api import INVALID, ActionRateThrottle, WriteRateThrottle, error_body
from .models import Heartbeat

MAILS_PER_PAGE = 25
# The policy of a mail's HTML part, which the dev mailbox frames: the site's own policy forbids
# inline styles, and mail is styled inline, so the part gets one of its own. Styles inline,
# images from data: or this site (nothing fetched from elsewhere, as a careful mail client
# does), never a script; a sandbox (no scripts, an origin of its own) even opened on its own;
# framed by this site's pages only.
MAIL_FRAME_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src 'self' data:",
        "script-src 'none'",
        "form-action 'none'",
        "base-uri 'none'",
        "frame-ancestors 'self'",
        "sandbox",
    ]
)
NOT_FOUND_DETAIL = _("Not found.")
LOCKED_OUT_DETAIL = _("Too many sign-in attempts")
SERVER_ERROR_DETAIL = _("Something went wrong on our side. Please try again in a moment.")


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the pages' <link rel="icon"> says (and so do
    bookmarks, feed readers, the API docs): the site's icon from static, not a 404. A
    temporary redirect, since the static name changes with its content in production."""
    return redirect(static("img/favicon.svg"))


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page; API clients get the same message in the API's error envelope."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(error_body(500, str(SERVER_ERROR_DETAIL)), status=500)
    return django_server_error(request)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 404 page; under /api/ (an address no endpoint answers), the API's error envelope."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(error_body(404, str(NOT_FOUND_DETAIL)), status=404)
    return django_page_not_found(request, exception)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in (``AXES_LOCKOUT_CALLABLE``): the page, or
    for the API's token endpoint its error envelope, with the cool-off as ``Retry-After``."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    if not request.path_info.startswith("/api/"):
        return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=status)
    response = JsonResponse(error_body(status, str(LOCKED_OUT_DETAIL)), status=status)
    response["Retry-After"] = str(round(settings.AXES_COOLOFF_TIME * 3600))
    return response


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


@_dev_tools_only
@xframe_options_sameorigin
def dev_mail_html(request: HttpRequest, key: str) -> HttpResponse:
    """The mail's HTML part as its recipient would see it, for the mail page's sandboxed frame."""
    mail = mailbox.load_mail(key)
    if mail is None or not mail.html:
        raise Http404("No such mail, or no HTML part.")
    response = HttpResponse(mail.html, content_type="text/html; charset=utf-8")
    # Set here, so django-csp's middleware leaves it as it is (it adds the site's otherwise).
    response["Content-Security-Policy"] = MAIL_FRAME_POLICY
    return response


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(help_text="When it stops working; sign in again for a new one.")


class ApiToken(APIView):
    """``POST /api/v1/auth/token/`` signs in for a new token; ``DELETE`` revokes the one used."""

    def get_authenticators(self) -> list:
        # Only a token can revoke itself: a browser session holds none (it signs out instead).
        if getattr(self.request, "method", None) == "DELETE":
            return [TokenAuthentication()]
        return super().get_authenticators()

    def get_permissions(self) -> list:
        if getattr(self.request, "method", None) == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    # Every sign-in attempt counts against the sign-in rate, with the sign-in pages' attempts,
    # besides django-axes' lockout; revoking is an ordinary write.
    throttle_scope = "sign_in"

    def get_throttles(self) -> list:
        if getattr(self.request, "method", None) == "POST":
            return [WriteRateThrottle(), ActionRateThrottle()]
        return super().get_throttles()

    @extend_schema(
        summary="Sign in for a new API token",
        description="Every sign-in gets a new token, valid until `expiry`. Wrong passwords count "
        "towards the same lockout as the sign-in pages (429 while locked).",
        request=AuthTokenSerializer,
        responses={200: TokenSerializer, 400: INVALID},
    )
    def post(self, request: Request) -> Response:
        # The Django request, not DRF's: sign-in throttling (django-axes) reads it.
        serializer = AuthTokenSerializer(data=request.data, context={"request": request._request})
        serializer.is_valid(raise_exception=True)
        token, expiry = tokens.issue_token(user=serializer.validated_data["user"], request=request._request)
        return Response(TokenSerializer({"token": token, "expiry": expiry}).data)

    @extend_schema(
        summary="Revoke the token this request is signed with",
        description="Only that token stops working. Signing out in the browser or changing the "
        "password revokes all of the user's tokens.",
        request=None,
        responses={
            204: OpenApiResponse(description="Revoked: the token no longer works"),
            401: OpenApiResponse(description="No token, or one that no longer works"),
        },
    )
    def delete(self, request: Request) -> Response:
        tokens.revoke_token(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
