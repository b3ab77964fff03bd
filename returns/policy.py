"""The Online Returns Centre's numbers and predicates: the one place each is written.

Models (field sizes, validators), services, forms, the API, admin, the automatic rules and
Account Health (metrics) import them from here. The product's own description of these rules
is ``docs/returns.md``.
"""

from __future__ import annotations

import re
import secrets
import string
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commerce import policy as commerce_policy
from commerce.models import Order

# The buyer rates a closed return with the marketplace's 1-5 stars.
from commerce.policy import MAX_RATING, MIN_RATING, is_valid_rating  # noqa: F401

# --- Text limits ------------------------------------------------------------------------
MAX_COMMENT_CHARS = 200  # the buyer's comment on one returned item
MAX_DENY_MESSAGE_CHARS = 3000  # the seller's message when denying a return
MAX_REFUND_REASON_CHARS = 200
MAX_CLAIM_CHARS = 2000  # an A-to-z claim's account, the seller's answer, staff's decision note
MAX_RATING_COMMENT_CHARS = 500


# --- Bulk decisions in Manage Returns ---------------------------------------------------
# The most requests one "Authorise selected" or "Deny selected" decides: a page of Manage
# Returns holds fewer, so the cap only stops a crafted form from holding the seller's
# requests' locks, one after the other, for minutes.
MAX_BULK_DECISIONS = 50


# --- Returns Settings -------------------------------------------------------------------
# Return window: days from the order date in which a request meets policy.
RETURN_WINDOW_DAYS = 30
MIN_RETURN_WINDOW_DAYS, MAX_RETURN_WINDOW_DAYS = 1, 30
# Return-by: days after authorisation the buyer has to send the items back.
RETURN_BY_DAYS = 30
MIN_RETURN_BY_DAYS, MAX_RETURN_BY_DAYS = 1, 90

# --- Timers -----------------------------------------------------------------------------
# A request the seller has not acted on after this long counts as a late response.
LATE_RESPONSE_AFTER = timedelta(hours=48)
# The seller is reminded of a request still waiting after this long.
REMIND_AFTER = timedelta(hours=24)
# A request left waiting this long closes itself ("Expired without action").
STALE_AFTER = timedelta(days=50)
# A request whose automatic rule has not run after this long (a lost task) is swept up.
MISSED_RULE_AFTER = timedelta(minutes=2)
# The buyer's Your Returns lists "return authorisations created in the past 2 months".
YOUR_RETURNS_SHOWN_FOR = timedelta(days=61)

# The automatic rule runs on the worker a moment after the request is saved. While a rule
# that could authorise it has not run yet, the buyer's page asks again this often, for this
# long from the request, so that an auto-authorised label shows at once without a reload;
# after that the page settles for "pending response from seller" (the sweep above catches a
# lost task).
RULE_CHECK_EVERY = timedelta(seconds=1)
RULE_CHECK_FOR = timedelta(seconds=15)


def may_authorise_automatically(*, rule: str, meets_policy: bool) -> bool:
    """Whether the seller's automatic rule, when it runs, authorises this request (unless the
    order was cancelled meanwhile or no return address is set)."""
    return rule == "all" or (rule == "policy" and meets_policy)


def awaiting_automatic_rule(
    *, rule: str, meets_policy: bool, rule_applied_at: datetime | None, requested_at: datetime, now: datetime
) -> bool:
    """The buyer's page should wait for the rule: it may authorise, has not run, and the
    request is recent enough that it is still on its way."""
    return (
        rule_applied_at is None
        and may_authorise_automatically(rule=rule, meets_policy=meets_policy)
        and now - requested_at < RULE_CHECK_FOR
    )


# --- Return authorisation numbers -------------------------------------------------------
# Eight letters or digits, then "RRMA" (as the seed's labels print them).
RMA_ALPHABET = string.ascii_letters + string.digits
RMA_LENGTH = 8
RMA_SUFFIX = "RRMA"
RMA_PATTERN = re.compile(rf"^[0-9A-Za-z]{{{RMA_LENGTH}}}{RMA_SUFFIX}$")


def new_rma() -> str:
    """A random RMA of the shape above (the unique index catches the rare repeat)."""
    return "".join(secrets.choice(RMA_ALPHABET) for _ in range(RMA_LENGTH)) + RMA_SUFFIX


