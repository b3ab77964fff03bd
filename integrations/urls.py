from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("seller/settings/webhooks/", views.webhooks, name="webhooks"),
    path("seller/settings/webhooks/<int:pk>/", views.webhook, name="webhook"),
    path("seller/settings/webhooks/<int:pk>/test/", views.send_test, name="send_test"),
    path("seller/settings/webhooks/<int:pk>/delete/", views.delete, name="delete"),
]
