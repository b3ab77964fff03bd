from django.contrib import admin

from .models import Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["source", "last_seen_at", "hostname"]
    search_fields = ["source", "hostname"]
    list_filter = ["source"]
    readonly_fields = ["source", "last_seen_at", "hostname"]
