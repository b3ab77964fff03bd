"""REST API of the seller's reply templates: list, create, read, change, delete (the rules are
in ``docs/messaging.md``; the cap, the name's uniqueness and the placeholders are the
service's to check, a 400 naming the field through the one exception handler)."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions, serializers

from commerce.api import IsSeller
from sellercentral.api import INVALID

from . import selectors, services
from .models import ReplyTemplate
from .policy import MAX_BODY_CHARS, MAX_TEMPLATE_NAME_CHARS, TEMPLATE_PLACEHOLDERS, placeholders_in


class ReplyTemplateSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=MAX_TEMPLATE_NAME_CHARS)
    language = serializers.ChoiceField(choices=settings.LANGUAGES)
    body = serializers.CharField(
        max_length=MAX_BODY_CHARS,
        help_text="Placeholders: " + ", ".join(f"{{{name}}}" for name in TEMPLATE_PLACEHOLDERS),
    )
    placeholders = serializers.SerializerMethodField()

    class Meta:
        model = ReplyTemplate
        fields = ["id", "name", "language", "body", "placeholders", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def get_placeholders(self, template: ReplyTemplate) -> list[str]:
        """The placeholders its body uses, which a thread fills in."""
        return sorted(placeholders_in(template.body))

    def create(self, validated_data: dict) -> ReplyTemplate:
        return services.create_reply_template(seller=self.context["request"].seller, **validated_data)

    def update(self, template: ReplyTemplate, validated_data: dict) -> ReplyTemplate:
        # A PATCH keeps what it does not name.
        fields = {
            name: validated_data.get(name, getattr(template, name)) for name in ("name", "language", "body")
        }
        return services.update_reply_template(template=template, **fields)


class _SellersTemplates:
    serializer_class = ReplyTemplateSerializer
    permission_classes = [permissions.IsAuthenticated, IsSeller]

    def get_queryset(self):
        return selectors.reply_templates(self.request.seller)


@extend_schema_view(
    get=extend_schema(summary="The seller's reply templates, by name"),
    post=extend_schema(
        summary="Save a reply template",
        responses={201: ReplyTemplateSerializer, 400: INVALID},
    ),
)
class SellerReplyTemplateList(_SellersTemplates, generics.ListCreateAPIView):
    created_field = "created_at"  # created_after / created_before (sellercentral.sync)


@extend_schema_view(
    get=extend_schema(summary="One reply template"),
    put=extend_schema(
        summary="Change a reply template", responses={200: ReplyTemplateSerializer, 400: INVALID}
    ),
    patch=extend_schema(
        summary="Change some of a reply template's fields",
        responses={200: ReplyTemplateSerializer, 400: INVALID},
    ),
    delete=extend_schema(summary="Delete a reply template", responses={204: None}),
)
class SellerReplyTemplateDetail(_SellersTemplates, generics.RetrieveUpdateDestroyAPIView):
    def perform_destroy(self, template: ReplyTemplate) -> None:
        services.delete_reply_template(seller=self.request.seller, template_id=template.pk)
