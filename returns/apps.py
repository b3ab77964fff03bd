"""Registers the app's to-dos (``commerce.todos``), its sections of the seller's order page
(``commerce.order_page``) and the units Manage Inventory counts as returned
(``commerce.inventory``) once the apps are loaded."""

from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "returns"

    def ready(self) -> None:
        from django.urls import reverse
        from django.utils.translation import gettext_lazy as _

        from commerce import generations, inventory, order_page, todos

        from . import policy, selectors
        from .models import Claim, ReturnRequest

        for model in (ReturnRequest, Claim):  # the returns and claims to-dos count these
            generations.track(model, "returns")

        todos.register(
            todos.ToDoSource(
                key="returns",
                position=1,
                label=_("Returns awaiting authorisation"),
                badge_label=_("awaiting authorisation"),
                menu_url_name="returns:manage",
                rows=selectors.awaiting_authorisation,
                since_field="requested_at",
                scope="returns",
                deadline=policy.return_response_deadline,
                url=todos.list_from_oldest("returns:manage", f"status={selectors.AWAITING_AUTHORISATION}"),
            )
        )
        todos.register(
            todos.ToDoSource(
                key="claims",
                position=3,
                label=_("A-to-z claims to answer"),
                badge_label=_("to answer"),
                menu_url_name="returns:claims",
                rows=selectors.claims_to_answer,
                since_field="filed_at",
                scope="returns",
                url=lambda oldest: f"{reverse('returns:claims')}?show=to_answer",
            )
        )
        order_page.register(
            order_page.OrderSection(
                key="returns",
                position=1,
                heading=_("Return requests"),
                template="returns/partials/order_returns.html",
                rows=selectors.order_returns,
                empty=_("No return requests for this order."),
            )
        )
        order_page.register(
            order_page.OrderSection(
                key="refunds",
                position=3,
                heading=_("Refunds"),
                template="returns/partials/order_refunds.html",
                rows=selectors.order_refunds,
                empty=_("No refunds for this order."),
            )
        )
        order_page.register(
            order_page.OrderSection(
                key="claims",
                position=4,
                heading=_("A-to-z Guarantee claims"),
                template="returns/partials/order_claims.html",
                rows=selectors.order_claims,
                empty=_("No A-to-z Guarantee claims on this order."),
            )
        )
        inventory.register_returned_units("returns", selectors.units_returned_of_product)
