"""The language of each page: the buyer's storefront, the seller's choice, English for the rest.

A signed-in buyer sees the storefront in their home marketplace's language; a seller user
sees Seller Central in the language of their membership; anonymous visitors get the
browser's preferred language among the five. The API and admin stay in English, so the
API's labels are the contract's.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import selectors

ENGLISH_ONLY = ("/api/", "/admin/", "/dev/")


class PartyLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self.language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))  # the language depends on both
        translation.deactivate()
        return response

    @staticmethod
    def language_for(request: HttpRequest) -> str:
        path = request.path
        if path.startswith(ENGLISH_ONLY):
            return settings.LANGUAGE_CODE
        user = request.user
        if user.is_authenticated:
            if path.startswith("/seller/"):
                membership = selectors.membership_for_user(user)
                return membership.language if membership else settings.LANGUAGE_CODE
            customer = selectors.customer_for_user(user)
            if customer is not None:
                return customer.language
        if path.startswith("/seller/"):
            return settings.LANGUAGE_CODE
        return translation.get_language_from_request(request)
