"""Every write of the Online Returns Centre.

Each state change is one function: it opens a transaction, locks the request's row,
checks the event against ``states.TRANSITIONS``, writes the change and a history row, and
leaves its e-mails and system messages to commit (through the messaging outbox).
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from commerce.formats import day
from commerce.models import Customer, Marketplace, Order, SellerAccount
from messaging import services as messaging
from sellercentral.errors import TransitionRefused

from . import selectors
from .models import (
    ADDRESS_FIELDS,
    MAX_COMMENT_CHARS,
    MAX_DENY_MESSAGE_CHARS,
    Claim,
    DenyReason,
    MarketplaceReturnRule,
    Refund,
    RefundLine,
    ReturnAddress,
    ReturnEvent,
    ReturnItem,
    ReturnReason,
    ReturnRequest,
    ReturnRule,
    ReturnSettings,
    ReturnStatus,
)
from .states import TRANSITIONS, Event

RMA_ALPHABET = string.ascii_letters + string.digits
US_STATE_ABBREVIATION = re.compile(r"^[A-Za-z]{2}\.?$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{5,24}$")


@dataclass(frozen=True)
class RequestedItem:
    order_item_id: int
    quantity: int
    reason: str
    comment: str = ""


# --- Return addresses -------------------------------------------------------------------
REQUIRED_ADDRESS_FIELDS = ["name", "line1", "city", "postcode", "country", "phone"]


def clean_return_address(data: dict) -> dict:
    """SPEC §4's rules: required lines, region written out, postcode in capitals, a phone."""
    cleaned = {field: str(data.get(field) or "").strip() for field in ADDRESS_FIELDS}
    errors: dict[str, str] = {}
    for field in REQUIRED_ADDRESS_FIELDS:
        if not cleaned[field]:
            errors[field] = "This field is required."
    if cleaned["region"] and US_STATE_ABBREVIATION.match(cleaned["region"]):
        errors["region"] = 'Write the province, region or state out in full (e.g. "New Jersey", not "NJ").'
    if cleaned["postcode"] and cleaned["postcode"] != cleaned["postcode"].upper():
        errors["postcode"] = "Enter the postcode in capitals (e.g. WC2A 2HD)."
    if cleaned["phone"] and not PHONE.match(cleaned["phone"]):
        errors["phone"] = "Enter a daytime phone number: digits, spaces and an optional leading +."
    if cleaned["phone_extension"] and not cleaned["phone_extension"].isdigit():
        errors["phone_extension"] = "An extension is digits only."
    for field, value in cleaned.items():
        limit = ReturnAddress._meta.get_field(field).max_length
        if len(value) > limit and field not in errors:
            errors[field] = f"At most {limit} characters."
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def save_return_address(
    *, seller: SellerAccount, marketplace: Marketplace | None, data: dict
) -> ReturnAddress:
    """Set the default address (``marketplace=None``) or one marketplace's exception."""
    if marketplace is not None and not seller.marketplaces.filter(pk=marketplace.pk).exists():
        raise ValidationError({"marketplace": f"You do not sell on {marketplace}."})
    cleaned = clean_return_address(data)
    address, _ = ReturnAddress.objects.select_for_update().update_or_create(
        seller=seller, marketplace=marketplace, defaults=cleaned
    )
    return address


def remove_return_address_exception(*, seller: SellerAccount, marketplace: Marketplace) -> None:
    ReturnAddress.objects.filter(seller=seller, marketplace=marketplace).delete()


