from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("seller/messages/", views.inbox, name="inbox"),
    path("seller/messages/threads/<int:pk>/", views.thread, name="thread"),
    path(
        "seller/messages/<int:pk>/no-response-needed/",
        views.mark_no_response_needed,
        name="no_response_needed",
    ),
    path(
        "seller/messages/threads/<int:pk>/templates/<int:template_pk>/",
        views.reply_template_text,
        name="reply_template_text",
    ),
    path("seller/messages/templates/", views.reply_templates, name="reply_templates"),
    path("seller/messages/templates/new/", views.new_reply_template, name="new_reply_template"),
    path("seller/messages/templates/<int:pk>/", views.edit_reply_template, name="edit_reply_template"),
    path(
        "seller/messages/templates/<int:pk>/delete/",
        views.delete_reply_template,
        name="delete_reply_template",
    ),
    path("seller/messages/attachments/<int:pk>/", views.seller_attachment, name="seller_attachment"),
    path("seller/messages/alternate-addresses/", views.alternate_addresses, name="alternate_addresses"),
    path(
        "seller/messages/alternate-addresses/<int:pk>/remove/",
        views.remove_alternate_address,
        name="remove_alternate_address",
    ),
    path("seller/orders/<str:order_id>/contact-buyer/", views.contact_buyer, name="contact_buyer"),
    path("orders/<str:order_id>/contact/", views.contact_seller, name="contact_seller"),
    path("orders/<str:order_id>/messages/", views.order_messages, name="order_messages"),
    path("messages/attachments/<int:pk>/", views.buyer_attachment, name="buyer_attachment"),
]
