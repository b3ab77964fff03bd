"""The bench's URLconf: the product's URLs plus the floor views (``manage.py bench`` only).

Never the product's URLconf: the bench switches to it with ``override_settings(ROOT_URLCONF=…)``.
"""

from django.urls import include, path

from sellercentral.bench_floors import floor

urlpatterns = [
    path("bench/floor/<str:page>/", floor, name="bench_floor"),
    path("", include("sellercentral.urls")),
]