# --- Requests ---------------------------------------------------------------------------
def _check_items(order: Order, items: list[RequestedItem]) -> list[str]:
    """Validate the lines against what can still be returned; the warnings for open requests."""
    if not items:
        raise ValidationError({"items": "Choose at least one item to return."})
    order_items = {item.pk: item for item in order.items.select_related("product")}
    returnable = selectors.returnable_quantities([order.pk])
    open_items = selectors.order_items_with_open_requests([order.pk])
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []
    seen = set()
    for n, item in enumerate(items):
        prefix = f"items.{n}."
        order_item = order_items.get(item.order_item_id)
        if order_item is None:
            errors.setdefault(prefix + "order_item", []).append("This item is not part of the order.")
            continue
        if item.order_item_id in seen:
            errors.setdefault(prefix + "order_item", []).append("Each item once per request.")
        seen.add(item.order_item_id)
        if item.reason not in ReturnReason.values:
            errors.setdefault(prefix + "reason", []).append("Select a reason for return from the list.")
        most = returnable.get(order_item.pk, 0)
        if not isinstance(item.quantity, int) or item.quantity < 1 or item.quantity > most:
            message = (
                f"Choose a quantity from 1 to {most}." if most else "Nothing of this item is left to return."
            )
            errors.setdefault(prefix + "quantity", []).append(message)
        if len(item.comment) > MAX_COMMENT_CHARS:
            errors.setdefault(prefix + "comment", []).append(
                f"{MAX_COMMENT_CHARS} characters maximum, including spaces and carriage returns."
            )
        if order_item.pk in open_items:
            warnings.append(f"You already have an open return request for {order_item.product.title}.")
    if errors:
        raise ValidationError(errors)
    return warnings


def request_return(
    *,
    order: Order,
    customer: Customer,
    items: list[RequestedItem],
    is_gift: bool = False,
    actor: AbstractBaseUser | None = None,
) -> tuple[ReturnRequest, list[str]]:
    """ "Submit for approval": a request waiting for the seller, and warnings for open ones."""
    with transaction.atomic():
        # Requests of one order are made one at a time, so two cannot both take the last unit.
        order = (
            Order.objects.select_for_update()
            .select_related("seller", "customer", "marketplace")
            .get(pk=order.pk)
        )
        if is_gift == (order.customer_id == customer.pk):
            raise ValidationError({"gift": "A gift return is for a recipient; the buyer uses Return items."})
        warnings = _check_items(order, items)
        now = timezone.now()
        rule, window = rules_in_force(order.seller, order.marketplace)
        return_request = ReturnRequest.objects.create(
            order=order,
            seller=order.seller,
            customer=customer,
            marketplace=order.marketplace,
            is_gift=is_gift,
            requested_at=now,
            currency=order.currency,
            rule=rule,
            return_window_days=window,
            meets_policy=_meets_policy(order, items, window, now),
        )
        ReturnItem.objects.bulk_create(
            ReturnItem(
                return_request=return_request,
                order_item_id=item.order_item_id,
                quantity=item.quantity,
                reason=item.reason,
                comment=item.comment.strip(),
            )
            for item in items
        )
        _record(return_request, event="requested", actor=actor, role="buyer", from_status="", now=now)
        # The e-mails wait for the seller's automatic rule: an auto-authorised request
        # mails the buyer its label and the seller nothing (SPEC §4).
        _announce(return_request, "requested", emails=False)
        _apply_rule_after_commit(return_request.pk)
    return return_request, warnings


def _meets_policy(order: Order, items: list[RequestedItem], window: int, now) -> bool:
    """SPEC §4: requested within the window from the order date, a returnable category
    (the quantity was checked above)."""
    products = {i.pk: i.product for i in order.items.select_related("product")}
    returnable = all(products[item.order_item_id].is_returnable for item in items)
    return returnable and now - order.placed_at <= timedelta(days=window)


@transaction.atomic
def rate_return(
    *, return_request: ReturnRequest, customer: Customer, rating: int, comment: str = ""
) -> ReturnRequest:
    """The buyer's 1-5 star rating of a closed return (negative at 1-2, for the RDR)."""
    errors = {}
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        errors["rating"] = "Choose from 1 to 5 stars."
    if len(comment or "") > 500:
        errors["comment"] = "At most 500 characters."
    if errors:
        raise ValidationError(errors)
    locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk, customer=customer)
    if locked.status != ReturnStatus.CLOSED:
        raise TransitionRefused("You can rate a return once it is closed.")
    locked.buyer_rating, locked.buyer_rating_comment = rating, (comment or "").strip()
    locked.save(update_fields=["buyer_rating", "buyer_rating_comment"])
    return locked


