from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "storefront"

urlpatterns = [
    path("", views.storefront_home, name="home"),
    path("signin/", views.BuyerSignInView.as_view(), name="signin"),
    path("signout/", auth_views.LogoutView.as_view(next_page="storefront:home"), name="signout"),
    path("orders/", views.buyer_orders, name="orders"),
    path("orders/<str:order_id>/", views.buyer_order_detail, name="order"),
    path(
        "account/communication-preferences/",
        views.communication_preferences,
        name="communication_preferences",
    ),
    path("account/language/", views.buyer_language, name="language"),
    path("products/<str:asin>/picture.svg", views.product_picture, name="product_picture"),
]
