"""The product's URLs plus one bare view: the baseline the inbox's throughput is compared with."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

BARE_PAGE = b"<!doctype html><title>Bare</title><p>" + b"A fixed page of about the inbox's size. " * 200


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BARE_PAGE)


urlpatterns = [
    path("load/bare/", bare),
    path("", include("sellercentral.urls")),
]
