from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from commerce import api as commerce_api

from . import views

api_v1 = [
    path("auth/token/", obtain_auth_token, name="token"),
    path("buyer/orders/", commerce_api.BuyerOrderList.as_view(), name="buyer-orders"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz/", views.health, name="health"),
    path("dev/mailbox/", views.dev_mailbox, name="dev-mailbox"),
    path("dev/mailbox/<str:key>/", views.dev_mail, name="dev-mail"),
    path("seller/", include("commerce.urls_seller")),
    path("", include("commerce.urls_storefront")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
