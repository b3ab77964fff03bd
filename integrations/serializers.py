"""How subscriptions, deliveries and events are read and written through the API."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from .models import Delivery, DeliveryAttempt, Event, Subscription
from .payloads import EVENTS
from .services.subscriptions import SUBSCRIBABLE


class SubscriptionSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=SUBSCRIBABLE), min_length=1)
    disabled_reason = serializers.CharField(
        read_only=True, help_text="Why the webhook was switched off, if it was."
    )

    class Meta:
        model = Subscription
        fields = ["id", "url", "description", "event_types", "is_active", "disabled_reason", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {"description": {"required": False}, "is_active": {"required": False}}


class SubscriptionCreatedSerializer(SubscriptionSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="The signing secret (whsec_…), shown this once: store it now."
    )

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["number", "attempted_at", "status_code", "duration_ms", "error"]


class DeliverySerializer(serializers.ModelSerializer):
    event_id = serializers.CharField(source="event.public_id")
    event_type = serializers.CharField(source="event.type")
    attempt_log = DeliveryAttemptSerializer(many=True)
    next_attempt_at = serializers.SerializerMethodField()

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "last_error",
            "delivered_at",
            "created_at",
            "attempt_log",
        ]

    def get_next_attempt_at(self, delivery: Delivery) -> str | None:
        """When it is tried again; null once delivered or given up."""
        if delivery.status != Delivery.Status.PENDING:
            return None
        return serializers.DateTimeField().to_representation(delivery.next_attempt_at)


class WireDateTimeField(serializers.DateTimeField):
    """A time as a webhook's body and an event's ``data`` write it (milliseconds, ``Z``)."""

    def to_representation(self, value) -> str:
        return DjangoJSONEncoder().default(value)


class EventSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id")
    occurred_at = WireDateTimeField()
    data = serializers.JSONField(source="payload")

    class Meta:
        model = Event
        fields = ["id", "type", "occurred_at", "data"]


class EventPageSerializer(serializers.Serializer):
    # Each type with its own payload component, told apart by ``type``.
    results = PolymorphicProxySerializer(
        component_name="Event",
        serializers={event_type.value: serializer for event_type, serializer in EVENTS.items()},
        resource_type_field_name="type",
        many=True,
    )
    next = serializers.CharField(help_text="Pass as ?after= to read on; the same cursor when nothing is new.")
    has_more = serializers.BooleanField(help_text="More events are waiting after this page.")
