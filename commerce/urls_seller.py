from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "seller"

urlpatterns = [
    path("", views.seller_home, name="home"),
    path("signin/", views.SellerSignInView.as_view(), name="signin"),
    path("signout/", auth_views.LogoutView.as_view(next_page="seller:signin"), name="signout"),
    path("language/", views.seller_language, name="language"),
    path("orders/", views.seller_orders, name="orders"),
    path("orders/<str:order_id>/", views.seller_order_detail, name="order"),
    path("inventory/", views.seller_inventory, name="inventory"),
    path("inventory/<int:pk>/image/", views.seller_product_image, name="product_image"),
]
