from django import template
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commerce.models import Order
from returns import policy
from returns.models import ReturnRequest, ReturnStatus
from returns.states import SELLER_ACTIONS, Event, allows

register = template.Library()

EVENT_LABELS = {
    "requested": _("Return requested"),
    "authorise": _("Authorised"),
    "deny": _("Denied"),
    "cancel": _("Cancelled"),
    "refund": _("Refund issued"),
    "refund_in_full": _("Closed after a full refund"),
    "find_outside_policy": _("Found outside the return policy"),
    "expire": _("Expired"),
    "expire_without_action": _("Expired without action"),
}

# Who acted, as the history line names them ("… by seller").
ACTOR_ROLE_LABELS = {
    "buyer": _("buyer"),
    "seller": _("seller"),
    "system": _("system"),
    "staff": _("staff"),
}


@register.filter
def status_label(value: str) -> str:
    return ReturnStatus(value).label if value in ReturnStatus.values else value


@register.filter
def actor_role_label(value: str) -> str:
    return ACTOR_ROLE_LABELS.get(value, value)


@register.filter
def note_in_reader_language(note: str) -> str:
    """A history note: the product's own (its English msgid, ``events.product_note``)
    translated, a person's as written."""
    return gettext(note) if note else note


@register.filter
def event_label(value: str) -> str:
    return EVENT_LABELS.get(value, value.replace("_", " ").capitalize())


@register.filter
def returnable_order(order: Order) -> bool:
    """Whether the order's items can be returned at all (``policy.is_returnable``): the
    storefront offers "Return items" only then."""
    return policy.is_returnable(order)


@register.simple_tag
def seller_actions(return_request: ReturnRequest) -> list[str]:
    """What the seller may do now, in the seed's order (states.SELLER_ACTIONS)."""
    return SELLER_ACTIONS[return_request.status]


@register.filter
def decidable(return_request: ReturnRequest) -> bool:
    """Whether the seller can authorise or deny it now: Manage Returns offers its checkbox."""
    return allows(Event.AUTHORISE, return_request.status) or allows(Event.DENY, return_request.status)


@register.filter
def decidable_any(return_requests) -> bool:
    """Whether any of a page's requests can be decided: the bulk bar is shown only then."""
    return any(decidable(r) for r in return_requests)
