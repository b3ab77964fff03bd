from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from commerce.models import Order
from returns import policy
from returns.models import CloseReason, ReturnReason, ReturnRequest, ReturnStatus
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


LABELS = {
    "status": dict(ReturnStatus.choices),
    "close_reason": dict(CloseReason.choices),
    "reason": dict(ReturnReason.choices),
    "event": EVENT_LABELS,
    "actor_role": ACTOR_ROLE_LABELS,
}

# The labels above in each language, translated once rather than on every row: Django's
# ``get_FOO_display`` hashes every choice's lazy label (a translation each) for each call. A
# catalogue does not change while the process runs; a test changing the languages or catalogues
# empties this as it empties Django's own translation caches.
_in_language: dict[tuple[str, str | None], dict[str, str]] = {}


@receiver(setting_changed)
def _forget_translated_labels(*, setting: str, **kwargs) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _in_language.clear()


def label(kind: str, value: str) -> str:
    """The label of ``value`` (a ``LABELS[kind]`` key) in the reader's language; an unknown
    value as it is."""
    key = (kind, get_language())
    labels = _in_language.get(key)
    if labels is None:
        labels = _in_language[key] = {code: str(text) for code, text in LABELS[kind].items()}
    return labels.get(value, value)


@register.filter
def status_label(value: str) -> str:
    return label("status", value)


@register.filter
def close_reason_label(value: str) -> str:
    return label("close_reason", value)


@register.filter
def reason_label(value: str) -> str:
    """A return item's reason: ``ReturnItem.get_reason_display``."""
    return label("reason", value)


@register.filter
def actor_role_label(value: str) -> str:
    return label("actor_role", value)


@register.filter
def note_in_reader_language(note: str) -> str:
    """A history note: the product's own (its English msgid, ``events.product_note``)
    translated, a person's as written."""
    return gettext(note) if note else note


@register.filter
def event_label(value: str) -> str:
    translated = label("event", value)
    return translated if value in EVENT_LABELS else value.replace("_", " ").capitalize()


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
