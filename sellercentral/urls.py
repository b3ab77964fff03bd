from csp.decorators import csp_exempt
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from commerce import api_me
from integrations import api as integrations_api
from messaging import api as messaging_api
from messaging import api_contact as messaging_contact_api
from messaging import api_orders as messaging_orders_api
from messaging import template_api as messaging_template_api
from metrics import api as metrics_api
from returns import api as returns_api

from . import views

api_v1 = [
    path("auth/token/", views.ApiToken.as_view(), name="token"),
    path("me/", api_me.Me.as_view(), name="me"),
    path("seller/orders/", messaging_orders_api.SellerOrderList.as_view(), name="seller-orders"),
    path(
        "seller/orders/<str:order_id>/", messaging_orders_api.SellerOrderDetail.as_view(), name="seller-order"
    ),
    path("buyer/orders/", returns_api.BuyerOrderList.as_view(), name="buyer-orders"),
    path(
        "buyer/orders/<str:order_id>/messages/",
        messaging_api.BuyerContactSeller.as_view(),
        name="buyer-order-messages",
    ),
    path(
        "seller/orders/<str:order_id>/contact-buyer/",
        messaging_contact_api.SellerContactBuyer.as_view(),
        name="seller-order-contact-buyer",
    ),
    path("seller/messages/", messaging_api.SellerMessageList.as_view(), name="seller-messages"),
    path(
        "seller/messages/<int:pk>/no-response-needed/",
        messaging_api.SellerMarkNoResponseNeeded.as_view(),
        name="seller-message-no-response-needed",
    ),
    path(
        "seller/message-templates/",
        messaging_template_api.SellerReplyTemplateList.as_view(),
        name="seller-message-templates",
    ),
    path(
        "seller/message-templates/<int:pk>/",
        messaging_template_api.SellerReplyTemplateDetail.as_view(),
        name="seller-message-template",
    ),
    path("seller/threads/<int:pk>/", messaging_api.SellerThreadDetail.as_view(), name="seller-thread"),
    path("seller/threads/<int:pk>/reply/", messaging_api.SellerReply.as_view(), name="seller-thread-reply"),
    path("inbound-email/", messaging_api.InboundEmail.as_view(), name="inbound-email"),
    path("return-reasons/", returns_api.ReturnReasons.as_view(), name="return-reasons"),
    path("deny-reasons/", returns_api.DenyReasons.as_view(), name="deny-reasons"),
    path(
        "buyer/orders/<str:order_id>/returns/",
        returns_api.BuyerRequestReturn.as_view(),
        name="buyer-order-returns",
    ),
    path(
        "buyer/orders/<str:order_id>/claims/", returns_api.BuyerFileClaim.as_view(), name="buyer-order-claims"
    ),
    path("buyer/returns/", returns_api.BuyerReturnList.as_view(), name="buyer-returns"),
    path("buyer/returns/<int:pk>/", returns_api.BuyerReturnDetail.as_view(), name="buyer-return"),
    path(
        "buyer/returns/<int:pk>/cancel/", returns_api.BuyerCancelReturn.as_view(), name="buyer-return-cancel"
    ),
    path("buyer/returns/<int:pk>/label/", returns_api.BuyerReturnLabel.as_view(), name="buyer-return-label"),
    path("seller/returns/", returns_api.SellerReturnList.as_view(), name="seller-returns"),
    path("seller/returns/<int:pk>/", returns_api.SellerReturnDetail.as_view(), name="seller-return"),
    path(
        "seller/returns/<int:pk>/authorise/",
        returns_api.SellerAuthorise.as_view(),
        name="seller-return-authorise",
    ),
    path("seller/returns/<int:pk>/deny/", returns_api.SellerDeny.as_view(), name="seller-return-deny"),
    path("seller/returns/<int:pk>/refund/", returns_api.SellerRefund.as_view(), name="seller-return-refund"),
    path(
        "seller/return-addresses/",
        returns_api.SellerReturnAddresses.as_view(),
        name="seller-return-addresses",
    ),
    path(
        "seller/return-settings/", returns_api.SellerReturnSettings.as_view(), name="seller-return-settings"
    ),
    path("seller/claims/", returns_api.SellerClaimList.as_view(), name="seller-claims"),
    path("seller/webhooks/", integrations_api.WebhookList.as_view(), name="seller-webhooks"),
    path("seller/webhooks/<int:pk>/", integrations_api.WebhookDetail.as_view(), name="seller-webhook"),
    path(
        "seller/webhooks/<int:pk>/deliveries/",
        integrations_api.WebhookDeliveries.as_view(),
        name="seller-webhook-deliveries",
    ),
    path(
        "seller/webhooks/<int:pk>/test/", integrations_api.WebhookTest.as_view(), name="seller-webhook-test"
    ),
    path("seller/events/", integrations_api.EventFeed.as_view(), name="seller-events"),
    path(
        "seller/metrics/contact-response-time/",
        metrics_api.ContactResponseTimeView.as_view(),
        name="seller-contact-response-time",
    ),
    path(
        "seller/metrics/return-dissatisfaction-rate/",
        metrics_api.ReturnDissatisfactionRateView.as_view(),
        name="seller-return-dissatisfaction-rate",
    ),
    path(
        "seller/metrics/order-defect-rate/",
        metrics_api.OrderDefectRateView.as_view(),
        name="seller-order-defect-rate",
    ),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", csp_exempt()(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
    path("healthz/", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("dev/mailbox/", views.dev_mailbox, name="dev-mailbox"),
    path("dev/mailbox/<str:key>/", views.dev_mail, name="dev-mail"),
    path("dev/mailbox/<str:key>/html/", views.dev_mail_html, name="dev-mail-html"),
    path("", include("messaging.urls")),
    path("", include("returns.urls")),
    path("", include("metrics.urls")),
    path("", include("integrations.urls")),
    path("seller/", include("commerce.urls_seller")),
    path("", include("commerce.urls_storefront")),
]

# Media (message attachments) is never served by URL: only the thread's two parties may
# download an attachment, through messaging's views.

handler404 = "sellercentral.views.page_not_found"
handler500 = "sellercentral.views.server_error"
