"""REST API of the Online Returns Centre (SPEC §6): returns, refunds, addresses, claims."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from commerce import selectors as commerce_selectors
from commerce.api import IsBuyer, IsSeller
from commerce.forms import DateRangeForm
from commerce.models import Order

from . import labels, selectors, services
from .models import (
    MAX_COMMENT_CHARS,
    MAX_DENY_MESSAGE_CHARS,
    Claim,
    DenyReason,
    MarketplaceReturnRule,
    ReturnAddress,
    ReturnReason,
    ReturnRequest,
    ReturnRule,
    ReturnSettings,
)
from .states import OPEN, SELLER_ACTIONS

CONFLICT = OpenApiResponse(
    description="The return's status does not allow this",
    response=inline_serializer("Conflict", {"detail": serializers.CharField()}),
)


def _conflict(refused: Exception) -> Response:
    return Response({"detail": str(refused)}, status=status.HTTP_409_CONFLICT)


class ChoiceSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


def _choices(choices) -> list[dict]:
    return [{"code": code, "label": label} for code, label in choices]


@extend_schema(tags=["reference"], summary="The 14 return reasons", responses=ChoiceSerializer(many=True))
class ReturnReasons(APIView):
    permission_classes = [permissions.AllowAny]

    def get(self, request: Request) -> Response:
        return Response(_choices(ReturnReason.choices))


@extend_schema(
    tags=["reference"], summary="Reasons a seller may deny a return", responses=ChoiceSerializer(many=True)
)
class DenyReasons(APIView):
    permission_classes = [permissions.AllowAny]

    def get(self, request: Request) -> Response:
        return Response(_choices(DenyReason.choices))


class ReturnItemSerializer(serializers.Serializer):
    order_item = serializers.IntegerField(source="order_item_id")
    asin = serializers.CharField(source="order_item.product.asin")
    title = serializers.CharField(source="order_item.product.title")
    quantity = serializers.IntegerField()
    reason = serializers.CharField()
    comment = serializers.CharField()


class HistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_role")
    event = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()


class ReturnSerializer(serializers.ModelSerializer):
    order_id = serializers.CharField(source="order.order_id")
    marketplace = serializers.CharField(source="marketplace.code")
    buyer_name = serializers.CharField(source="customer.name")
    items = ReturnItemSerializer(many=True)
    history = HistorySerializer(many=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = ReturnRequest
        fields = [
            "id", "rma", "status", "close_reason", "is_gift", "order_id", "marketplace", "buyer_name", "items",
            "requested_at", "authorised_at", "return_by", "closed_at", "return_address", "deny_reason",
            "deny_message", "refunded_total", "currency", "actions", "history",
        ]  # fmt: skip

    def get_actions(self, return_request: ReturnRequest) -> list[str]:
        """What the caller may do now: the seller's actions, or the buyer's."""
        if self.context.get("role") == "seller":
            return SELLER_ACTIONS[return_request.status]
        actions = ["cancel"] if return_request.status in OPEN else []
        return [*actions, "label"] if return_request.rma else actions


class RequestedItemSerializer(serializers.Serializer):
    order_item = serializers.IntegerField()
    quantity = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=ReturnReason.choices)
    comment = serializers.CharField(
        max_length=MAX_COMMENT_CHARS, required=False, allow_blank=True, default=""
    )


class ReturnRequestInput(serializers.Serializer):
    items = RequestedItemSerializer(many=True, allow_empty=False)
    gift = serializers.BooleanField(required=False, default=False)


def _detail(pk: int, role: str) -> dict:
    return ReturnSerializer(selectors.return_with_details(pk), context={"role": role}).data


@extend_schema(
    tags=["buyer"],
    summary="Request a return of items of an order (or of a gift, with gift=true)",
    request=ReturnRequestInput,
    responses={
        201: inline_serializer(
            "ReturnCreated",
            {"warnings": serializers.ListField(child=serializers.CharField()), "return": ReturnSerializer()},
        ),
        400: OpenApiResponse(description="Invalid fields"),
        404: OpenApiResponse(description="No such order"),
    },
)
class BuyerRequestReturn(APIView):
    permission_classes = [permissions.IsAuthenticated, IsBuyer]

    def post(self, request: Request, order_id: str) -> Response:
        # The order first: someone else's order is a 404 whatever the body says.
        gift = (
            serializers.BooleanField().to_internal_value(request.data.get("gift", False))
            if hasattr(request.data, "get")
            else False
        )
        if gift:
            order = get_object_or_404(
                Order.objects.filter(status=Order.Status.DELIVERED).exclude(customer=request.customer),
                order_id=order_id,
            )
        else:
            order = get_object_or_404(
                commerce_selectors.orders_for_customer(request.customer), order_id=order_id
            )
        payload = ReturnRequestInput(data=request.data)
        payload.is_valid(raise_exception=True)
        items = [
            services.RequestedItem(
                order_item_id=i["order_item"],
                quantity=i["quantity"],
                reason=i["reason"],
                comment=i["comment"],
            )
            for i in payload.validated_data["items"]
        ]
        created, warnings = services.request_return(
            order=order, customer=request.customer, items=items, is_gift=gift, actor=request.user
        )
        return Response(
            {**_detail(created.pk, "buyer"), "warnings": warnings}, status=status.HTTP_201_CREATED
        )


class BuyerReturns:
    """The signed-in buyer's returns, serialised with the buyer's actions."""

    serializer_class = ReturnSerializer
    permission_classes = [permissions.IsAuthenticated, IsBuyer]

    def get_queryset(self):
        return selectors.returns_for_customer(self.request.customer)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "role": "buyer"}


@extend_schema(tags=["buyer"], summary="The buyer's returns, newest first")
class BuyerReturnList(BuyerReturns, generics.ListAPIView):
    pass


@extend_schema(tags=["buyer"], summary="One of the buyer's returns")
class BuyerReturnDetail(BuyerReturns, generics.RetrieveAPIView):
    pass


@extend_schema(
    tags=["buyer"],
    summary="Cancel a return before the seller acts",
    request=None,
    responses={200: ReturnSerializer, 404: OpenApiResponse(description="Not your return"), 409: CONFLICT},
)
class BuyerCancelReturn(APIView):
    permission_classes = [permissions.IsAuthenticated, IsBuyer]

    def post(self, request: Request, pk: int) -> Response:
        found = get_object_or_404(ReturnRequest, pk=pk, customer=request.customer)
        try:
            services.cancel_return(return_request=found, actor=request.user)
        except services.TransitionRefused as refused:
            return _conflict(refused)
        return Response(_detail(found.pk, "buyer"))


@extend_schema(
    tags=["buyer"],
    summary="The return label as a PDF",
    responses={
        (200, "application/pdf"): OpenApiTypes.BINARY,
        404: OpenApiResponse(description="Not your return"),
        409: CONFLICT,
    },
)
class BuyerReturnLabel(APIView):
    permission_classes = [permissions.IsAuthenticated, IsBuyer]

    def get(self, request: Request, pk: int):
        found = get_object_or_404(selectors.returns_for_customer(request.customer), pk=pk)
        if not found.rma:
            return _conflict(Exception("The return has not been authorised: there is no label yet."))
        response = HttpResponse(labels.label_pdf(found), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="return-label-{found.rma}.pdf"'
        return response


class ClaimSerializer(serializers.ModelSerializer):
    order_id = serializers.CharField(source="order.order_id", read_only=True)
    buyer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "order_id",
            "buyer_name",
            "reason",
            "body",
            "status",
            "seller_response",
            "filed_at",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = ["status", "seller_response", "filed_at", "decided_at", "decision_note"]


class ClaimInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Claim.Reason.choices)
    body = serializers.CharField(max_length=2000)


@extend_schema(
    tags=["buyer"],
    summary="File an A-to-z Guarantee claim on an order",
    request=ClaimInput,
    responses={
        201: ClaimSerializer,
        400: OpenApiResponse(description="Invalid fields"),
        404: OpenApiResponse(description="Not your order"),
    },
)
class BuyerFileClaim(APIView):
    permission_classes = [permissions.IsAuthenticated, IsBuyer]

    def post(self, request: Request, order_id: str) -> Response:
        order = get_object_or_404(commerce_selectors.orders_for_customer(request.customer), order_id=order_id)
        payload = ClaimInput(data=request.data)
        payload.is_valid(raise_exception=True)
        claim = services.file_claim(order=order, customer=request.customer, **payload.validated_data)
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


class SellerReturns:
    """The signed-in seller's returns, serialised with the seller's actions."""

    serializer_class = ReturnSerializer
    permission_classes = [permissions.IsAuthenticated, IsSeller]

    def get_queryset(self):
        return selectors.returns_for_seller(self.request.seller)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "role": "seller"}


@extend_schema(
    tags=["seller"],
    summary="The seller's return requests",
    parameters=[
        OpenApiParameter("status", enum=list(selectors.STATUS_FILTERS)),
        OpenApiParameter("q", str, description="Order ID, RMA, ASIN or buyer name"),
        OpenApiParameter("since", OpenApiTypes.DATE),
        OpenApiParameter("until", OpenApiTypes.DATE),
    ],
)
class SellerReturnList(SellerReturns, generics.ListAPIView):
    def get_queryset(self):
        params = self.request.query_params
        status_filter = params.get("status", "all")
        if status_filter not in selectors.STATUS_FILTERS:
            raise ValidationError({"status": f"One of: {', '.join(selectors.STATUS_FILTERS)}."})
        dates = DateRangeForm({"since": params.get("since", ""), "until": params.get("until", "")})
        if not dates.is_valid():
            raise ValidationError(dates.errors)
        since, until = dates.bounds() if params.get("since") or params.get("until") else (None, None)
        return selectors.returns_for_seller(
            self.request.seller,
            status=status_filter,
            since=since,
            until=until,
            search=params.get("q", "")[:100],
        )


@extend_schema(tags=["seller"], summary="One return request, with its actions and history")
class SellerReturnDetail(SellerReturns, generics.RetrieveAPIView):
    pass


class AddressSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    line1 = serializers.CharField(max_length=100)
    line2 = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    postcode = serializers.CharField(max_length=20)
    country = serializers.CharField(max_length=60)
    phone = serializers.CharField(max_length=30)
    phone_extension = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")

    def validate(self, data):
        try:
            return services.clean_return_address(data)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None


class SellerReturnAction(APIView):
    """A seller's state change on one of its returns: 404 for others', 409 when refused."""

    permission_classes = [permissions.IsAuthenticated, IsSeller]

    def found(self, pk: int) -> ReturnRequest:
        return get_object_or_404(ReturnRequest, pk=pk, seller=self.request.seller)

    def act(self, action, **kwargs) -> Response:
        changed = action(**kwargs)
        return Response(_detail(changed.pk, "seller"))


@extend_schema(
    tags=["seller"],
    summary="Authorise a return (optionally with a new return address)",
    request=inline_serializer("AuthoriseInput", {"return_address": AddressSerializer(required=False)}),
    responses={
        200: ReturnSerializer,
        400: OpenApiResponse(description="Invalid address or none set"),
        404: OpenApiResponse(description="Not your return"),
        409: CONFLICT,
    },
)
class SellerAuthorise(SellerReturnAction):
    def post(self, request: Request, pk: int) -> Response:
        found = self.found(pk)
        address = None
        if request.data.get("return_address") is not None:
            payload = AddressSerializer(data=request.data["return_address"])
            if not payload.is_valid():
                raise ValidationError({"return_address": payload.errors})
            address = payload.validated_data
        return self.act(services.authorise_return, return_request=found, actor=request.user, address=address)


class DenyInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DenyReason.choices)
    message = serializers.CharField(max_length=MAX_DENY_MESSAGE_CHARS)


@extend_schema(
    tags=["seller"],
    summary="Deny a return request",
    request=DenyInput,
    responses={
        200: ReturnSerializer,
        400: OpenApiResponse(description="Invalid fields"),
        404: OpenApiResponse(description="Not your return"),
        409: CONFLICT,
    },
)
class SellerDeny(SellerReturnAction):
    def post(self, request: Request, pk: int) -> Response:
        found = self.found(pk)
        payload = DenyInput(data=request.data)
        payload.is_valid(raise_exception=True)
        return self.act(
            services.deny_return, return_request=found, actor=request.user, **payload.validated_data
        )


class RefundInput(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RefundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    destination = serializers.CharField()


@extend_schema(
    tags=["seller"],
    summary="Refund a return, in full or in part (idempotent with Idempotency-Key)",
    request=RefundInput,
    parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
    responses={
        201: RefundSerializer,
        400: OpenApiResponse(description="Over the refundable amount, or invalid"),
        404: OpenApiResponse(description="Not your return"),
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


class ReturnAddressesSerializer(serializers.Serializer):
    default = AddressSerializer(allow_null=True, required=False)
    exceptions = serializers.DictField(child=AddressSerializer(), required=False, default=dict)


@extend_schema(
    tags=["seller"], summary="The seller's return addresses: the default and per-marketplace exceptions"
)
class SellerReturnAddresses(APIView):
    permission_classes = [permissions.IsAuthenticated, IsSeller]
    serializer_class = ReturnAddressesSerializer

    def _current(self) -> dict:
        addresses = ReturnAddress.objects.filter(seller=self.request.seller).select_related("marketplace")
        default = next((a.as_snapshot() for a in addresses if a.marketplace_id is None), None)
        return {
            "default": default,
            "exceptions": {a.marketplace.code: a.as_snapshot() for a in addresses if a.marketplace_id},
        }

    def get(self, request: Request) -> Response:
        return Response(self._current())

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
        seller = request.seller
        codes = {m.code: m for m in seller.marketplaces.all()}
        unknown = [code for code in payload.validated_data["exceptions"] if code not in codes]
        if unknown:
            raise ValidationError({"exceptions": f"You do not sell on: {', '.join(unknown)}."})
        with transaction.atomic():
            if payload.validated_data.get("default"):
                services.save_return_address(
                    seller=seller, marketplace=None, data=payload.validated_data["default"]
                )
            for code, marketplace in codes.items():
                if code in payload.validated_data["exceptions"]:
                    services.save_return_address(
                        seller=seller,
                        marketplace=marketplace,
                        data=payload.validated_data["exceptions"][code],
                    )
                else:
                    services.remove_return_address_exception(seller=seller, marketplace=marketplace)
        return Response(self._current())


@extend_schema(tags=["seller"], summary="The seller's A-to-z Guarantee claims")
class SellerClaimList(generics.ListAPIView):
    serializer_class = ClaimSerializer
    permission_classes = [permissions.IsAuthenticated, IsSeller]

    def get_queryset(self):
        return selectors.claims_for_seller(self.request.seller)


class ReturnSettingsSerializer(serializers.Serializer):
    email_quick_links = serializers.BooleanField()
    return_window_days = serializers.IntegerField(min_value=1, max_value=30)
    rules = serializers.DictField(child=serializers.ChoiceField(choices=ReturnRule.values))


@extend_schema(
    tags=["seller"], summary="Returns Settings: quick links, return window, automatic rules per marketplace"
)
class SellerReturnSettings(APIView):
    permission_classes = [permissions.IsAuthenticated, IsSeller]
    serializer_class = ReturnSettingsSerializer

    def _current(self) -> dict:
        seller = self.request.seller
        row = ReturnSettings.objects.filter(seller=seller).first()
        rules = dict(
            MarketplaceReturnRule.objects.filter(seller=seller).values_list("marketplace__code", "rule")
        )
        return {
            "email_quick_links": row.email_quick_links if row else False,
            "return_window_days": row.return_window_days if row else 30,
            "rules": {
                m.code: rules.get(m.code, ReturnRule.MANUAL) for m in seller.marketplaces.order_by("id")
            },
        }

    def get(self, request: Request) -> Response:
        return Response(self._current())

    @extend_schema(
        request=ReturnSettingsSerializer,
        responses={200: ReturnSettingsSerializer, 400: OpenApiResponse(description="Invalid fields")},
    )
    def put(self, request: Request) -> Response:
        payload = ReturnSettingsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.update_return_settings(seller=request.seller, **payload.validated_data)
        return Response(self._current())
