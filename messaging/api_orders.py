"""REST API of the seller's own orders, with items, as an integrator syncs them.

Commerce owns the orders; this app owns the buyer's masked address, which is all of the
buyer an order shows a seller beside the name (never the real e-mail). Its home is here
because the foundation imports no other app (tests/test_architecture.py).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from commerce import selectors as commerce_selectors
from commerce.api import ORDER_FIELDS, IsSeller
from commerce.models import Order, OrderItem, SellerAccount

from .models import Alias


class SellerOrderItemSerializer(serializers.ModelSerializer):
    asin = serializers.CharField(source="product.asin")
    sku = serializers.CharField(source="product.sku")
    title = serializers.CharField(source="product.title")

    class Meta:
        model = OrderItem
        fields = ["id", "asin", "sku", "title", "quantity", "unit_price"]


class SellerOrderSerializer(serializers.ModelSerializer):
    marketplace = serializers.CharField(source="marketplace.code")
    buyer_name = serializers.CharField(source="customer.name")
    buyer_address = serializers.SerializerMethodField()
    items = SellerOrderItemSerializer(many=True)

    class Meta:
        model = Order
        fields = [*ORDER_FIELDS, "buyer_name", "buyer_address"]

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_buyer_address(self, order: Order) -> str | None:
        """The buyer's masked address for this seller and marketplace (mail to it is relayed to
        the buyer); null until the two have one, which their first message gives them."""
        alias = self.context["aliases"].get((order.customer_id, order.marketplace_id))
        return alias.address if alias is not None else None


def buyer_aliases(seller: SellerAccount, orders: list[Order]) -> dict[tuple[int, int], Alias]:
    """The masked addresses of the orders' buyers with this seller, by (customer, marketplace),
    in one query whatever the number of orders."""
    if not orders:
        return {}
    aliases = Alias.objects.select_related("marketplace").filter(
        kind=Alias.Kind.BUYER,
        seller=seller,
        customer_id__in={order.customer_id for order in orders},
        marketplace_id__in={order.marketplace_id for order in orders},
    )
    return {(alias.customer_id, alias.marketplace_id): alias for alias in aliases}


class _SellersOrders:
    serializer_class = SellerOrderSerializer
    permission_classes = [permissions.IsAuthenticated, IsSeller]

    def get_queryset(self) -> QuerySet[Order]:
        return commerce_selectors.orders_for_seller(self.request.seller)

    def serialized(self, orders: list[Order], *, many: bool) -> dict | list:
        context = {**self.get_serializer_context(), "aliases": buyer_aliases(self.request.seller, orders)}
        return self.get_serializer(orders if many else orders[0], many=many, context=context).data


@extend_schema(summary="The seller's orders with their items, newest first")
class SellerOrderList(_SellersOrders, generics.ListAPIView):
    created_field = "placed_at"  # created_after / created_before (sellercentral.sync)

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.serialized(page, many=True))


@extend_schema(
    summary="One of the seller's orders with its items",
    responses={200: SellerOrderSerializer, 404: OpenApiResponse(description="Not your order")},
)
class SellerOrderDetail(_SellersOrders, generics.RetrieveAPIView):
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        order = get_object_or_404(self.get_queryset(), order_id=kwargs["order_id"])
        return Response(self.serialized([order], many=False))
