"""A seller writing first ("Contact buyer" on an order): the reasons an order's state offers,
and what reaches a buyer who opted out of unsolicited messages."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactReason(models.TextChoices):
    """Why a seller writes to a buyer first; what the order's state offers (``contact_reasons``)."""

    FULFILMENT_PROBLEM = "fulfilment_problem", _("Unexpected problem with fulfilment")
    ADDITIONAL_INFORMATION = "additional_information", _("Additional information required")
    CUSTOMISATION = "customisation", _("Confirm customisation details")
    DELIVERY_INFORMATION = "delivery_information", _("Delivery information")
    RETURN_ADDITIONAL_INFORMATION = (
        "return_additional_information",
        _("Return: additional information required"),
    )
    RETURN_ITEM_RECEIVED = "return_item_received", _("Return: item received")


class OrderStage(models.TextChoices):
    """What an order's state is, as far as the reasons it offers go."""

    NOT_DISPATCHED = "not_dispatched", _("Not yet dispatched")
    DISPATCHED = "dispatched", _("Dispatched")
    RETURN_REQUESTED = "return_requested", _("Return requested")


CONTACT_REASONS = {
    OrderStage.NOT_DISPATCHED: [
        ContactReason.FULFILMENT_PROBLEM,
        ContactReason.ADDITIONAL_INFORMATION,
        ContactReason.CUSTOMISATION,
    ],
    OrderStage.DISPATCHED: [ContactReason.DELIVERY_INFORMATION, ContactReason.ADDITIONAL_INFORMATION],
    OrderStage.RETURN_REQUESTED: [
        ContactReason.RETURN_ADDITIONAL_INFORMATION,
        ContactReason.RETURN_ITEM_RECEIVED,
        ContactReason.ADDITIONAL_INFORMATION,
    ],
}
# Messages needed to complete an order or its return: they reach a buyer who opted out of
# unsolicited messages. By mail, a subject carrying IMPORTANT_MARK says the same.
CRITICAL_REASONS = frozenset(
    {ContactReason.ADDITIONAL_INFORMATION, ContactReason.RETURN_ADDITIONAL_INFORMATION}
)
IMPORTANT_MARK = "[Important]"
REASON_NOT_OFFERED = _("Choose one of the contact reasons offered for this order.")


def order_stage(*, dispatched: bool, return_requested: bool) -> OrderStage:
    """A return request outranks dispatch: the conversation is then about the return."""
    if return_requested:
        return OrderStage.RETURN_REQUESTED
    return OrderStage.DISPATCHED if dispatched else OrderStage.NOT_DISPATCHED


def contact_reasons(stage: OrderStage) -> list[ContactReason]:
    """The reasons a seller may give for writing first about an order at ``stage``."""
    return CONTACT_REASONS[stage]


def is_critical(*, reason: str = "", subject: str = "") -> bool:
    """A message the buyer needs whatever their preferences: a critical reason chosen on the
    page, or a mail whose subject is marked "[Important]" (any case)."""
    return reason in CRITICAL_REASONS or IMPORTANT_MARK.lower() in subject.lower()


def refuses_unsolicited(*, opted_out: bool, critical: bool, buyer_has_written: Callable[[], bool]) -> bool:
    """A seller's message is refused when the buyer opted out of unsolicited messages, it is
    not critical, and it does not continue a conversation the buyer took part in (the last is
    read only when it decides: it costs a query)."""
    return opted_out and not critical and not buyer_has_written()


# What the seller is told; the SMTP text is ASCII and one line (a 5xx reply the seller's mail
# server turns into a bounce).
UNSOLICITED_REFUSED = _(
    "This buyer has chosen not to receive unsolicited messages from sellers, so nothing was sent. "
    "You can still answer a message the buyer sends you, or send a message needed to complete the "
    "order: on the order's Contact buyer page, choose “Additional information required”."
)
UNSOLICITED_REFUSED_SMTP = (
    "550 5.7.1 This buyer has opted out of unsolicited messages from sellers; nothing was sent. "
    "You can still reply to a message the buyer sent you (answer their mail), or send a message "
    f"needed to complete the order with {IMPORTANT_MARK} in the subject."
)
