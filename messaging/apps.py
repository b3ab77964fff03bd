"""Registers the app's to-dos (``commerce.todos``) once the apps are loaded."""

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "messaging"

    def ready(self) -> None:
        from commerce import todos

        from . import selectors

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
                url=todos.list_from_oldest("messaging:inbox", "awaiting=on"),
            )
        )
