from django import template

from commerce.models import Order
from returns import policy
from returns.models import ReturnRequest, ReturnStatus
from returns.states import SELLER_ACTIONS

register = template.Library()

EVENT_LABELS = {
    "requested": "Return requested",
    "authorise": "Authorised",
    "deny": "Denied",
    "cancel": "Cancelled",
    "refund": "Refund issued",
    "refund_in_full": "Closed after a full refund",
    "find_outside_policy": "Found outside the return policy",
    "expire": "Expired",
    "expire_without_action": "Expired without action",
}


@register.filter
def status_label(value: str) -> str:
    return ReturnStatus(value).label if value in ReturnStatus.values else value


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
