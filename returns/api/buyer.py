"""The buyer's half of the returns API, and the public reference lists."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from commerce import selectors as commerce_selectors
from commerce.access import buyer_order_or_404
from commerce.api import IsBuyer
from sellercentral.api import CONFLICT, INVALID
from sellercentral.errors import TransitionRefused

from .. import labels, policy, selectors, services
from ..models import DenyReason, ReturnReason, ReturnRequest
from ..serializers import (
    ChoiceSerializer,
    ClaimInput,
    ClaimSerializer,
    ReturnCreatedSerializer,
    ReturnRequestInput,
    ReturnSerializer,
)
from .common import NOT_YOURS, ReturnsAs, return_detail


def _choices(choices) -> list[dict]:
    return [{"code": code, "label": label} for code, label in choices]


@extend_schema(summary="The 14 return reasons", responses=ChoiceSerializer(many=True))
class ReturnReasons(APIView):
    permission_classes = [permissions.AllowAny]

    def get(self, request: Request) -> Response:
        return Response(_choices(ReturnReason.choices))


@extend_schema(summary="Reasons a seller may deny a return", responses=ChoiceSerializer(many=True))
class DenyReasons(APIView):
    permission_classes = [permissions.AllowAny]

    def get(self, request: Request) -> Response:
        return Response(_choices(DenyReason.choices))


# --- Buyer ------------------------------------------------------------------------------
@extend_schema(
    summary="Request a return of items of an order (or of a gift: gift=true and its gift_receipt_number)",
    request=ReturnRequestInput,
    responses={
        201: ReturnCreatedSerializer,
        400: INVALID,
        404: OpenApiResponse(description="No such order"),
    },
)
class BuyerRequestReturn(APIView):
    permission_classes = [permissions.IsAuthenticated, IsBuyer]
    throttle_scope = "return_request"

    def post(self, request: Request, order_id: str) -> Response:
        gift = (
            serializers.BooleanField().to_internal_value(request.data.get("gift", False))
            if hasattr(request.data, "get")
            else False
        )
        if gift:
            # The gift door: the order number and its gift receipt number, both from the
            # packing slip. Any miss is the same 400, so it tells no order from another.
            payload = ReturnRequestInput(data=request.data)
            payload.is_valid(raise_exception=True)
            order = selectors.gift_order(order_id)
            if order is None:
                raise ValidationError({"gift_receipt_number": [policy.GIFT_NOT_FOUND]})
        else:
            # The buyer's own order first: someone else's is a 404 whatever the body says.
            order = get_object_or_404(
                commerce_selectors.orders_for_customer(request.customer), order_id=order_id
            )
            payload = ReturnRequestInput(data=request.data)
            payload.is_valid(raise_exception=True)
        created, warnings = services.request_return(
            order=order,
            customer=request.customer,
            items=payload.requested_items(),
            is_gift=gift,
            gift_receipt_number=payload.validated_data["gift_receipt_number"],
            actor=request.user,
        )
        return Response(
            {**return_detail(created.pk, "buyer"), "warnings": warnings}, status=status.HTTP_201_CREATED
        )


class BuyerReturns(ReturnsAs):
    """The signed-in buyer's returns, serialised with the buyer's actions."""

    role = "buyer"
    permission_classes = [permissions.IsAuthenticated, IsBuyer]

    def get_queryset(self):
        return selectors.returns_for_customer(self.request.customer)


@extend_schema(summary="The buyer's returns, newest first")
class BuyerReturnList(BuyerReturns, generics.ListAPIView):
    created_field = "requested_at"  # created_after / created_before (sellercentral.sync)


@extend_schema(summary="One of the buyer's returns")
class BuyerReturnDetail(BuyerReturns, generics.RetrieveAPIView):
    pass


@extend_schema(
    summary="Cancel a return before the seller acts",
    request=None,
    responses={200: ReturnSerializer, 404: NOT_YOURS, 409: CONFLICT},
)
class BuyerCancelReturn(APIView):
    permission_classes = [permissions.IsAuthenticated, IsBuyer]

    def post(self, request: Request, pk: int) -> Response:
        found = get_object_or_404(ReturnRequest, pk=pk, customer=request.customer)
        services.cancel_return(return_request=found, actor=request.user)
        return Response(return_detail(found.pk, "buyer"))


@extend_schema(
    summary="The return label as a PDF",
    responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: NOT_YOURS, 409: CONFLICT},
)
class BuyerReturnLabel(APIView):
    permission_classes = [permissions.IsAuthenticated, IsBuyer]

    def get(self, request: Request, pk: int):
        found = get_object_or_404(selectors.returns_for_customer(request.customer), pk=pk)
        if not found.rma:
            raise TransitionRefused(gettext("The return has not been authorised: there is no label yet."))
        response = HttpResponse(labels.label_pdf(found), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="return-label-{found.rma}.pdf"'
        return response


@extend_schema(
    summary="File an A-to-z Guarantee claim on an order",
    request=ClaimInput,
    responses={
        201: ClaimSerializer,
        400: INVALID,
        404: OpenApiResponse(description="Not your order"),
    },
)
class BuyerFileClaim(APIView):
    permission_classes = [permissions.IsAuthenticated, IsBuyer]
    throttle_scope = "claim"

    def post(self, request: Request, order_id: str) -> Response:
        order = buyer_order_or_404(request, order_id)
        payload = ClaimInput(data=request.data)
        payload.is_valid(raise_exception=True)
        claim = services.file_claim(
            order=order, customer=request.customer, actor=request.user, **payload.validated_data
        )
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)
