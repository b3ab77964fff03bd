"""REST API of "Contact buyer": the reasons an order offers a seller writing first, and the
message itself (the rules are in ``docs/messaging.md``). Beside ``messaging.api``, which it
shares the message's shape with."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from commerce import selectors as commerce_selectors
from commerce.api import IsSeller
from sellercentral.api import INVALID

from . import selectors, services
from .api import MessageSerializer
from .models import Message
from .policy import ATTACHMENTS_ALLOWED, MAX_BODY_CHARS, ContactReason
from .serializers import JSON_OR_FILES


class ContactBuyerInput(serializers.Serializer):
    # Any reason here; whether the order offers it is the service's to say (a 400 on reason).
    reason = serializers.ChoiceField(choices=ContactReason.choices)
    body = serializers.CharField(max_length=MAX_BODY_CHARS, trim_whitespace=True)


class ContactBuyerWithFilesInput(ContactBuyerInput):
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text=ATTACHMENTS_ALLOWED
    )


class SellerContactBuyer(APIView):
    permission_classes = [permissions.IsAuthenticated, IsSeller]
    throttle_scope = "reply"
    parser_classes = JSON_OR_FILES

    def _order(self, request: Request, order_id: str):
        return get_object_or_404(commerce_selectors.orders_for_seller(request.seller), order_id=order_id)

    @extend_schema(
        summary="The reasons this order offers a seller writing first",
        responses={
            200: inline_serializer(
                "ContactReasons",
                {
                    "reasons": inline_serializer(
                        "ContactReason",
                        {"code": serializers.CharField(), "label": serializers.CharField()},
                        many=True,
                    ),
                    "buyer_opted_out": serializers.BooleanField(),
                },
            ),
            404: OpenApiResponse(description="Not your order"),
        },
    )
    def get(self, request: Request, order_id: str) -> Response:
        order = self._order(request, order_id)
        reasons = selectors.contact_reasons_for(order)
        return Response(
            {
                "reasons": [{"code": reason.value, "label": reason.label} for reason in reasons],
                "buyer_opted_out": order.customer.opted_out_of_unsolicited_messages,
            }
        )

    @extend_schema(
        summary="Contact the buyer of an order first",
        request={"application/json": ContactBuyerInput, "multipart/form-data": ContactBuyerWithFilesInput},
        responses={
            201: inline_serializer(
                "ContactBuyerResult", {"thread": serializers.IntegerField(), "message": MessageSerializer()}
            ),
            400: INVALID,
            404: OpenApiResponse(description="Not your order"),
        },
    )
    def post(self, request: Request, order_id: str) -> Response:
        order = self._order(request, order_id)
        serializer = ContactBuyerWithFilesInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.contact_buyer(
            order=order, author=request.user, channel=Message.Channel.API, **serializer.validated_data
        )
        message = Message.objects.select_related("thread__order", "thread__seller_alias__marketplace").get(
            pk=message.pk
        )
        return Response(
            {"thread": message.thread_id, "message": MessageSerializer(message).data},
            status=status.HTTP_201_CREATED,
        )
