"""Who reads which language: the one home of "the language of this reader".

Pages and e-mails ask here, never the models or settings directly, so a buyer's mail and
the buyer's pages always agree, and a seller reads Seller Central and its e-mails alike:

- a buyer reads the language they chose on the storefront, else their home marketplace's;
- a seller's user reads the language they chose in Seller Central's header, else (pages
  only, there is no browser behind an e-mail) the browser's preferred one among the five;
- everyone else, and every fallback, reads ``settings.LANGUAGE_CODE`` (English).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

if TYPE_CHECKING:
    from .models import Customer, SellerMembership

CODES = tuple(code for code, _ in settings.LANGUAGES)


def is_language(code: str) -> bool:
    """One of the five marketplaces' languages, as stored (``en-gb``, ``fr`` …)."""
    return code in CODES


def _known(code: str | None) -> str | None:
    code = (code or "").lower()
    return code if is_language(code) else None


def buyer_language(customer: Customer | None) -> str:
    """A buyer's pages and e-mails: their own choice, else their marketplace's, else English."""
    if customer is None:
        return settings.LANGUAGE_CODE
    chosen = _known(customer.chosen_language)
    if chosen:
        return chosen
    home = _known(customer.marketplace.language) if customer.marketplace_id else None
    return home or settings.LANGUAGE_CODE


def seller_language(membership: SellerMembership | None, request: HttpRequest | None = None) -> str:
    """A seller user's Seller Central and e-mails: their choice; never chosen, the browser's
    preference among the five on a page (``request``), English in an e-mail."""
    chosen = _known(membership.language) if membership is not None else None
    if chosen:
        return chosen
    return browser_language(request) if request is not None else settings.LANGUAGE_CODE


def seller_language_code(code: str) -> str:
    """The e-mail language of a seller user from their stored membership language."""
    return _known(code) or settings.LANGUAGE_CODE


def browser_language(request: HttpRequest) -> str:
    """The browser's Accept-Language among the five (Django's own matching), else English."""
    return _known(translation.get_language_from_request(request)) or settings.LANGUAGE_CODE