def within_return_window(*, placed_at: datetime, requested_at: datetime, window_days: int) -> bool:
    return requested_at - placed_at <= timedelta(days=window_days)


def is_valid_return_window(days: object) -> bool:
    return isinstance(days, int) and MIN_RETURN_WINDOW_DAYS <= days <= MAX_RETURN_WINDOW_DAYS


# --- Which orders can be returned -------------------------------------------------------
# Items can come back once they have left the seller: a placed (pending) order has sent
# nothing yet, and a cancelled one never will. The buyer's pages, the API and the automatic
# rule (again, under the lock, when it runs) all ask this one predicate.
RETURNABLE_ORDER_STATUSES = frozenset({Order.Status.DISPATCHED, Order.Status.DELIVERED})


def is_returnable(order: Order) -> bool:
    """Whether the order's items can be returned at all, whatever the request."""
    return order.status in RETURNABLE_ORDER_STATUSES


def not_returnable_reason(order: Order) -> str:
    said = gettext("This order is %(status)s: only items of a dispatched or delivered order can be returned.")
    return said % {"status": order.get_status_display().lower()}


# --- Gift returns -----------------------------------------------------------------------
# The recipient's door needs the order marked as a gift and the gift receipt number printed
# on its packing slip. One answer for every miss (no such order, not a gift, another number),
# so the door tells nobody which orders exist or which are gifts.
GIFT_NOT_FOUND = _(
    "We couldn't find a gift order with this order number and gift receipt number. "
    "Both are printed on the gift's packing slip."
)


def is_gift_receipt_of(order: Order, gift_receipt_number: str) -> bool:
    """The order was bought as a gift and ``gift_receipt_number`` is its receipt's number."""
    return order.is_gift and commerce_policy.same_gift_receipt_number(
        order.gift_receipt_number, gift_receipt_number
    )


# --- Return addresses -------------------------------------------------------------------
US_STATE_ABBREVIATION = re.compile(r"^[A-Za-z]{2}\.?$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{5,24}$")


def address_format_errors(address: dict[str, str]) -> dict[str, str]:
    """The format rules of a return address: region written out, postcode in capitals, a
    daytime phone, an extension in digits. (Required lines and lengths are the model's.)"""
    errors: dict[str, str] = {}
    region, postcode = address.get("region", ""), address.get("postcode", "")
    phone, extension = address.get("phone", ""), address.get("phone_extension", "")
    if region and US_STATE_ABBREVIATION.match(region):
        errors["region"] = gettext(
            'Write the province, region or state out in full (e.g. "New Jersey", not "NJ").'
        )
    if postcode and postcode != postcode.upper():
        errors["postcode"] = gettext("Enter the postcode in capitals (e.g. WC2A 2HD).")
    if phone and not PHONE.match(phone):
        errors["phone"] = gettext("Enter a daytime phone number: digits, spaces and an optional leading +.")
    if extension and not extension.isdigit():
        errors["phone_extension"] = gettext("An extension is digits only.")
    return errors


# --- A-to-z Guarantee claims ------------------------------------------------------------
# An order gets one claim: while it is open, and once it is decided, the buyer cannot file
# another (the decision stands; a new one would ask staff the same question twice).
ONE_CLAIM_PER_ORDER = _("There is already a claim on this order.")

# Which claims count against the seller in the Order Defect Rate: an open claim and a granted
# one. A denied claim found the seller not at fault, so it does not count. (Strings, not
# ``Claim.Status``: the models import this module.)
DEFECT_CLAIM_STATUSES = frozenset({"open", "granted"})

# A granted claim refunds what is left of the order: what it cost minus every refund already
# made on it (returns and claims alike).
CLAIM_REFUND_REASON = "A-to-z Guarantee claim granted"


def claim_to_answer() -> Q:
    """An open claim the seller has not answered yet: staff decide it with only the buyer's
    account until the seller responds."""
    return Q(status="open", seller_responded_at__isnull=True)


def return_response_deadline(requested_at: datetime) -> datetime:
    """When a request waiting for authorisation becomes a late response."""
    return requested_at + LATE_RESPONSE_AFTER