def _apply_rule_after_commit(return_request_id: int) -> None:
    from .tasks import apply_return_rule

    transaction.on_commit(lambda: apply_return_rule.delay(return_request_id))


def rules_in_force(seller: SellerAccount, marketplace: Marketplace) -> tuple[str, int]:
    """The seller's rule for the marketplace and return window, as a request records them."""
    rule = (
        MarketplaceReturnRule.objects.filter(seller=seller, marketplace=marketplace)
        .values_list("rule", flat=True)
        .first()
    )
    window = ReturnSettings.objects.filter(seller=seller).values_list("return_window_days", flat=True).first()
    return rule or ReturnRule.MANUAL, window or ReturnSettings._meta.get_field("return_window_days").default


@transaction.atomic
def update_return_settings(
    *, seller: SellerAccount, email_quick_links: bool, return_window_days: int, rules: dict[str, str]
) -> ReturnSettings:
    """Save Returns Settings; open requests keep the rules they were submitted under."""
    errors = {}
    if not isinstance(return_window_days, int) or not 1 <= return_window_days <= 30:
        errors["return_window_days"] = "Enter a return window from 1 to 30 days."
    codes = {m.code: m for m in seller.marketplaces.all()}
    unknown = sorted(set(rules) - set(codes))
    if unknown:
        errors["rules"] = f"You do not sell on: {', '.join(unknown)}."
    bad = sorted(code for code, rule in rules.items() if rule not in ReturnRule.values)
    if bad:
        errors["rules"] = f"A rule is one of manual, policy or all (check {', '.join(bad)})."
    if errors:
        raise ValidationError(errors)
    settings_row, _ = ReturnSettings.objects.select_for_update().get_or_create(seller=seller)
    settings_row.email_quick_links = email_quick_links
    settings_row.return_window_days = return_window_days
    settings_row.save(update_fields=["email_quick_links", "return_window_days"])
    for code, marketplace in codes.items():
        MarketplaceReturnRule.objects.update_or_create(
            seller=seller, marketplace=marketplace, defaults={"rule": rules.get(code, ReturnRule.MANUAL)}
        )
    return settings_row


def lock_order(order_id: int) -> None:
    """Row locks in one order everywhere, against deadlocks: the order, then its requests
    (and the messaging thread, which also locks the order first)."""
    Order.objects.select_for_update().filter(pk=order_id).first()


def _check_units_still_free(return_request: ReturnRequest) -> None:
    """Refuse to authorise units another authorisation (or refund) already took back.

    The order row is locked, so two requests for the same unit cannot both be authorised.
    """
    lock_order(return_request.order_id)
    held = selectors.held_quantities([return_request.order_id])
    for item in return_request.items.select_related("order_item"):
        if (
            return_request.status != ReturnStatus.AUTHORISED
            and item.quantity > item.order_item.quantity - held.get(item.order_item_id, 0)
        ):
            raise TransitionRefused(
                "These items are already being returned under another return authorisation: deny this request."
            )


def _new_rma() -> str:
    return "".join(secrets.choice(RMA_ALPHABET) for _ in range(8)) + "RRMA"


def _transition(
    return_request: ReturnRequest,
    event: Event,
    *,
    actor: AbstractBaseUser | None,
    role: str,
    note: str = "",
    change: Callable[[ReturnRequest, timezone.datetime], list[str]] | None = None,
) -> ReturnRequest:
    """Lock the row, check the event against the table, apply it, record it."""
    transition = TRANSITIONS[event]
    lock_order(return_request.order_id)
    locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
    if locked.status not in transition.sources:
        raise TransitionRefused(transition.refusal or "This return cannot change that way now.")
    now = timezone.now()
    from_status = locked.status
    locked.status = transition.target
    locked.close_reason = transition.close_reason
    fields = ["status", "close_reason"]
    if transition.close_reason:
        locked.closed_at = now
        fields.append("closed_at")
    if change is not None:
        fields += change(locked, now)
    locked.save(update_fields=fields)
    _record(locked, event=event.value, actor=actor, role=role, from_status=from_status, now=now, note=note)
    return locked


