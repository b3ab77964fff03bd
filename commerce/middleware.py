"""The language of each page: the buyer's storefront, the seller's choice, English for the rest.

Who reads which language is ``commerce.languages``: a signed-in buyer reads the storefront
in their chosen language, else their home marketplace's; a seller user reads Seller Central
in the language chosen in its header, else the browser's preferred one among the five (as
anonymous visitors do). The API and the admin speak the language the caller asks for in
Accept-Language, English when none is asked (the API's codes and field names never change,
only its human-readable texts); the developer's tools stay in English.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import languages, selectors

ENGLISH_ONLY = ("/dev/",)
AS_ASKED = ("/api/", "/admin/")  # the caller's Accept-Language, whoever is signed in


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
        if path.startswith(AS_ASKED):
            return languages.browser_language(request)
        user = request.user
        if user.is_authenticated:
            if path.startswith("/seller/"):
                return languages.seller_language(selectors.membership_for_user(user), request)
            customer = selectors.customer_for_user(user)
            if customer is not None:
                return languages.buyer_language(customer)
        return languages.browser_language(request)
