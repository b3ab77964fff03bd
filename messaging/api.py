"""REST API of Buyer-Seller Messaging: the buyer's contact form, the seller's messages, threads
and replies, and the mail gateway's inbound webhook (the rules are in ``docs/messaging.md``)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from commerce.access import buyer_order_or_404
from commerce.api import IsBuyer, IsSeller
from sellercentral.api import INVALID, ApiError
from sellercentral.sync import asks_instants

from . import selectors, services
from .authentication import verdict_from_authentication_results
from .forms import InboxFilterForm
from .models import Message, Thread
from .serializers import (
    JSON_OR_FILES,
    AttachmentSerializer,
    ContactSellerInput,
    ContactSellerWithFilesInput,
    ReplyInput,
    ReplyWithFilesInput,
    ThreadOrderSerializer,
)
from .verp import bounce_recipient


class MessageSerializer(serializers.ModelSerializer):
    thread = serializers.IntegerField(source="thread_id")
    # A system message's words in the caller's language (Accept-Language), else as stored.
    subject = serializers.CharField(source="subject_for_reader", read_only=True)
    body_text = serializers.CharField(source="text_for_reader", read_only=True)
    sender_address = serializers.SerializerMethodField()
    order_id = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    delivery_status = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = [
            "id",
            "thread",
            "direction",
            "sender_name",
            "sender_address",
            "subject",
            "order_id",
            "sent_at",
            "needs_response",
            "no_response_needed",
            "is_auto_reply",
            "is_system",
            "sender_unverified",
            "responded_at",
            "response_deadline",
            "body_text",
            "attachments",
            "delivery_status",
            "updated_at",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=selectors.DELIVERY_STATUSES, allow_null=True))
    def get_delivery_status(self, message: Message) -> str | None:
        """Its relayed copies' worst state (``selectors.with_delivery_status``); null when not
        relayed, or where the list was not annotated."""
        return getattr(message, "delivery_status", None)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_sender_address(self, message: Message) -> str | None:
        """The sender's masked address (a real address is never in the API); null for a system
        message, which the product wrote (direction "system", sender "Seller Central")."""
        if message.direction == Message.Direction.SYSTEM:
            return None
        thread = message.thread
        alias = thread.buyer_alias if message.direction == Message.Direction.RECEIVED else thread.seller_alias
        return alias.address

    def get_order_id(self, message: Message) -> str | None:
        return message.thread.order.order_id if message.thread.order_id else None

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, message: Message) -> list[dict]:
        if "attachments" not in getattr(message, "_prefetched_objects_cache", {}):
            return []
        return [
            {"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in message.attachments.all()
        ]


class ThreadSerializer(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject_for_reader", read_only=True)
    buyer_name = serializers.CharField(source="customer.name")
    buyer_address = serializers.CharField(source="buyer_alias.address")
    order = serializers.SerializerMethodField()
    messages = MessageSerializer(many=True)

    class Meta:
        model = Thread
        fields = ["id", "subject", "buyer_name", "buyer_address", "order", "messages"]

    @extend_schema_field(ThreadOrderSerializer(allow_null=True))
    def get_order(self, thread: Thread) -> dict | None:
        if thread.order is None:
            return None
        order = thread.order
        return {
            "order_id": order.order_id,
            "marketplace": thread.marketplace.code,
            "placed_at": serializers.DateTimeField().to_representation(order.placed_at),
            "total": str(order.total),
            "currency": order.currency,
            "items": [
                {
                    "asin": i.product.asin,
                    "sku": i.product.sku,
                    "title": i.product.title,
                    "quantity": i.quantity,
                }
                for i in order.items.all()
            ],
        }


@extend_schema(
    summary="Contact the seller of an order",
    request={"application/json": ContactSellerInput, "multipart/form-data": ContactSellerWithFilesInput},
    responses={
        201: inline_serializer(
            "ContactSellerResult", {"thread": serializers.IntegerField(), "message": MessageSerializer()}
        ),
        400: INVALID,
        404: OpenApiResponse(description="Not your order"),
    },
)
class BuyerContactSeller(APIView):
    permission_classes = [permissions.IsAuthenticated, IsBuyer]
    throttle_scope = "contact_seller"
    parser_classes = JSON_OR_FILES

    def post(self, request: Request, order_id: str) -> Response:
        order = buyer_order_or_404(request, order_id)
        serializer = ContactSellerWithFilesInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.contact_seller(
            order=order, author=request.user, channel=Message.Channel.API, **serializer.validated_data
        )
        message = Message.objects.select_related("thread__order", "thread__buyer_alias__marketplace").get(
            pk=message.pk
        )
        return Response(
            {"thread": message.thread_id, "message": MessageSerializer(message).data},
            status=status.HTTP_201_CREATED,
        )


@extend_schema(
    summary="The seller's messages",
    parameters=[
        OpenApiParameter(
            "direction",
            enum=[*Message.Direction.values, selectors.ALL_FOLDERS],
            description="received (the default: what buyers wrote), sent, system (the product's own "
            "messages, such as Return denied) or all",
        ),
        OpenApiParameter("q", str, description="Order ID, ASIN, or e-mail address"),
        OpenApiParameter("since", OpenApiTypes.DATE),
        OpenApiParameter("until", OpenApiTypes.DATE),
        OpenApiParameter("awaiting_response", bool),
    ],
)
class SellerMessageList(generics.ListAPIView):
    serializer_class = MessageSerializer
    created_field = "sent_at"  # created_after / created_before (sellercentral.sync)
    permission_classes = [permissions.IsAuthenticated, IsSeller]

    def get_queryset(self):
        params = self.request.query_params
        form = InboxFilterForm(
            {
                "direction": params.get("direction", ""),
                "q": params.get("q", ""),
                "since": params.get("since", ""),
                "until": params.get("until", ""),
                "awaiting": params.get("awaiting_response", "") in {"true", "1", "on"},
            }
        )
        if not form.is_valid():
            raise ValidationError(form.errors)
        filters = form.filters()
        if asks_instants(params) and not (params.get("since") or params.get("until")):
            # A sync's instants bound the list: not the inbox's last 30 days too.
            filters["since"] = filters["until"] = None
        messages = selectors.inbox(self.request.seller, **filters)
        return selectors.with_delivery_status(messages).select_related("thread__seller_alias__marketplace")


@extend_schema(summary="One thread with every message and the related order")
class SellerThreadDetail(generics.RetrieveAPIView):
    serializer_class = ThreadSerializer
    permission_classes = [permissions.IsAuthenticated, IsSeller]

    def get_queryset(self):
        return selectors.threads_for_seller(self.request.seller)


@extend_schema(
    summary="Reply in a thread (relayed to the buyer by e-mail)",
    request={"application/json": ReplyInput, "multipart/form-data": ReplyWithFilesInput},
    responses={
        201: MessageSerializer,
        200: OpenApiResponse(
            description="No reply sent (an empty body): the thread's messages are only marked as "
            "needing no response",
            response=inline_serializer("ReplyNotSent", {"detail": serializers.CharField()}),
        ),
        400: INVALID,
        404: OpenApiResponse(description="Not your thread"),
    },
)
class SellerReply(APIView):
    permission_classes = [permissions.IsAuthenticated, IsSeller]
    throttle_scope = "reply"
    parser_classes = JSON_OR_FILES

    def post(self, request: Request, pk: int) -> Response:
        thread = get_object_or_404(Thread.objects.filter(seller=request.seller), pk=pk)
        serializer = ReplyWithFilesInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.reply_to_thread(
            thread=thread, author=request.user, channel=Message.Channel.API, **serializer.validated_data
        )
        if message is None:
            return Response({"detail": gettext("Marked as no response needed.")}, status=status.HTTP_200_OK)
        message = Message.objects.select_related("thread__order", "thread__seller_alias__marketplace").get(
            pk=message.pk
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="Mark a buyer message as needing no response",
    request=None,
    responses={200: MessageSerializer, 404: OpenApiResponse(description="Not your message")},
)
class SellerMarkNoResponseNeeded(APIView):
    permission_classes = [permissions.IsAuthenticated, IsSeller]

    def post(self, request: Request, pk: int) -> Response:
        message = get_object_or_404(
            Message.objects.select_related("thread__order", "thread__buyer_alias__marketplace"),
            pk=pk,
            seller=request.seller,
            direction=Message.Direction.RECEIVED,
        )
        services.mark_no_response_needed(message=message, actor=request.user)
        return Response(MessageSerializer(message).data)


class RawEmailParser(BaseParser):
    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        limit = settings.INBOUND_EMAIL_MAX_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        return raw


@extend_schema(
    summary="Inbound e-mail: a raw RFC 5322 message for the relay",
    request={"message/rfc822": OpenApiTypes.BINARY},
    parameters=[OpenApiParameter("X-Inbound-Secret", str, OpenApiParameter.HEADER, required=True)],
    responses={
        202: OpenApiResponse(
            description="Stored (or already stored)",
            response=inline_serializer(
                "InboundStored",
                {
                    "stored": serializers.ListField(
                        child=serializers.IntegerField(), help_text="The ids of the messages stored"
                    ),
                    "duplicates": serializers.IntegerField(help_text="Copies already stored before"),
                },
            ),
        ),
        400: OpenApiResponse(description="Unparseable"),
        403: OpenApiResponse(
            description="Wrong secret, or the sender is not allowed or not authenticated by the "
            "provider's Authentication-Results (authserv-id RELAY_AUTHSERV_ID)"
        ),
        404: OpenApiResponse(description="Unknown masked address"),
        413: OpenApiResponse(description="Too big"),
        422: OpenApiResponse(description="An attachment of a kind a message may not carry"),
        503: OpenApiResponse(description="The provider could not finish authenticating the sender"),
    },
)
class InboundEmail(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = []  # the mail gateway is authenticated by its secret, not rate-limited
    parser_classes = [RawEmailParser]

    def post(self, request: Request) -> Response:
        secret = request.headers.get("X-Inbound-Secret", "")
        if not hmac.compare_digest(secret.encode(), settings.INBOUND_EMAIL_SECRET.encode()):
            raise ApiError(
                gettext("Wrong or missing X-Inbound-Secret."), status_code=status.HTTP_403_FORBIDDEN
            )
        raw = request.data if isinstance(request.data, bytes) else b""
        if not raw:
            raise ApiError(
                gettext("The body must be the raw message."), status_code=status.HTTP_400_BAD_REQUEST
            )
        envelope_to = [a.strip() for a in request.headers.get("X-Envelope-To", "").split(",") if a.strip()]
        bounce_to = bounce_recipient(raw, envelope_to)
        if bounce_to is not None:  # a bounce of a sent mail: never authenticated nor relayed
            try:
                services.receive_bounce(address=bounce_to, raw=raw)
            except services.InboundRefused as refused:
                raise ApiError(refused.reason, status_code=refused.http_status) from None
            return Response({"stored": [], "duplicates": 0}, status=status.HTTP_202_ACCEPTED)
        try:
            result = services.receive_inbound_email(
                raw=raw,
                # The provider checked SPF, DKIM and DMARC; only its own stamp is believed.
                verdict=verdict_from_authentication_results(raw, settings.RELAY_AUTHSERV_ID),
                recipients=envelope_to or None,
            )
        except services.InboundRefused as refused:
            raise ApiError(refused.reason, status_code=refused.http_status) from None
        return Response(
            {"stored": [m.pk for m in result.messages], "duplicates": result.duplicates},
            status=status.HTTP_202_ACCEPTED,
        )