def _record(return_request, *, event, actor, role, from_status, now, note="") -> None:
    ReturnEvent.objects.create(
        return_request=return_request,
        at=now,
        actor=actor,
        actor_role=role,
        event=event,
        from_status=from_status,
        to_status=return_request.status,
        note=note,
    )


def _seller_acted(request: ReturnRequest, now) -> list[str]:
    if request.first_seller_action_at is None:
        request.first_seller_action_at = now
        return ["first_seller_action_at"]
    return []


def return_by_days(seller: SellerAccount) -> int:
    settings_row = ReturnSettings.objects.filter(seller=seller).first()
    return (
        settings_row.return_by_days
        if settings_row
        else ReturnSettings._meta.get_field("return_by_days").default
    )


@transaction.atomic
def authorise_return(
    *,
    return_request: ReturnRequest,
    actor: AbstractBaseUser | None,
    address: dict | None = None,
    role: str = "seller",
) -> ReturnRequest:
    """Authorise with the given address, else the marketplace's exception, else the default."""
    if address is not None:
        snapshot = clean_return_address(address)
    else:
        stored = selectors.return_address_for(return_request.seller_id, return_request.marketplace_id)
        if stored is None:
            raise ValidationError(
                {"return_address": "Set up a return address in Settings > Account info, or enter one."}
            )
        snapshot = stored.as_snapshot()
    days = return_by_days(return_request.seller)
    _check_units_still_free(return_request)

    def change(request: ReturnRequest, now) -> list[str]:
        request.rma = _new_rma()
        request.authorised_at = now
        request.return_by = (now + timedelta(days=days)).date()
        request.return_address = snapshot
        return ["rma", "authorised_at", "return_by", "return_address", *_seller_acted(request, now)]

    for _attempt in range(5):
        try:
            with transaction.atomic():
                authorised = _transition(
                    return_request, Event.AUTHORISE, actor=actor, role=role, change=change
                )
            break
        except IntegrityError:  # the one-in-2^47 RMA clash: draw again
            continue
    else:
        raise RuntimeError("Could not draw a unique RMA number.")
    _announce(authorised, "authorised")
    return authorised


@transaction.atomic
def deny_return(
    *, return_request: ReturnRequest, actor: AbstractBaseUser | None, reason: str, message: str
) -> ReturnRequest:
    message = (message or "").replace("\r\n", "\n").strip()
    errors = {}
    if reason not in DenyReason.values:
        errors["reason"] = "Select a reason for not authorising this return request."
    if not message:
        errors["message"] = "Write a message to the buyer."
    elif len(message) > MAX_DENY_MESSAGE_CHARS:
        errors["message"] = f"At most {MAX_DENY_MESSAGE_CHARS:,} characters."
    if errors:
        raise ValidationError(errors)

    def change(request: ReturnRequest, now) -> list[str]:
        request.deny_reason, request.deny_message = reason, message
        return ["deny_reason", "deny_message", *_seller_acted(request, now)]

    denied = _transition(
        return_request, Event.DENY, actor=actor, role="seller", note=DenyReason(reason).label, change=change
    )
    _announce(denied, "denied")
    return denied


@transaction.atomic
def cancel_return(*, return_request: ReturnRequest, actor: AbstractBaseUser | None) -> ReturnRequest:
    """The buyer's "Cancel return", only before the seller has acted."""
    cancelled = _transition(return_request, Event.CANCEL, actor=actor, role="buyer")
    _announce(cancelled, "cancelled")
    return cancelled


