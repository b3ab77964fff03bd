"""The buyer's orders as the Returns Support Centre sees them: each item with what can still
be returned. Commerce owns the orders; the returnable quantities are this app's to count."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions
from rest_framework.request import Request
from rest_framework.response import Response

from commerce import selectors as commerce_selectors
from commerce.api import BuyerOrderSerializer, IsBuyer

from .. import policy, selectors


@extend_schema(summary="The signed-in buyer's orders, newest first")
class BuyerOrderList(generics.ListAPIView):
    serializer_class = BuyerOrderSerializer
    permission_classes = [permissions.IsAuthenticated, IsBuyer]
    created_field = "placed_at"  # created_after / created_before (sellercentral.sync)

    def get_queryset(self):
        return commerce_selectors.orders_for_customer(self.request.customer)

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        # Nothing of an order that cannot be returned (cancelled, not yet dispatched) is returnable.
        orders = [order for order in page if policy.is_returnable(order)]
        items = [item for order in orders for item in order.items.all()]  # prefetched with the page
        returnable = selectors.returnable_quantities([order.pk for order in orders], items=items)
        serializer = self.get_serializer(
            page, many=True, context={"request": request, "returnable": returnable}
        )
        return self.get_paginated_response(serializer.data)
