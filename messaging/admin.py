from django.contrib import admin, messages
from django.contrib.admin.models import DELETION, LogEntry
from django.utils.html import format_html
from django.utils.translation import ngettext

from . import outbox, services
from .models import (
    Alias,
    AlternateAddress,
    Attachment,
    Message,
    MessageEvent,
    OutboundEmail,
    ReplyTemplate,
    Thread,
    UndeliverableAddress,
)
from .services.relay import relayed_copy


@admin.register(Alias)
class AliasAdmin(admin.ModelAdmin):
    list_display = ["token", "kind", "marketplace", "seller", "customer", "created_at"]
    search_fields = ["token", "seller__name", "customer__name", "customer__email"]
    list_filter = ["kind", "marketplace"]
    list_select_related = ["marketplace", "seller", "customer"]
    readonly_fields = ["token", "kind", "marketplace", "seller", "customer", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False  # aliases are made by the relay, with random tokens


@admin.register(AlternateAddress)
class AlternateAddressAdmin(admin.ModelAdmin):
    list_display = ["email", "seller", "created_at"]
    search_fields = ["email", "seller__name"]
    list_filter = ["seller"]
    list_select_related = ["seller"]
    autocomplete_fields = ["seller"]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "seller", "language", "updated_at"]
    search_fields = ["name", "seller__name"]
    list_filter = ["language"]
    list_select_related = ["seller"]
    readonly_fields = ["seller", "created_at", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False  # a seller's own words: written in Seller Central, under its cap


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = [
        "sent_at",
        "direction",
        "sender_name",
        "subject",
        "needs_response",
        "responded_at",
        "is_auto_reply",
    ]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["subject", "seller", "customer", "marketplace", "order", "last_message_at"]
    search_fields = [
        "subject",
        "order__order_id",
        "buyer_alias__token",
        "seller_alias__token",
        "customer__email",
        "customer__name",
    ]
    list_filter = ["marketplace", "last_message_at"]
    list_select_related = ["seller", "customer", "marketplace", "order"]
    readonly_fields = [
        "seller",
        "customer",
        "marketplace",
        "buyer_alias",
        "seller_alias",
        "order",
        "created_at",
        "last_message_at",
    ]
    inlines = [MessageInline]
    show_full_result_count = False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["filename", "content_type", "size", "file"]
    can_delete = False


class MessageEventInline(admin.TabularInline):
    """What happened to the message after it was stored (``events.py``): read-only history."""

    model = MessageEvent
    extra = 0
    fields = ["at", "event", "actor", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "direction",
        "sender_name",
        "seller",
        "sent_at",
        "needs_response",
        "responded_at",
        "is_auto_reply",
        "no_response_needed",
    ]
    search_fields = [
        "subject",
        "message_id",
        "thread__order__order_id",
        "thread__buyer_alias__token",
        "thread__customer__email",
    ]
    list_filter = [
        "direction",
        "channel",
        "needs_response",
        "is_auto_reply",
        "is_system",
        "no_response_needed",
        "sender_unverified",
        "sent_at",
    ]
    list_select_related = ["seller"]
    date_hierarchy = "sent_at"
    exclude = ["raw", "source"]
    readonly_fields = [
        "thread", "seller", "direction", "channel", "sender_name", "subject", "message_id", "relay_message_id",
        "in_reply_to", "sent_at", "is_auto_reply", "is_system", "needs_response", "response_deadline",
        "responded_at", "author", "sender_authentication", "sender_unverified", "body_text", "body_html", "raw_source",
    ]  # fmt: skip
    inlines = [AttachmentInline, MessageEventInline]
    show_full_result_count = False

    @admin.display(description="Raw source (read-only)")
    def raw_source(self, message: Message) -> str:
        raw = message.source_head(200_000)
        if not raw:
            return "—"
        return format_html(
            "<pre style='white-space: pre-wrap; max-height: 30rem; overflow: auto'>{}</pre>",
            raw.decode("utf-8", "replace"),
        )


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to_address", "status", "attempts", "next_attempt_at", "sent_at", "created_at"]
    search_fields = [
        "to_address",
        "from_address",
        "subject",
        "message__thread__order__order_id",
        "dedupe_key",
    ]
    list_filter = ["status", "created_at"]
    readonly_fields = [*(f.name for f in OutboundEmail._meta.fields), "relayed_copy_text"]
    actions = ["send_now"]
    show_full_result_count = False

    @admin.display(description="Relayed copy's text (rendered from its message)")
    def relayed_copy_text(self, outbound: OutboundEmail) -> str:
        """A relayed copy's row holds no body (the message's is stored once): shown as sent."""
        if outbound.message_id is None or outbound.body_text:
            return "—"
        copy = relayed_copy(outbound.message, list(outbound.message.attachments.all()))
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", copy.text[:200_000])

    @admin.action(description="Send the selected pending mails now")
    def send_now(self, request, queryset):
        pending = queryset.filter(status=OutboundEmail.Status.PENDING).values_list("pk", flat=True)
        sent = outbox.deliver_outbound_emails(outbound_ids=list(pending))
        self.message_user(request, f"{sent} sent.", messages.SUCCESS)


@admin.register(UndeliverableAddress)
class UndeliverableAddressAdmin(admin.ModelAdmin):
    """Addresses the outbox sends nothing more (too many hard bounces). Staff see why, and
    "Allow delivery again" lifts it; each lift is in the admin history (Recent actions)."""

    list_display = ["email", "hard_bounces", "marked_at", "last_reason"]
    search_fields = ["email"]
    list_filter = ["marked_at"]
    readonly_fields = ["email", "hard_bounces", "last_reason", "marked_at"]
    actions = ["allow_delivery_again"]
    ordering = ["-marked_at"]

    def has_add_permission(self, request) -> bool:
        return False  # only bounces make an address undeliverable

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # read-only; lifted by the action

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # "Allow delivery again" says what deleting means
        return actions

    @admin.action(
        description="Allow delivery again (the next mail is tried; one more hard bounce marks it again)",
        permissions=["delete"],
    )
    def allow_delivery_again(self, request, queryset):
        emails = list(queryset.values_list("email", flat=True))
        lifted = services.allow_delivery_again(emails=emails)
        for row in lifted:
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=[row],
                action_flag=DELETION,
                change_message=(
                    f"Allowed delivery again (undeliverable since {row.marked_at:%Y-%m-%d %H:%M}, "
                    f"{row.hard_bounces} hard bounces; last: {row.last_reason[:200]})"
                ),
                single_object=True,
            )
        allowed = ngettext(
            "Delivery allowed again to %(count)d address.",
            "Delivery allowed again to %(count)d addresses.",
            len(lifted),
        )
        self.message_user(request, allowed % {"count": len(lifted)}, messages.SUCCESS)