def _money(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": "Enter an amount such as 12.50."}) from None
    if not amount.is_finite():
        raise ValidationError({"amount": "Enter an amount such as 12.50."})
    return amount


@transaction.atomic
def issue_refund(
    *,
    return_request: ReturnRequest,
    actor: AbstractBaseUser | None,
    idempotency_key: str,
    amount=None,
    item_amounts: dict[int, object] | None = None,
    reason: str = "",
) -> Refund:
    """A full or partial refund, per item or as one amount spread over the items in order.

    Never more than was paid for the returned items minus what was refunded already. The
    same ``idempotency_key`` (a double click, an API retry) returns the first refund.
    """
    Order.objects.select_for_update().filter(
        pk=return_request.order_id
    ).first()  # one refund per order at a time
    locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
    idempotency_key = (idempotency_key or "").strip()[:100]
    if not idempotency_key:
        raise ValidationError({"idempotency_key": "A refund needs an idempotency key."})
    existing = Refund.objects.filter(return_request=locked, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if len(reason) > 200:
        raise ValidationError({"reason": "At most 200 characters."})
    items = list(locked.items.select_related("order_item").order_by("id"))
    remaining = refundable_amounts(locked, items)
    lines = _refund_lines(items, remaining, amount=amount, item_amounts=item_amounts)
    now = timezone.now()
    refund = Refund.objects.create(
        return_request=locked,
        amount=sum(lines.values()),
        currency=locked.currency,
        reason=reason.strip(),
        destination=Refund.Destination.GIFT_CREDIT if locked.is_gift else Refund.Destination.ORIGINAL_PAYMENT,
        idempotency_key=idempotency_key,
        actor=actor,
        created_at=now,
    )
    RefundLine.objects.bulk_create(
        RefundLine(refund=refund, return_item_id=pk, amount=value) for pk, value in lines.items()
    )
    locked.refunded_total += refund.amount
    fields = ["refunded_total", *_seller_acted(locked, now)]
    locked.save(update_fields=fields)
    _record(
        locked, event="refund", actor=actor, role="seller", from_status=locked.status, now=now,
        note=f"{refund.amount} {refund.currency}" + (f" — {refund.reason}" if refund.reason else ""),
    )  # fmt: skip
    fully_refunded = all(remaining[pk] - lines.get(pk, 0) <= 0 for pk in remaining)
    if fully_refunded and locked.status in TRANSITIONS[Event.REFUND_IN_FULL].sources:
        locked = _transition(locked, Event.REFUND_IN_FULL, actor=actor, role="seller")
    _announce(locked, "refunded", refund=refund)
    return refund


def refundable_amounts(return_request: ReturnRequest, items: list[ReturnItem]) -> dict[int, Decimal]:
    """Per returned item: paid for the returned quantity minus refunded on this request, and
    never more than the order line's whole price minus refunds on it under any request."""
    refunded = dict(
        RefundLine.objects.filter(return_item__return_request=return_request)
        .values_list("return_item")
        .annotate(total=Sum("amount"))
        .values_list("return_item", "total")
    )
    refunded_on_line = dict(
        RefundLine.objects.filter(return_item__order_item__in=[item.order_item_id for item in items])
        .values_list("return_item__order_item")
        .annotate(total=Sum("amount"))
        .values_list("return_item__order_item", "total")
    )
    cent = Decimal("0.01")
    zero = Decimal("0")
    return {
        item.pk: max(
            zero,
            min(
                item.paid - refunded.get(item.pk, zero),
                item.order_item.unit_price * item.order_item.quantity
                - refunded_on_line.get(item.order_item_id, zero),
            ),
        ).quantize(cent)
        for item in items
    }


def _refund_lines(items, remaining, *, amount, item_amounts) -> dict[int, Decimal]:
    if (amount is None) == (item_amounts is None):
        raise ValidationError({"amount": "Give either one amount or an amount per item."})
    lines: dict[int, Decimal] = {}
    if item_amounts is not None:
        known = {item.pk for item in items}
        errors = {}
        for pk, value in item_amounts.items():
            if pk not in known:
                errors[f"items.{pk}"] = "This item is not part of the return."
                continue
            money = _money(value)
            if money < 0:
                errors[f"items.{pk}"] = "An amount cannot be negative."
            elif money > remaining[pk]:
                errors[f"items.{pk}"] = f"At most {remaining[pk]} can still be refunded for this item."
            elif money > 0:
                lines[pk] = money
        if errors:
            raise ValidationError(errors)
    else:
        total = _money(amount)
        left = sum(remaining.values())
        if total <= 0:
            raise ValidationError({"amount": "Enter an amount greater than zero."})
        if total > left:
            raise ValidationError({"amount": f"At most {left} can still be refunded for this return."})
        for item in items:
            share = min(total, remaining[item.pk])
            if share > 0:
                lines[item.pk] = share
                total -= share
    if not lines:
        raise ValidationError({"amount": "Enter an amount greater than zero."})
    return lines


# --- Notifications ----------------------------------------------------------------------
def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def transition_by_system(request: ReturnRequest, event: Event, *, note: str = "") -> ReturnRequest:
    """A timer's or a rule's transition (no person acted)."""
    return _transition(request, event, actor=None, role="system", note=note)


def announce(request: ReturnRequest, what: str, **options) -> None:
    """Send a change's e-mails and system message (see ``_announce``)."""
    _announce(request, what, **options)


@dataclass(frozen=True)
class _Note:
    to: list[str]
    subject: str
    lines: list[str]
    link_label: str
    link: str
    actions: list[tuple[str, str]] = ()


def _announce(
    request: ReturnRequest,
    what: str,
    refund: Refund | None = None,
    *,
    emails: bool = True,
    system: bool = True,
) -> None:
    """E-mails and the order thread's system message of one change (sent after commit)."""
    request = ReturnRequest.objects.select_related("order__seller", "customer", "marketplace").get(
        pk=request.pk
    )
    order, customer = request.order, request.customer
    returned = list(request.items.select_related("order_item__product"))

    def describe(item: ReturnItem) -> str:
        return f"{item.quantity} x {item.order_item.product.title}: {item.get_reason_display()}"

    items = [describe(item) for item in returned]
    buyer_link = absolute(reverse("returns:your_returns"))
    seller_link = absolute(reverse("returns:manage") + f"?q={order.order_id}")
    seller_to = messaging.seller_inboxes(order.seller)
    about = f"order {order.order_id}"
    with translation.override(customer.language):
        buyer_items = [describe(item) for item in returned]
        notes = _notes(
            request,
            what,
            refund,
            items=items,
            buyer_items=buyer_items,
            about=about,
            buyer_link=buyer_link,
            seller_link=seller_link,
            seller_to=seller_to,
        )
    thread = _thread_message(request, what, refund, items=items)
    key = f"return:{request.pk}:{what}:{refund.pk if refund else request.status}"
    if emails:
        for note in notes:
            with translation.override(
                customer.language if note.to == [customer.email] else settings.LANGUAGE_CODE
            ):
                context = {
                    "lines": note.lines,
                    "link_label": note.link_label,
                    "link": note.link,
                    "actions": note.actions,
                }
                messaging.send_notification(
                    key=key, to=note.to, subject=note.subject, template="notification", context=context
                )
    if system and thread is not None:
        messaging.post_system_message(order=order, subject=f"{thread[0]} ({about})", body=thread[1])


def _notes(
    request, what, refund, *, items, buyer_items, about, buyer_link, seller_link, seller_to
) -> list[_Note]:
    """The e-mails of one change; the buyer's in the buyer's language (active here)."""
    order, customer = request.order, request.customer
    notes: list[_Note] = []
    if what == "requested":
        notes.append(
            _Note(
                [customer.email],
                _("Return requested for order %(order_id)s") % {"order_id": order.order_id},
                [
                    _("We have received your return request and the seller has been notified."),
                    _("The seller will review and respond to your request typically within 48 hours."),
                    *buyer_items,
                ],
                _("Manage your returns"),
                buyer_link,
            )
        )
        notes.append(
            _Note(
                seller_to,
                f"Return requested for {about}",
                [
                    f"{customer.name} asks to return:",
                    *items,
                    "Please authorise or deny the request within 48 hours.",
                ],
                "Manage Returns",
                seller_link,
                quick_links(request),
            )
        )
    elif what == "authorised":
        label = absolute(reverse("returns:label", args=[request.pk]))
        notes.append(
            _Note(
                [customer.email],
                _("Return authorised for order %(order_id)s: RMA %(rma)s")
                % {"order_id": order.order_id, "rma": request.rma},
                [
                    _("Your return has been authorised. Return authorisation number: %(rma)s.")
                    % {"rma": request.rma},
                    _("All the items must be returned by %(day)s.") % {"day": day(request.return_by)},
                    _("Print the return label and include a copy in your return package."),
                ],
                _("Print return label"),
                label,
            )
        )
    elif what == "denied":
        notes.append(
            _Note(
                [customer.email],
                f"Return request denied for {about}",
                [
                    f"The seller did not authorise your return: {request.get_deny_reason_display()}.",
                    "Message from the seller:",
                    request.deny_message,
                ],
                "Your returns",
                buyer_link,
            )
        )
    elif what == "cancelled":
        notes.append(
            _Note(
                seller_to,
                f"Return cancelled by the buyer for {about}",
                [f"{customer.name} cancelled the return request.", *items],
                "Manage Returns",
                seller_link,
            )
        )
    elif what == "refunded":
        where = (
            "as gift credit"
            if refund.destination == Refund.Destination.GIFT_CREDIT
            else "to your original payment method"
        )
        notes.append(
            _Note(
                [customer.email],
                f"Refund issued for {about}",
                [
                    f"The seller refunded {refund.amount} {refund.currency} {where}.",
                    *([f"Reason: {refund.reason}"] if refund.reason else []),
                ],
                "Your returns",
                buyer_link,
            )
        )
    elif what == "reminder":
        notes.append(
            _Note(
                seller_to,
                f"Reminder: a return request for {about} is waiting",
                [
                    f"{customer.name} asked to return items 24 hours ago and is still waiting.",
                    *items,
                    "Requests not handled within 48 hours count as late responses in your Account Health.",
                ],
                "Manage Returns",
                seller_link,
                quick_links(request),
            )
        )
    elif what == "expired":
        notes.append(
            _Note(
                [customer.email],
                f"Return closed for {about}",
                [
                    f"The items were not returned by {request.return_by:%d %b %Y}, so the return authorisation {request.rma} has expired.",
                    "You can request a new return from Your orders if the item is still returnable.",
                ],
                "Your returns",
                buyer_link,
            )
        )
    elif what == "expired_without_action":
        notes.append(
            _Note(
                seller_to,
                f"Return request for {about} closed without action",
                [
                    f"The request by {customer.name} waited 50 days without authorisation or denial and has been closed.",
                    *items,
                ],
                "Manage Returns",
                seller_link,
            )
        )
    else:  # pragma: no cover - a programming error
        raise ValueError(what)
    return notes


def _thread_message(
    request: ReturnRequest, what: str, refund: Refund | None, *, items: list[str]
) -> tuple[str, str] | None:
    """The system message the order's thread records for a change (in English, for the seller)."""
    where = (
        "as gift credit"
        if refund and refund.destination == Refund.Destination.GIFT_CREDIT
        else "to the original payment method"
    )
    messages = {
        "requested": ("Return requested", "\n".join(items)),
        "authorised": (
            "Return authorised",
            f"RMA {request.rma}; return by {request.return_by:%d %b %Y}." if request.return_by else "",
        ),
        "denied": ("Return denied", f"{request.get_deny_reason_display()}\n\n{request.deny_message}"),
        "cancelled": ("Return cancelled by the buyer", "\n".join(items)),
        "refunded": ("Refund issued", f"{refund.amount} {refund.currency} {where}" if refund else ""),
        "expired": (
            "Return expired",
            f"Not returned by {request.return_by:%d %b %Y}." if request.return_by else "",
        ),
        "expired_without_action": ("Return request expired without action", "\n".join(items)),
    }
    return messages.get(what)


def quick_links(request: ReturnRequest) -> list[tuple[str, str]]:
    """Authorise / Close / Reply links for the seller's e-mail, when the seller wants them."""
    wanted = ReturnSettings.objects.filter(seller_id=request.seller_id, email_quick_links=True).exists()
    if not wanted:
        return []
    from .tokens import action_url

    return [
        (label, absolute(action_url(request, action)))
        for action, label in [("authorise", "Authorise"), ("close", "Close"), ("reply", "Reply")]
    ]


# --- A-to-z Guarantee claims --------------------------------------------------------------
@transaction.atomic
def file_claim(*, order: Order, customer: Customer, reason: str, body: str) -> Claim:
    body = (body or "").strip()
    errors = {}
    if reason not in Claim.Reason.values:
        errors["reason"] = "Choose a reason from the list."
    if not body:
        errors["body"] = "Tell us what happened."
    elif len(body) > 2000:
        errors["body"] = "At most 2,000 characters."
    if errors:
        raise ValidationError(errors)
    if order.customer_id != customer.pk:
        raise ValidationError({"order": "Only the buyer of the order can file a claim."})
    if Claim.objects.filter(order=order, status=Claim.Status.OPEN).exists():
        raise ValidationError({"order": "There is already an open claim on this order."})
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                order=order,
                seller=order.seller,
                customer=customer,
                reason=reason,
                body=body,
                filed_at=timezone.now(),
            )
    except IntegrityError:
        raise ValidationError({"order": "There is already an open claim on this order."}) from None
    _announce_claim(claim, "filed")
    return claim


@transaction.atomic
def respond_to_claim(*, claim: Claim, response: str) -> Claim:
    response = (response or "").strip()
    if not response or len(response) > 2000:
        raise ValidationError({"response": "Write a response of at most 2,000 characters."})
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if locked.status != Claim.Status.OPEN:
        raise TransitionRefused("This claim has been decided.")
    locked.seller_response, locked.seller_responded_at = response, timezone.now()
    locked.save(update_fields=["seller_response", "seller_responded_at"])
    return locked


@transaction.atomic
def decide_claim(*, claim: Claim, staff: AbstractBaseUser, granted: bool, note: str = "") -> Claim:
    """Staff decide a claim (Django admin); the buyer and the seller are told."""
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if locked.status != Claim.Status.OPEN:
        raise TransitionRefused("This claim has been decided already.")
    locked.status = Claim.Status.GRANTED if granted else Claim.Status.DENIED
    locked.decided_at, locked.decided_by, locked.decision_note = timezone.now(), staff, note.strip()
    locked.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    _announce_claim(locked, "decided")
    return locked


def _announce_claim(claim: Claim, what: str) -> None:
    order = claim.order
    subject = f"A-to-z Guarantee claim on order {order.order_id}"
    if what == "filed":
        lines = [f"A claim was filed: {claim.get_reason_display()}.", claim.body]
        system = ("A-to-z claim filed", claim.body)
    else:
        lines = [
            f"The claim has been {claim.get_status_display().lower()}.",
            *([claim.decision_note] if claim.decision_note else []),
        ]
        system = (
            f"A-to-z claim {claim.get_status_display().lower()}",
            claim.decision_note or claim.get_status_display(),
        )
        subject = f"{subject}: {claim.get_status_display()}"
    context = {
        "lines": lines,
        "link_label": "View the claim",
        "link": absolute(reverse("returns:claim", args=[order.order_id])),
    }
    messaging.send_notification(
        key=f"claim:{claim.pk}:{what}",
        to=[claim.customer.email],
        subject=subject,
        template="notification",
        context=context,
    )
    seller_context = {**context, "link": absolute(reverse("returns:claims"))}
    messaging.send_notification(
        key=f"claim:{claim.pk}:{what}",
        to=messaging.seller_inboxes(claim.seller),
        subject=subject,
        template="notification",
        context=seller_context,
    )
    messaging.post_system_message(
        order=order, subject=f"{system[0]} (order {order.order_id})", body=system[1]
    )
