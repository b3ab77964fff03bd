"""Registers the app's to-dos (``commerce.todos``) and its section of the seller's order page
(``commerce.order_page``) once the apps are loaded, and sends ``signals.response_outcome_changed``
for messages saved or deleted through the ORM."""

from django.apps import AppConfig
from django.db.models.signals import post_delete


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "messaging"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from commerce import generations, order_page, todos
        from commerce.models import Order

        from . import selectors, signals
        from .models import Alias, Message, Thread

        signals.connect()

        # The inbox's rows and the messages to-do show these rows (an alias: a sent row's "To").
        for model in (Message, Thread, Alias):
            generations.track(model, "messaging")

        def order_deleted(sender, instance, **kwargs) -> None:
            # Its threads lose their order (SET_NULL, written without signals): rows show the id.
            generations.bump("messaging", [instance.seller_id], using=kwargs["using"])

        post_delete.connect(order_deleted, sender=Order, weak=False, dispatch_uid="generation:order-threads")

        todos.register(
            todos.ToDoSource(
                key="messages",
                position=2,
                label=_("Buyer messages needing a response"),
                badge_label=_("awaiting a response"),
                menu_url_name="messaging:inbox",
                rows=selectors.awaiting_for_seller,
                since_field="sent_at",
                scope="messaging",
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
