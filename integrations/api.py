"""REST API of webhooks and the events feed: thin views over ``selectors`` and ``services``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, permissions, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from commerce.api import IsSeller
from commerce.fields import WholeNumberField
from sellercentral.api import INVALID

from . import policy, selectors, services
from .models import Subscription
from .serializers import (
    DeliverySerializer,
    EventPageSerializer,
    EventSerializer,
    SubscriptionCreatedSerializer,
    SubscriptionSerializer,
)

NOT_YOURS = OpenApiResponse(description="No such webhook among the seller's")


def _number(request: Request, name: str, *, minimum: int) -> int | None:
    """A whole-number query parameter, or a 400 naming it."""
    field = WholeNumberField(required=False, min_value=minimum)
    try:
        return field.clean(request.query_params.get(name, ""))
    except ValidationError as invalid:
        raise ValidationError({name: invalid.messages}) from None


class _SellersWebhooks:
    serializer_class = SubscriptionSerializer
    permission_classes = [permissions.IsAuthenticated, IsSeller]
    parser_classes = [JSONParser]  # JSON in, as the schema declares

    def get_queryset(self):
        return selectors.subscriptions_for_seller(self.request.seller)


@extend_schema_view(
    get=extend_schema(summary="The seller's webhooks"),
    post=extend_schema(
        summary="Add a webhook; the answer holds its signing secret, shown this once",
        request=SubscriptionSerializer,
        responses={201: SubscriptionCreatedSerializer, 400: INVALID},
    ),
)
@extend_schema(tags=["webhooks"])
class WebhookList(_SellersWebhooks, generics.ListCreateAPIView):
    def create(self, request: Request, *args, **kwargs) -> Response:
        given = SubscriptionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        subscription = services.create_subscription(seller=request.seller, **given.validated_data)
        return Response(SubscriptionCreatedSerializer(subscription).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="One webhook",
        responses={200: SubscriptionSerializer, 404: NOT_YOURS},
    ),
    patch=extend_schema(
        summary="Change a webhook's URL, events, description, or switch it on or off",
        responses={200: SubscriptionSerializer, 400: INVALID, 404: NOT_YOURS},
    ),
    delete=extend_schema(
        summary="Delete a webhook and its delivery log",
        responses={204: None, 404: NOT_YOURS},
    ),
)
@extend_schema(tags=["webhooks"])
class WebhookDetail(_SellersWebhooks, generics.RetrieveUpdateDestroyAPIView):
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def update(self, request: Request, *args, **kwargs) -> Response:
        subscription = self.get_object()
        given = SubscriptionSerializer(subscription, data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        services.update_subscription(subscription=subscription, **given.validated_data)
        return Response(SubscriptionSerializer(subscription).data)

    def perform_destroy(self, subscription: Subscription) -> None:
        services.delete_subscription(subscription=subscription)


class _OneWebhook(APIView):
    permission_classes = [permissions.IsAuthenticated, IsSeller]
    parser_classes = [JSONParser]

    def subscription(self, pk: int) -> Subscription:
        return get_object_or_404(Subscription, pk=pk, seller=self.request.seller)


@extend_schema_view(
    get=extend_schema(
        tags=["webhooks"],
        summary="A webhook's delivery log, newest first, with each attempt",
        responses={200: DeliverySerializer(many=True), 404: NOT_YOURS},
    )
)
class WebhookDeliveries(_OneWebhook, generics.ListAPIView):
    serializer_class = DeliverySerializer

    def get_queryset(self):
        return selectors.deliveries_for_subscription(self.subscription(self.kwargs["pk"]))


class WebhookTest(_OneWebhook):
    @extend_schema(
        tags=["webhooks"],
        summary="Send a webhook.test event to this webhook",
        request=None,
        responses={202: DeliverySerializer, 400: INVALID, 404: NOT_YOURS},
    )
    def post(self, request: Request, pk: int) -> Response:
        delivery = services.send_test_event(subscription=self.subscription(pk))
        delivery.refresh_from_db()  # the task may have run already (in-process in development)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class EventFeed(APIView):
    permission_classes = [permissions.IsAuthenticated, IsSeller]

    @extend_schema(
        tags=["webhooks"],
        summary="The seller's events after a cursor, oldest first: catch up on missed deliveries",
        parameters=[
            OpenApiParameter(
                "after", str, description="The `next` of the previous page; from the start if absent."
            ),
            OpenApiParameter(
                "limit",
                int,
                description=f"At most {policy.MAX_FEED_PAGE_SIZE}; {policy.FEED_PAGE_SIZE} by default.",
            ),
        ],
        responses={200: EventPageSerializer, 400: INVALID},
    )
    def get(self, request: Request) -> Response:
        after = _number(request, "after", minimum=0) or 0
        limit = min(_number(request, "limit", minimum=1) or policy.FEED_PAGE_SIZE, policy.MAX_FEED_PAGE_SIZE)
        events = selectors.events_after(request.seller, after=after, limit=limit)
        page = events[:limit]
        return Response(
            {
                "results": EventSerializer(page, many=True).data,
                "next": str(page[-1].pk if page else after),
                "has_more": len(events) > limit,
            }
        )
