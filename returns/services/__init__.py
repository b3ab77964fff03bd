"""Every write of the Online Returns Centre, one module per use case.

- ``requests``: the buyer asks for a return (items checked, policy met or not) and rates it.
- ``decisions``: authorise, deny, cancel, and the changes a rule or a timer makes; the one
  guarded transition function.
- ``refunds``: full and partial refunds, never more than was paid.
- ``addresses``: the seller's return addresses and their rules.
- ``rules``: Returns Settings and the rules in force for a new request.
- ``bulk``: Manage Returns' "Authorise selected" / "Deny selected", one guarded decision each.
- ``claims``: A-to-z Guarantee claims: filed, answered once, granted (with a refund) or denied.

Callers use ``from returns import services`` and the names below. Locks are in
``returns.locks``, history rows in ``returns.events``, e-mails in ``returns.notifications``,
numbers and predicates in ``returns.policy``.
"""

from sellercentral.errors import TransitionRefused

from ..emails import absolute, quick_links
from ..notifications import announce
from .addresses import (
    clean_return_address,
    remove_return_address_exception,
    replace_return_addresses,
    save_return_address,
)
from .bulk import BulkAction, BulkOutcome, BulkResult, decide_in_bulk, selected_returns, would_apply
from .claims import decide_claim, deny_claim, file_claim, grant_claim, respond_to_claim
from .decisions import (
    authorise_by_system,
    authorise_return,
    cancel_return,
    clean_denial,
    deny_return,
    transition_by_system,
)
from .refunds import issue_refund, order_refundable_left, refund_claim, refundable_amounts
from .requests import RequestedItem, check_order_for_return, rate_return, request_return
from .rules import return_by_days, rules_in_force, update_return_settings

__all__ = [
    "BulkAction",
    "BulkOutcome",
    "BulkResult",
    "RequestedItem",
    "TransitionRefused",
    "absolute",
    "announce",
    "authorise_by_system",
    "authorise_return",
    "cancel_return",
    "check_order_for_return",
    "clean_denial",
    "clean_return_address",
    "decide_claim",
    "decide_in_bulk",
    "deny_claim",
    "deny_return",
    "file_claim",
    "grant_claim",
    "issue_refund",
    "order_refundable_left",
    "quick_links",
    "rate_return",
    "refund_claim",
    "refundable_amounts",
    "remove_return_address_exception",
    "replace_return_addresses",
    "request_return",
    "respond_to_claim",
    "return_by_days",
    "rules_in_force",
    "save_return_address",
    "selected_returns",
    "transition_by_system",
    "update_return_settings",
    "would_apply",
]
