"""Shapes of the messaging API: what it reads (a message, as JSON or with files), and what it
nests in its answers, typed so the schema says exactly what a message's attachments and a
thread's order hold (``messaging.api`` writes them)."""

from __future__ import annotations

from django.utils.translation import gettext
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser

from .policy import ATTACHMENTS_ALLOWED, CONTACT_SUBJECTS, MAX_BODY_CHARS


class AttachmentSerializer(serializers.Serializer):
    """A file a message carries (downloaded by its two parties from the thread's page)."""

    id = serializers.IntegerField()
    filename = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes")


class ThreadOrderItemSerializer(serializers.Serializer):
    asin = serializers.CharField()
    sku = serializers.CharField()
    title = serializers.CharField()
    quantity = serializers.IntegerField()


class ThreadOrderSerializer(serializers.Serializer):
    """The order a thread is about, as ``ThreadSerializer.get_order`` writes it."""

    order_id = serializers.CharField()
    marketplace = serializers.CharField()
    placed_at = serializers.DateTimeField()
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    items = ThreadOrderItemSerializer(many=True)


def _attachments_field() -> serializers.ListField:
    """Files sent as multipart/form-data, under ``attachments`` (one part each); the kinds a
    message may carry are checked by the service (a 400 naming ``attachments``)."""
    return serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text=ATTACHMENTS_ALLOWED
    )


# A message's request as JSON; the endpoints also read multipart/form-data with files under
# ``attachments`` (the *WithFiles shapes), declared apart so that JSON never carries files.
JSON_OR_FILES = [JSONParser, MultiPartParser]


class ContactSellerInput(serializers.Serializer):
    subject = serializers.ChoiceField(choices=list(CONTACT_SUBJECTS))
    body = serializers.CharField(max_length=MAX_BODY_CHARS, trim_whitespace=True)


class ContactSellerWithFilesInput(ContactSellerInput):
    attachments = _attachments_field()


class ReplyInput(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_BODY_CHARS, allow_blank=True, required=False, default="")
    no_response_needed = serializers.BooleanField(required=False, default=False)

    def validate(self, data):
        if not data["body"].strip() and not data["no_response_needed"]:
            raise ValidationError({"body": gettext("Enter a reply, or set no_response_needed.")})
        return data


class ReplyWithFilesInput(ReplyInput):
    attachments = _attachments_field()
