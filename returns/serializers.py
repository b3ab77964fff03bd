"""The returns API's shapes: what it reads (inputs) and what it answers (outputs).

Field sizes come from ``policy`` and the models; the rules beyond shape are the services'.
"""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import services
from .models import ADDRESS_FIELDS, Claim, DenyReason, ReturnAddress, ReturnReason, ReturnRequest, ReturnRule
from .policy import (
    MAX_CLAIM_CHARS,
    MAX_COMMENT_CHARS,
    MAX_DENY_MESSAGE_CHARS,
    MAX_REFUND_REASON_CHARS,
    MAX_RETURN_WINDOW_DAYS,
    MIN_RETURN_WINDOW_DAYS,
)
from .states import OPEN, SELLER_ACTIONS


class ChoiceSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


# --- Returns ----------------------------------------------------------------------------
class ReturnItemSerializer(serializers.Serializer):
    order_item = serializers.IntegerField(source="order_item_id")
    asin = serializers.CharField(source="order_item.product.asin")
    title = serializers.CharField(source="order_item.product.title")
    quantity = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=ReturnReason.choices)
    comment = serializers.CharField()


class HistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_role")
    event = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()


class AddressSerializer(serializers.ModelSerializer):
    """The address fields, sized as the model; ``services.clean_return_address`` applies the rules."""

    class Meta:
        model = ReturnAddress
        fields = ADDRESS_FIELDS

    def validate(self, data: dict) -> dict:
        # A Django ValidationError raised here is reported field by field, as DRF's own.
        return services.clean_return_address(data)


class ReturnSerializer(serializers.ModelSerializer):
    order_id = serializers.CharField(source="order.order_id")
    marketplace = serializers.CharField(source="marketplace.code")
    buyer_name = serializers.CharField(source="customer.name")
    items = ReturnItemSerializer(many=True)
    # The address as it was when the return was authorised (null before).
    return_address = serializers.SerializerMethodField()
    history = HistorySerializer(many=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = ReturnRequest
        fields = [
            "id", "rma", "status", "close_reason", "is_gift", "order_id", "marketplace", "buyer_name", "items",
            "requested_at", "authorised_at", "return_by", "closed_at", "return_address", "deny_reason",
            "deny_message", "refunded_total", "currency", "actions", "history", "updated_at",
        ]  # fmt: skip

    @extend_schema_field(AddressSerializer(allow_null=True))
    def get_return_address(self, return_request: ReturnRequest) -> dict | None:
        return return_request.return_address

    def get_actions(self, return_request: ReturnRequest) -> list[str]:
        """What the caller may do now: the seller's actions, or the buyer's."""
        if self.context.get("role") == "seller":
            return SELLER_ACTIONS[return_request.status]
        actions = ["cancel"] if return_request.status in OPEN else []
        return [*actions, "label"] if return_request.rma else actions


class ReturnCreatedSerializer(ReturnSerializer):
    """A requested return as the buyer gets it: the return, with ``warnings`` beside its
    fields (an item that already has an open request); for the schema."""

    warnings = serializers.ListField(child=serializers.CharField())

    class Meta(ReturnSerializer.Meta):
        fields = [*ReturnSerializer.Meta.fields, "warnings"]


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
    gift_receipt_number = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="With gift=true: the gift receipt number printed on the gift's packing slip.",
    )

    def validate(self, data: dict) -> dict:
        if data["gift"] and not data["gift_receipt_number"].strip():
            raise serializers.ValidationError(
                {
                    "gift_receipt_number": gettext(
                        "Enter the gift receipt number printed on the gift's packing slip."
                    )
                }
            )
        return data

    def requested_items(self) -> list[services.RequestedItem]:
        return [
            services.RequestedItem(
                order_item_id=i["order_item"],
                quantity=i["quantity"],
                reason=i["reason"],
                comment=i["comment"],
            )
            for i in self.validated_data["items"]
        ]


class DenyInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DenyReason.choices)
    message = serializers.CharField(max_length=MAX_DENY_MESSAGE_CHARS)


class RefundInput(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    reason = serializers.CharField(
        max_length=MAX_REFUND_REASON_CHARS, required=False, allow_blank=True, default=""
    )


class RefundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    destination = serializers.CharField()


# --- Return addresses and settings ------------------------------------------------------
class AuthoriseInput(serializers.Serializer):
    return_address = AddressSerializer(required=False, allow_null=True)


class ReturnAddressesSerializer(serializers.Serializer):
    default = AddressSerializer(allow_null=True, required=False)
    exceptions = serializers.DictField(child=AddressSerializer(), required=False, default=dict)


class ReturnSettingsSerializer(serializers.Serializer):
    email_quick_links = serializers.BooleanField()
    return_window_days = serializers.IntegerField(
        min_value=MIN_RETURN_WINDOW_DAYS, max_value=MAX_RETURN_WINDOW_DAYS
    )
    rules = serializers.DictField(child=serializers.ChoiceField(choices=ReturnRule.values))


# --- Claims -----------------------------------------------------------------------------
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
            "refund_amount",
            "updated_at",
        ]
        read_only_fields = [
            "status", "seller_response", "filed_at", "decided_at", "decision_note", "refund_amount", "updated_at",
        ]  # fmt: skip


class ClaimInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Claim.Reason.choices)
    body = serializers.CharField(max_length=MAX_CLAIM_CHARS)
