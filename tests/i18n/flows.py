"""Every kind of e-mail the product sends, driven through its services: the kinds read from
the code (``kinds_in_code``), the flows that send them (``send_every_kind``) and the kind of
each outbox row (``kind_of``), so the e-mail crawl can tell a kind it never produced."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import time_machine
from django.conf import settings
from django.utils import timezone

from commerce.models import Customer, Order, SellerAccount
from messaging import deadlines
from messaging import services as messaging
from messaging.models import Message, OutboundEmail
from returns import automation, emails, notifications
from returns import services as returns
from returns.models import DenyReason, ReturnRequest

from .. import factories

PRODUCT_APPS = ["commerce", "messaging", "returns", "metrics", "sellercentral"]
# An outbox key's cause: ``key=f"return:…"`` (send_notification) or ``dedupe_key=f"relay:…"``.
KEY_PREFIX = re.compile(r'key\s*=\s*f?"([a-z][a-z-]*):')


def _sources() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return [
        path
        for app in PRODUCT_APPS
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts and not path.name.startswith(("bench", "demo"))
    ]


def kinds_in_code() -> set[tuple[str, str]]:
    """(cause, what) of every e-mail the code can send: the outbox keys' causes; for returns the
    ``what`` values of the e-mail copy and of the thread subjects, for claims the claim
    subjects' (filed and each decision), for relayed copies each direction that is relayed."""
    prefixes = {match for path in _sources() for match in KEY_PREFIX.findall(path.read_text())}
    whats = {
        "return": set(re.findall(r'what == "(\w+)"', inspect.getsource(emails.notes_for)))
        | set(notifications.THREAD_SUBJECTS),
        "claim": {str(what) for what in notifications.CLAIM_SUBJECTS},
        "relay": {d for d in Message.Direction.values if d != Message.Direction.SYSTEM},
    }
    return {(prefix, what) for prefix in prefixes for what in whats.get(prefix, {""})}


def kind_of(outbound: OutboundEmail) -> tuple[str, str]:
    """``return:<pk>:<what>:…``, ``claim:<pk>:<what>:…``, ``relay:<message>:…``, ``<cause>:…``."""
    cause, *rest = outbound.dedupe_key.split(":")
    if cause == "relay":
        return cause, outbound.message.direction
    if cause in {"return", "claim"}:
        return cause, rest[1]
    return cause, ""


def templates_in_code() -> set[str]:
    return {path.stem for path in (Path(settings.BASE_DIR) / "templates" / "emails").iterdir()}


def send_every_kind(world: dict, committed: Callable) -> None:
    """After ``build_world``: each return decision, refund, claim decision, reply and timer
    of the seller and buyer of the world, on new orders, each step committed (``committed``:
    a context manager that runs the on-commit callbacks, so the outbox sends)."""
    seller_user = world["seller_user"]
    buyer = Customer.objects.get(user=world["buyer_user"])
    seller = SellerAccount.objects.get(memberships__user=seller_user)
    staff = factories.UserFactory(is_staff=True)

    def order() -> Order:
        return factories.order_with_items(seller=seller, customer=buyer, marketplace=buyer.marketplace)

    def request(on: Order, *, by: Customer = buyer) -> ReturnRequest:
        item = on.items.get()
        gift = {"is_gift": True, "gift_receipt_number": on.gift_receipt_number} if on.is_gift else {}
        with committed():
            made, _ = returns.request_return(
                order=on, customer=by, items=[returns.RequestedItem(item.pk, 1, "defective")], **gift
            )
        return made

    with committed():  # the seller's e-mails offer Authorise / Close / Reply
        returns.update_return_settings(seller=seller, email_quick_links=True, return_window_days=30, rules={})
    denied = request(order())
    with committed():
        returns.deny_return(
            return_request=denied, actor=seller_user, reason=DenyReason.values[0], message="no thanks"
        )
    with committed():
        returns.cancel_return(return_request=request(order()), actor=buyer.user)
    # Refunded to the original payment, and a gift's recipient's as gift credit.
    recipient = factories.CustomerFactory(marketplace=buyer.marketplace)
    gift = factories.order_with_items(seller=seller, customer=buyer, marketplace=buyer.marketplace, gift=True)
    for refunded in [request(order()), request(gift, by=recipient)]:
        with committed():
            returns.authorise_return(return_request=refunded, actor=seller_user)
            returns.issue_refund(
                return_request=refunded, actor=seller_user, idempotency_key="1", amount="1.00", reason="sorry"
            )
    for granted in (True, False):
        on = order()
        with committed():
            claim = returns.file_claim(order=on, customer=buyer, reason="not_received", body="nothing came")
        with committed():
            returns.decide_claim(claim=claim, staff=staff, granted=granted, note="checked the tracking")
    on = order()
    with committed():
        thread = messaging.contact_seller(order=on, subject="enquiry", body="which size").thread
    with committed():
        messaging.reply_to_thread(thread=thread, body="the large one", author=seller_user)
    waiting = Message.objects.filter(response_deadline__isnull=False, overdue_at__isnull=True)
    with committed():
        deadlines.warn_before_deadlines(
            now=waiting.earliest("response_deadline").response_deadline - timedelta(minutes=30)
        )

    # The timers: a reminder after a day, then the unreturned and the forgotten ones closed.
    request(order())  # left waiting: reminded, then closed without action
    unreturned = request(order())
    with committed():
        returns.authorise_return(return_request=unreturned, actor=seller_user)
    for later, sweep in [
        (timedelta(hours=25), automation.send_reminders),
        (timedelta(days=60), automation.expire_unreturned),
        (timedelta(days=60), automation.expire_stale_requests),
    ]:
        with time_machine.travel(timezone.now() + later, tick=False), committed():
            sweep()
