"""The seller's half of the returns API: returns and their actions, refunds, return
addresses, Returns Settings and claims."""

from __future__ import annotations

import uuid

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from commerce.api import IsSeller
from commerce.models import SellerAccount
from sellercentral.api import CONFLICT, INVALID

from .. import selectors, services
from ..forms import ReturnFilterForm
from ..models import ReturnRequest
from ..serializers import (
    AuthoriseInput,
    ClaimSerializer,
    DenyInput,
    RefundInput,
    RefundSerializer,
    ReturnAddressesSerializer,
    ReturnSerializer,
    ReturnSettingsSerializer,
)
from .common import NOT_YOURS, ReturnsAs, return_detail


# --- Seller: returns --------------------------------------------------------------------
class SellerReturns(ReturnsAs):
    """The signed-in seller's returns, serialised with the seller's actions."""

    role = "seller"
    permission_classes = [permissions.IsAuthenticated, IsSeller]

    def get_queryset(self):
        return selectors.returns_for_seller(self.request.seller)


@extend_schema(
    summary="The seller's return requests",
    parameters=[
        OpenApiParameter("status", enum=list(selectors.STATUS_FILTERS)),
        OpenApiParameter("q", str, description="Order ID, RMA, ASIN or buyer name"),
        OpenApiParameter("since", OpenApiTypes.DATE),
        OpenApiParameter("until", OpenApiTypes.DATE),
    ],
)
class SellerReturnList(SellerReturns, generics.ListAPIView):
    created_field = "requested_at"  # created_after / created_before (sellercentral.sync)

    def get_queryset(self):
        params = self.request.query_params
        form = ReturnFilterForm({name: params.get(name, "") for name in ("status", "q", "since", "until")})
        if not form.is_valid():
            raise ValidationError(form.errors)
        return selectors.returns_for_seller(self.request.seller, **form.filters(all_time_by_default=True))


@extend_schema(summary="One return request, with its actions and history")
class SellerReturnDetail(SellerReturns, generics.RetrieveAPIView):
    pass


class SellerReturnAction(APIView):
    """A seller's change to one of its returns: 404 for others', 409 when refused."""

    permission_classes = [permissions.IsAuthenticated, IsSeller]

    def found(self, pk: int) -> ReturnRequest:
        return get_object_or_404(ReturnRequest, pk=pk, seller=self.request.seller)


@extend_schema(
    summary="Authorise a return (optionally with a new return address)",
    request=AuthoriseInput,
    responses={
        200: ReturnSerializer,
        400: OpenApiResponse(description="Invalid address or none set"),
        404: NOT_YOURS,
        409: CONFLICT,
    },
)
class SellerAuthorise(SellerReturnAction):
    def post(self, request: Request, pk: int) -> Response:
        found = self.found(pk)
        payload = AuthoriseInput(data=request.data)
        payload.is_valid(raise_exception=True)
        address = payload.validated_data.get("return_address")
        services.authorise_return(return_request=found, actor=request.user, address=address)
        return Response(return_detail(found.pk, "seller"))


@extend_schema(
    summary="Deny a return request",
    request=DenyInput,
    responses={
        200: ReturnSerializer,
        400: INVALID,
        404: NOT_YOURS,
        409: CONFLICT,
    },
)
class SellerDeny(SellerReturnAction):
    def post(self, request: Request, pk: int) -> Response:
        found = self.found(pk)
        payload = DenyInput(data=request.data)
        payload.is_valid(raise_exception=True)
        services.deny_return(return_request=found, actor=request.user, **payload.validated_data)
        return Response(return_detail(found.pk, "seller"))


@extend_schema(
    summary="Refund a return, in full or in part (idempotent with Idempotency-Key)",
    request=RefundInput,
    parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
    responses={
        201: RefundSerializer,
        400: OpenApiResponse(description="Over the refundable amount, or invalid"),
        404: NOT_YOURS,
    },
)
class SellerRefund(SellerReturnAction):
    def post(self, request: Request, pk: int) -> Response:
        found = self.found(pk)
        payload = RefundInput(data=request.data)
        payload.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key") or f"api-{uuid.uuid4().hex}"
        refund = services.issue_refund(
            return_request=found, actor=request.user, idempotency_key=key, **payload.validated_data
        )
        return Response(RefundSerializer(refund).data, status=status.HTTP_201_CREATED)


# --- Seller: addresses, claims, settings ------------------------------------------------
def _addresses(seller: SellerAccount) -> dict:
    addresses = selectors.return_addresses_of(seller)
    return {
        "default": addresses[None].as_snapshot() if None in addresses else None,
        "exceptions": {
            a.marketplace.code: a.as_snapshot() for key, a in addresses.items() if key is not None
        },
    }


@extend_schema(summary="The seller's return addresses: the default and per-marketplace exceptions")
class SellerReturnAddresses(APIView):
    permission_classes = [permissions.IsAuthenticated, IsSeller]
    serializer_class = ReturnAddressesSerializer

    def get(self, request: Request) -> Response:
        return Response(_addresses(request.seller))

    @extend_schema(
        request=ReturnAddressesSerializer,
        responses={
            200: ReturnAddressesSerializer,
            400: OpenApiResponse(description="Invalid address or marketplace"),
        },
    )
    def put(self, request: Request) -> Response:
        payload = ReturnAddressesSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.replace_return_addresses(
            seller=request.seller,
            default=payload.validated_data.get("default"),
            exceptions=payload.validated_data["exceptions"],
        )
        return Response(_addresses(request.seller))


@extend_schema(summary="The seller's A-to-z Guarantee claims")
class SellerClaimList(generics.ListAPIView):
    serializer_class = ClaimSerializer
    created_field = "filed_at"  # created_after / created_before (sellercentral.sync)
    permission_classes = [permissions.IsAuthenticated, IsSeller]

    def get_queryset(self):
        return selectors.claims_for_seller(self.request.seller)


def _settings(seller: SellerAccount) -> dict:
    current = selectors.return_settings_for(seller)
    return {
        "email_quick_links": current.email_quick_links,
        "return_window_days": current.return_window_days,
        "rules": selectors.return_rules_for(seller),
    }


@extend_schema(summary="Returns Settings: quick links, return window, automatic rules per marketplace")
class SellerReturnSettings(APIView):
    permission_classes = [permissions.IsAuthenticated, IsSeller]
    serializer_class = ReturnSettingsSerializer

    def get(self, request: Request) -> Response:
        return Response(_settings(request.seller))

    @extend_schema(
        request=ReturnSettingsSerializer,
        responses={200: ReturnSettingsSerializer, 400: INVALID},
    )
    def put(self, request: Request) -> Response:
        payload = ReturnSettingsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.update_return_settings(seller=request.seller, **payload.validated_data)
        return Response(_settings(request.seller))
