"""The bench's URLconf: the product's URLs plus the floor views (``manage.py bench`` only).

Never the product's URLconf: the bench switches to it with ``override_settings(ROOT_URLCONF=…)``.
"""

from django.urls import include, path

from sellercentral.bench_floors import floor

urlpatterns = [
    # Under the page's own first path segment ("seller/…"): the middleware treats a path by
    # its prefix (the seller's language on /seller/, the buyer's elsewhere), as for the page.
    path("<str:prefix>/bench-floor/<str:page>/", floor, name="bench_floor"),
    path("", include("sellercentral.urls")),
]
