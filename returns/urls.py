from django.urls import path

from . import views

app_name = "returns"

urlpatterns = [
    # Buyer: Returns Support Centre
    path("returns/", views.centre, name="centre"),
    path("orders/<str:order_id>/return/", views.return_items, name="return_items"),
    path("orders/<str:order_id>/claim/", views.claim, name="claim"),
    path("returns/gift/", views.gift, name="gift"),
    path("returns/gift/<str:order_id>/", views.gift_items, name="gift_items"),
    path("returns/your-returns/", views.your_returns, name="your_returns"),
    path("returns/<int:pk>/pending/", views.pending, name="pending"),
    path("returns/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("returns/<int:pk>/rate/", views.rate, name="rate"),
    path("returns/<int:pk>/label/", views.label, name="label"),
    path("returns/<int:pk>/label.pdf", views.label_pdf, name="label_pdf"),
    path("returns/<int:pk>/barcode.svg", views.label_barcode, name="label_barcode"),
    # Seller: Manage Returns
    path("seller/returns/", views.manage, name="manage"),
    path("seller/returns/claims/", views.claims, name="claims"),
    path("seller/returns/claims/<int:pk>/respond/", views.respond_to_claim, name="respond_to_claim"),
    path("seller/returns/<int:pk>/authorise/", views.authorise, name="authorise"),
    path("seller/returns/<int:pk>/authorised/", views.authorised, name="authorised"),
    path("seller/returns/<int:pk>/deny/", views.deny, name="deny"),
    path("seller/returns/<int:pk>/denied/", views.denied, name="denied"),
    path("seller/returns/<int:pk>/refund/", views.refund, name="refund"),
    path("seller/returns/<int:pk>/contact-buyer/", views.contact_buyer, name="contact_buyer"),
    path("seller/settings/account-info/", views.account_info, name="account_info"),
    path("seller/settings/returns/", views.return_settings, name="settings"),
    path("seller/returns/email/<str:token>/", views.email_action, name="email_action"),
    path(
        "seller/settings/account-info/exceptions/<str:code>/remove/",
        views.remove_exception,
        name="remove_exception",
    ),
]
