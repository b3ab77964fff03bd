"""Staff views of the returns centre. Status changes, refunds and claim decisions go
through the services (history, e-mails); the address and settings forms meet the model's
rules (``ReturnAddress.clean``, ``ReturnSettings`` validators), as the pages and the API do."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from . import services
from .models import (
    Claim,
    ClaimEvent,
    Refund,
    RefundLine,
    ReturnAddress,
    ReturnEvent,
    ReturnItem,
    ReturnRequest,
    ReturnSettings,
)


class ReturnItemInline(admin.TabularInline):
    model = ReturnItem
    extra = 0
    readonly_fields = ["order_item", "quantity", "reason", "comment"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ReturnEventInline(admin.TabularInline):
    model = ReturnEvent
    extra = 0
    readonly_fields = ["at", "actor", "actor_role", "event", "from_status", "to_status", "note"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "order",
        "seller",
        "customer",
        "status",
        "close_reason",
        "requested_at",
        "refunded_total",
    ]
    search_fields = ["rma", "order__order_id", "customer__name", "items__order_item__product__asin"]
    list_filter = ["status", "close_reason", "is_gift", "marketplace", "requested_at"]
    list_select_related = ["order", "seller", "customer"]
    date_hierarchy = "requested_at"
    # Status changes go through the services (history, e-mails), never through this form.
    readonly_fields = [
        "order", "seller", "customer", "marketplace", "status", "close_reason", "is_gift", "rma", "requested_at",
        "authorised_at", "return_by", "closed_at", "first_seller_action_at", "return_address", "deny_reason",
        "deny_message", "currency", "refunded_total",
    ]  # fmt: skip
    inlines = [ReturnItemInline, ReturnEventInline]
    show_full_result_count = False


@admin.register(ReturnItem)
class ReturnItemAdmin(admin.ModelAdmin):
    list_display = ["return_request", "order_item", "quantity", "reason"]
    search_fields = ["return_request__rma", "return_request__order__order_id", "order_item__product__asin"]
    list_filter = ["reason"]
    list_select_related = ["return_request", "order_item__product"]
    readonly_fields = ["return_request", "order_item", "quantity", "reason", "comment"]


@admin.register(ReturnEvent)
class ReturnEventAdmin(admin.ModelAdmin):
    list_display = ["return_request", "at", "actor_role", "event", "from_status", "to_status"]
    search_fields = ["return_request__rma", "return_request__order__order_id", "note"]
    list_filter = ["event", "actor_role", "at"]
    list_select_related = ["return_request"]
    readonly_fields = [
        "return_request",
        "at",
        "actor",
        "actor_role",
        "event",
        "from_status",
        "to_status",
        "note",
    ]


class RefundLineInline(admin.TabularInline):
    model = RefundLine
    extra = 0
    readonly_fields = ["return_item", "amount"]
    can_delete = False


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ["return_request", "claim", "amount", "currency", "destination", "created_at"]
    search_fields = [
        "return_request__rma",
        "return_request__order__order_id",
        "claim__order__order_id",
        "idempotency_key",
    ]
    list_filter = ["destination", "currency", "created_at"]
    list_select_related = ["return_request", "claim__order"]
    readonly_fields = [
        "return_request",
        "claim",
        "amount",
        "currency",
        "reason",
        "destination",
        "idempotency_key",
        "actor",
        "created_at",
    ]
    inlines = [RefundLineInline]


@admin.register(ReturnAddress)
class ReturnAddressAdmin(admin.ModelAdmin):
    """Saved through ``ReturnAddress.clean``: the format rules and the seller's marketplaces."""

    list_display = ["seller", "marketplace", "name", "city", "postcode", "country"]
    search_fields = ["seller__name", "name", "postcode", "city"]
    list_filter = ["marketplace", "country"]
    list_select_related = ["seller", "marketplace"]


@admin.register(ReturnSettings)
class ReturnSettingsAdmin(admin.ModelAdmin):
    """The return window and return-by days are bounded by the fields' validators (``policy``)."""

    list_display = ["seller", "return_by_days"]
    search_fields = ["seller__name"]
    list_filter = ["return_by_days"]


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = [
        "order",
        "seller",
        "customer",
        "reason",
        "status",
        "filed_at",
        "decided_at",
        "refund_amount",
    ]
    search_fields = ["order__order_id", "customer__name", "customer__email", "seller__name"]
    list_filter = ["status", "reason", "filed_at"]
    list_select_related = ["order", "seller", "customer"]
    readonly_fields = [
        "order",
        "seller",
        "customer",
        "reason",
        "body",
        "status",
        "seller_response",
        "seller_responded_at",
        "filed_at",
        "decided_at",
        "decided_by",
        "refund_amount",
        "history",
    ]
    fields = [*readonly_fields, "decision_note"]
    actions = ["grant", "deny"]
    # "Grant" and "Deny" buttons under the form; they save the note, then call the service.
    change_form_template = "admin/returns/claim/change_form.html"

    @admin.display(description="history")
    def history(self, claim: Claim) -> str:
        """The claim's history rows, read-only. (A table, not an inline: an inline's formset
        would have to come back with every save of the decision note.)"""
        rows = ClaimEvent.objects.filter(claim_id=claim.pk).select_related("actor")  # none before it is saved
        return format_html(
            "<table><tr><th>At</th><th>Event</th><th>Role</th><th>By</th><th>Note</th></tr>{}</table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        localize(localtime(row.at)),
                        row.get_event_display(),
                        row.actor_role,
                        row.actor or "",
                        row.note,
                    )
                    for row in rows
                ),
            ),
        )

    def get_readonly_fields(self, request, obj: Claim | None = None) -> list[str]:
        # The note of a decided claim is what the buyer and the seller were told: it stays.
        if obj is not None and obj.status != Claim.Status.OPEN:
            return [*self.readonly_fields, "decision_note"]
        return list(self.readonly_fields)

    def _decide_one(self, request, claim: Claim, *, granted: bool) -> bool:
        """One claim through its service; a refusal or a missing note is shown, not raised."""
        decide = services.grant_claim if granted else services.deny_claim
        try:
            decide(claim=claim, staff=request.user, note=claim.decision_note)
        except ValidationError as error:
            self.message_user(request, f"{claim}: {' '.join(error.messages)}", messages.ERROR)
        except services.TransitionRefused as refused:
            self.message_user(request, f"{claim}: {refused}", messages.ERROR)
        else:
            return True
        return False

    def _decide(self, request, queryset, granted: bool) -> None:
        decided = sum(self._decide_one(request, claim, granted=granted) for claim in queryset.order_by("pk"))
        self.message_user(
            request,
            f"{decided} claim(s) {'granted' if granted else 'denied'}; buyer and seller told.",
            messages.SUCCESS,
        )

    @admin.action(
        description="Grant the selected claims and refund their buyers (buyer and seller are e-mailed)"
    )
    def grant(self, request, queryset):
        self._decide(request, queryset, granted=True)

    @admin.action(description="Deny the selected claims with their notes (buyer and seller are e-mailed)")
    def deny(self, request, queryset):
        self._decide(request, queryset, granted=False)

    def response_change(self, request, obj: Claim):
        """The change page's Grant / Deny buttons: the note has just been saved with the form."""
        for button, granted in (("_grant", True), ("_deny", False)):
            if button in request.POST:
                if self._decide_one(request, obj, granted=granted):
                    self.message_user(
                        request,
                        f"{obj} {'granted' if granted else 'denied'}; buyer and seller told.",
                        messages.SUCCESS,
                    )
                return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)
