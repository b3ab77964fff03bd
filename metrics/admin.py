from django.contrib import admin

from .models import OrderFeedback


@admin.register(OrderFeedback)
class OrderFeedbackAdmin(admin.ModelAdmin):
    list_display = ["order", "seller", "customer", "rating", "left_at", "updated_at"]
    search_fields = ["order__order_id", "customer__name", "seller__name", "comment"]
    list_filter = ["rating", "left_at"]
    list_select_related = ["order", "seller", "customer"]
    readonly_fields = ["order", "seller", "customer", "left_at", "updated_at"]
