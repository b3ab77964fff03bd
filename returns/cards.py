"""The rows of Manage Returns' list, as its cards (``partials/return_card.html``) show them."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import ReturnEvent, ReturnItem, ReturnRequest

# What a Manage Returns card shows, and no more: fewer columns to compile, fetch and build models
# from for every row. A field the card starts to show must be added here, or each card reads it
# with a query of its own (tests/returns/test_pages.py counts the page's queries).
CARD_FIELDS = (
    "status", "close_reason", "is_gift", "rma", "requested_at", "authorised_at", "return_by", "closed_at",
    "currency", "refunded_total", "deny_message", "return_address", "order__order_id", "customer__name",
)  # fmt: skip


def as_cards(requests: QuerySet[ReturnRequest]) -> QuerySet[ReturnRequest]:
    """With the cards' columns only; the history without its actor (the card names the role)."""
    items = ReturnItem.objects.select_related("order_item__product").order_by("id")
    item_fields = ("return_request", "quantity", "reason", "comment", "order_item__quantity")
    items = items.only(*item_fields, "order_item__product__asin", "order_item__product__title")
    history = ReturnEvent.objects.defer("actor").order_by("at", "id")
    return (
        requests.select_related("order", "customer")
        .only(*CARD_FIELDS)
        .prefetch_related(Prefetch("items", items), Prefetch("history", history))
    )
