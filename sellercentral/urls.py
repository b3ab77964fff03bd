from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from commerce import api as commerce_api
from messaging import api as messaging_api

from . import views

api_v1 = [
    path("auth/token/", obtain_auth_token, name="token"),
    path("buyer/orders/", commerce_api.BuyerOrderList.as_view(), name="buyer-orders"),
    path(
        "buyer/orders/<str:order_id>/messages/",
        messaging_api.BuyerContactSeller.as_view(),
        name="buyer-order-messages",
    ),
    path("seller/messages/", messaging_api.SellerMessageList.as_view(), name="seller-messages"),
    path(
        "seller/messages/<int:pk>/no-response-needed/",
        messaging_api.SellerMarkNoResponseNeeded.as_view(),
        name="seller-message-no-response-needed",
    ),
    path("seller/threads/<int:pk>/", messaging_api.SellerThreadDetail.as_view(), name="seller-thread"),
    path("seller/threads/<int:pk>/reply/", messaging_api.SellerReply.as_view(), name="seller-thread-reply"),
    path("inbound-email/", messaging_api.InboundEmail.as_view(), name="inbound-email"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz/", views.health, name="health"),
    path("dev/mailbox/", views.dev_mailbox, name="dev-mailbox"),
    path("dev/mailbox/<str:key>/", views.dev_mail, name="dev-mail"),
    path("", include("messaging.urls")),
    path("seller/", include("commerce.urls_seller")),
    path("", include("commerce.urls_storefront")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
