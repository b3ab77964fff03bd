"""The product's URLs plus the web figure's baselines: one bare view, and the inbox's floor
(``sellercentral.bench_floors``) served by the same gunicorn."""

from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from sellercentral import bench_floors

BARE_PAGE = b"<!doctype html><title>Bare</title><p>" + b"A fixed page of about the inbox's size. " * 200


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BARE_PAGE)


def floor(request: HttpRequest, prefix: str, page: str) -> HttpResponse:
    """The floor of the signed-in user's ``/<prefix>/<page>/``, its statements captured by this
    worker from the page itself on its first request (gunicorn's workers share nothing)."""
    if page not in bench_floors.FLOOR_STATEMENTS:
        client = Client(HTTP_HOST=request.get_host())
        client.force_login(request.user)
        bench_floors.floor_for(client, page, f"/{prefix}/{page}/")
    return bench_floors.floor(request, prefix, page)


urlpatterns = [
    path("load/bare/", bare),
    # Under the page's own prefix, as in the bench's URLconf: the middleware takes the same branch.
    path("<str:prefix>/bench-floor/<str:page>/", floor, name="bench_floor"),
    path("", include("sellercentral.urls")),
]
