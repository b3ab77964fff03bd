"""Staff see webhooks, events and the delivery log; events are never edited (they are history)."""

from django.contrib import admin

from .models import Delivery, DeliveryAttempt, Event, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["url", "seller", "is_active", "created_at"]
    list_filter = ["is_active"]
    list_select_related = ["seller"]
    exclude = ["secret"]
    readonly_fields = ["seller", "created_at", "disabled_reason"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["id", "type", "seller", "occurred_at"]
    list_filter = ["type"]
    list_select_related = ["seller"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["number", "attempted_at", "status_code", "duration_ms", "error"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "event", "subscription", "status", "attempts", "next_attempt_at"]
    list_filter = ["status"]
    list_select_related = ["event", "subscription"]
    readonly_fields = ["event", "subscription", "created_at", "delivered_at"]
    inlines = [AttemptInline]
