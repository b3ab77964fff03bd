"""REST API: the permissions every app shares, and how an order is serialised for its buyer."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import permissions, serializers
from rest_framework.request import Request

from . import selectors
from .models import Order, OrderItem


class IsSeller(permissions.BasePermission):
    """A user of a seller account; the account is put on ``request.seller``."""

    message = gettext_lazy("This endpoint is for Seller Central users.")

    def has_permission(self, request: Request, view) -> bool:
        request.seller = selectors.seller_account_for_user(request.user)
        return request.seller is not None


class IsBuyer(permissions.BasePermission):
    """A storefront customer; the customer is put on ``request.customer``."""

    message = gettext_lazy("This endpoint is for storefront customers.")

    def has_permission(self, request: Request, view) -> bool:
        request.customer = selectors.customer_for_user(request.user)
        return request.customer is not None


class BuyerOrderItemSerializer(serializers.ModelSerializer):
    asin = serializers.CharField(source="product.asin")
    sku = serializers.CharField(source="product.sku")
    title = serializers.CharField(source="product.title")
    returnable_quantity = serializers.SerializerMethodField()

    class Meta:
        model = OrderItem
        fields = ["id", "asin", "sku", "title", "quantity", "unit_price", "returnable_quantity"]

    def get_returnable_quantity(self, item: OrderItem) -> int:
        """What can still be returned: the view that lists the orders puts the figures in the
        context (``returnable``: order item id → quantity); the returns centre counts them."""
        return self.context["returnable"].get(item.pk, 0)


# What an order shows either party through the API; each side adds who the other party is.
ORDER_FIELDS = [
    "id",
    "order_id",
    "marketplace",
    "placed_at",
    "total",
    "currency",
    "status",
    "dispatched_at",
    "delivered_at",
    "delivery_estimate_start",
    "delivery_estimate_end",
    "tracking_number",
    "is_gift",
    "items",
    "updated_at",
]


class BuyerOrderSerializer(serializers.ModelSerializer):
    marketplace = serializers.CharField(source="marketplace.code")
    seller_name = serializers.CharField(source="seller.name")
    items = BuyerOrderItemSerializer(many=True)

    class Meta:
        model = Order
        fields = [*ORDER_FIELDS, "seller_name"]
