"""Registers the app's to-dos (``commerce.todos``) and its section of the seller's order page
(``commerce.order_page``) once the apps are loaded, and sends ``signals.response_outcome_changed``
for messages saved or deleted through the ORM."""

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "messaging"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from commerce import order_page, todos

        from . import selectors, signals

        signals.connect()

        todos.register(
            todos.ToDoSource(
                key="messages",
                position=2,
                label=_("Buyer messages needing a response"),
                badge_label=_("awaiting a response"),
                menu_url_name="messaging:inbox",
                rows=selectors.awaiting_for_seller,
                since_field="sent_at",
                deadline_field="response_deadline",
                url=todos.list_from_oldest("messaging:inbox", "awaiting=on"),
            )
        )
        order_page.register(
            order_page.OrderSection(
                key="messages",
                position=2,
                heading=_("Buyer-Seller Messages"),
                template="messaging/partials/order_threads.html",
                rows=selectors.order_threads,
                empty=_("No messages about this order."),
            )
        )
