"""Signed links in the seller's return-request e-mail: Authorise, Close, Reply.

A token names the request, its seller, the action and the request's state when the mail
was written (its status and last history entry). It is refused when forged, older than
72 hours, for another seller, or once the request has moved on (which is also what makes a
link work once: acting changes the state). Following a link only shows a page; a POST acts.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext

from commerce.models import SellerAccount

from .models import ReturnEvent, ReturnRequest

SALT = "returns.email-action"
MAX_AGE = timedelta(hours=72)
ACTIONS = ("authorise", "close", "reply")


class InvalidLink(Exception):
    """The link cannot act; the message says why, in the seller's words."""


def state_of(return_request: ReturnRequest) -> str:
    last = (
        ReturnEvent.objects.filter(return_request=return_request)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return f"{return_request.status}:{last or 0}"


def make_token(return_request: ReturnRequest, action: str) -> str:
    if action not in ACTIONS:
        raise ValueError(action)
    payload = {
        "r": return_request.pk,
        "s": return_request.seller_id,
        "a": action,
        "f": state_of(return_request),
    }
    return signing.TimestampSigner(salt=SALT).sign_object(payload, compress=True)


def action_url(return_request: ReturnRequest, action: str) -> str:
    return reverse("returns:email_action", args=[make_token(return_request, action)])


def read_token(token: str, *, seller: SellerAccount) -> tuple[ReturnRequest, str]:
    """The request and action a link stands for, if it may still act for ``seller``."""
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise InvalidLink(
            gettext("This link has expired: links in return e-mails work for 72 hours.")
        ) from None
    except signing.BadSignature:
        raise InvalidLink(gettext("This link is not valid.")) from None
    if not isinstance(payload, dict) or payload.get("a") not in ACTIONS:
        raise InvalidLink(gettext("This link is not valid."))
    if payload.get("s") != seller.pk:
        raise InvalidLink(gettext("This link is for another seller account."))
    return_request = ReturnRequest.objects.filter(pk=payload.get("r"), seller=seller).first()
    if return_request is None:
        raise InvalidLink(gettext("This link is for another seller account."))
    if payload.get("f") != state_of(return_request):
        raise InvalidLink(
            gettext(
                "This return has changed since the e-mail was sent (or the link was used): open it in Manage Returns."
            )
        )
    return return_request, payload["a"]
