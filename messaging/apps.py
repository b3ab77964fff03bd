"""Registers the app's to-dos (``commerce.todos``) once the apps are loaded."""

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "messaging"

    def ready(self) -> None:
        from datetime import datetime

        from django.urls import reverse
        from django.utils import timezone

        from commerce import todos

        from . import selectors

        def url(oldest: datetime | None) -> str:
            # The inbox shows the last 30 days unless told: start it at the oldest waiting message.
            since = f"&since={timezone.localdate(oldest):%Y-%m-%d}" if oldest else ""
            return f"{reverse('messaging:inbox')}?awaiting=on{since}"

        todos.register(
            todos.ToDoSource(
                key="messages",
                position=2,
                label="Buyer messages needing a response",
                badge_label="awaiting a response",
                menu_url_name="messaging:inbox",
                rows=selectors.awaiting_for_seller,
                since_field="sent_at",
                deadline_field="response_deadline",
                url=url,
            )
        )
