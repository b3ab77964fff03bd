from django.urls import path

from .views import bulk, buyer, seller, settings

app_name = "returns"

urlpatterns = [
    # Buyer: Returns Support Centre
    path("returns/", buyer.centre, name="centre"),
    path("orders/<str:order_id>/return/", buyer.return_items, name="return_items"),
    path("orders/<str:order_id>/claim/", buyer.claim, name="claim"),
    path("returns/gift/", buyer.gift, name="gift"),
    path("returns/gift/<str:order_id>/", buyer.gift_items, name="gift_items"),
    path("returns/your-returns/", buyer.your_returns, name="your_returns"),
    path("returns/<int:pk>/pending/", buyer.pending, name="pending"),
    path("returns/<int:pk>/pending/status/", buyer.pending_status, name="pending_status"),
    path("returns/<int:pk>/cancel/", buyer.cancel, name="cancel"),
    path("returns/<int:pk>/rate/", buyer.rate, name="rate"),
    path("returns/<int:pk>/label/", buyer.label, name="label"),
    path("returns/<int:pk>/label.pdf", buyer.label_pdf, name="label_pdf"),
    path("returns/<int:pk>/barcode.svg", buyer.label_barcode, name="label_barcode"),
    # Seller: Manage Returns
    path("seller/returns/", seller.manage, name="manage"),
    path("seller/returns/bulk/", bulk.bulk, name="bulk"),
    path("seller/returns/claims/", seller.claims, name="claims"),
    path("seller/returns/claims/<int:pk>/respond/", seller.respond_to_claim, name="respond_to_claim"),
    path("seller/returns/<int:pk>/authorise/", seller.authorise, name="authorise"),
    path("seller/returns/<int:pk>/authorised/", seller.authorised, name="authorised"),
    path("seller/returns/<int:pk>/deny/", seller.deny, name="deny"),
    path("seller/returns/<int:pk>/denied/", seller.denied, name="denied"),
    path("seller/returns/<int:pk>/refund/", seller.refund, name="refund"),
    path("seller/returns/<int:pk>/contact-buyer/", seller.contact_buyer, name="contact_buyer"),
    path("seller/settings/account-info/", settings.account_info, name="account_info"),
    path("seller/settings/returns/", settings.return_settings, name="settings"),
    path("seller/returns/email/<str:token>/", seller.email_action, name="email_action"),
    path(
        "seller/settings/account-info/exceptions/<str:code>/remove/",
        settings.remove_exception,
        name="remove_exception",
    ),
]
