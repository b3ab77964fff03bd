"""The shape of each event's ``data``, as the schema declares it (one component per type) and
docs/integrations.md lists it. The apps that own the changes write the payloads
(``messaging.integrator_events``, ``returns.integrator_events``); a test checks each one they
write against these."""

from __future__ import annotations

from rest_framework import serializers

from .models import EventType


class _Order(serializers.Serializer):
    order_id = serializers.CharField(help_text="The marketplace's order id, like 202-0697275-2144321.")
    marketplace = serializers.CharField(help_text="uk, fr, de, it or es")


class MessageReceivedData(serializers.Serializer):
    message_id = serializers.IntegerField()
    thread_id = serializers.IntegerField()
    order_id = serializers.CharField(allow_null=True)
    marketplace = serializers.CharField()
    buyer_name = serializers.CharField()
    buyer_address = serializers.EmailField(help_text="The buyer's masked address, never the real one.")
    subject = serializers.CharField()
    needs_response = serializers.BooleanField()
    is_auto_reply = serializers.BooleanField()
    sent_at = serializers.DateTimeField()
    response_deadline = serializers.DateTimeField(allow_null=True)


class MessageOverdueData(MessageReceivedData):
    overdue_at = serializers.DateTimeField()


class _ReturnData(_Order):
    return_id = serializers.IntegerField()
    status = serializers.CharField()
    close_reason = serializers.CharField(allow_null=True)
    rma = serializers.CharField(allow_null=True)
    requested_at = serializers.DateTimeField()


class ReturnRequestedItem(serializers.Serializer):
    order_item = serializers.IntegerField()
    quantity = serializers.IntegerField()
    reason = serializers.CharField()


class ReturnRequestedData(_ReturnData):
    is_gift = serializers.BooleanField()
    items = ReturnRequestedItem(many=True)


class ReturnAuthorisedData(_ReturnData):
    authorised_at = serializers.DateTimeField()
    return_by = serializers.DateField()


class ReturnClosedData(_ReturnData):
    closed_at = serializers.DateTimeField()


class RefundIssuedData(_Order):
    refund_id = serializers.IntegerField()
    return_id = serializers.IntegerField(allow_null=True)
    claim_id = serializers.IntegerField(
        allow_null=True, help_text="Set when a granted A-to-z claim refunded."
    )
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    issued_at = serializers.DateTimeField()


class ClaimFiledData(_Order):
    claim_id = serializers.IntegerField()
    reason = serializers.CharField()
    status = serializers.CharField()
    filed_at = serializers.DateTimeField()


class ClaimDecidedData(ClaimFiledData):
    decided_at = serializers.DateTimeField()
    refund_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()


class TestData(serializers.Serializer):
    subscription_id = serializers.IntegerField()
    message = serializers.CharField()


DATA = {
    EventType.MESSAGE_RECEIVED: MessageReceivedData,
    EventType.MESSAGE_OVERDUE: MessageOverdueData,
    EventType.RETURN_REQUESTED: ReturnRequestedData,
    EventType.RETURN_AUTHORISED: ReturnAuthorisedData,
    EventType.RETURN_CLOSED: ReturnClosedData,
    EventType.REFUND_ISSUED: RefundIssuedData,
    EventType.CLAIM_FILED: ClaimFiledData,
    EventType.CLAIM_DECIDED: ClaimDecidedData,
    EventType.TEST: TestData,
}


def _event_serializer(
    event_type: EventType, data: type[serializers.Serializer]
) -> type[serializers.Serializer]:
    """``{id, type, occurred_at, data}`` for one type: what the feed lists and a webhook posts."""
    name = "".join(part.title() for part in event_type.value.replace(".", "_").split("_")) + "Event"
    fields = {
        "id": serializers.CharField(help_text="evt_<n>: the Webhook-Id header, and the feed's cursor order."),
        "type": serializers.ChoiceField(choices=[event_type.value]),
        "occurred_at": serializers.DateTimeField(),
        "data": data(),
    }
    return type(name, (serializers.Serializer,), fields)


EVENTS = {event_type: _event_serializer(event_type, data) for event_type, data in DATA.items()}
