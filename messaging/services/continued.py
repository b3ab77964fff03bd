"""Which conversation an inbound mail continues: the thread of the message it answers
(In-Reply-To/References), else that of the order its subject names, else the pair's latest.

Nearly every mail continues one, so these reads are the relay's hot path: each is compiled to
SQL once (``sellercentral.compiled_queries``) and finds, in one query, the thread (locked),
the other party's alias and whether the mail is stored already.
"""

from __future__ import annotations

import functools

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from commerce.models import Order
from sellercentral.compiled_queries import CompiledQuery

from .. import locks, mime, policy
from ..models import Alias, Message, Thread


def same_mail(seller_id: int, message_id: str):
    """The seller's messages with this Message-ID: one at most (a constraint)."""
    return Message.objects.filter(seller=seller_id, message_id=message_id)


def _pair_threads(kind: str, *, seller_id: int, message_id: str, **pair: int | str) -> QuerySet[Thread]:
    """The threads of the pair a mail to an alias of ``kind`` belongs to, each with ``stored``
    (the seller has a message ``message_id``) and the other party's alias joined: to a buyer's
    alias (``alias_id``), its threads; to a seller's, those of the sender's buyer alias with the
    seller in that marketplace (``email``, ``marketplace_id``)."""
    if kind == Alias.Kind.BUYER:
        threads = Thread.objects.filter(buyer_alias=pair["alias_id"]).select_related("seller_alias", "order")
    else:
        threads = Thread.objects.filter(
            buyer_alias__kind=Alias.Kind.BUYER,
            buyer_alias__customer__email=pair["email"],
            buyer_alias__seller=seller_id,
            buyer_alias__marketplace=pair["marketplace_id"],
        ).select_related("buyer_alias__customer", "order")
    return threads.annotate(stored=Exists(same_mail(seller_id, message_id)))


def _replied_thread(kind: str, *, references: list[str], **pair: int | str) -> QuerySet[Thread]:
    """The pair's thread of the latest message whose Message-ID (as sent, or as we relayed it)
    is one of ``references``, locked."""
    replied = (
        Message.objects.filter(thread__buyer_alias=OuterRef("buyer_alias"))
        .filter(Q(relay_message_id__in=references) | Q(message_id__in=references))
        .order_by("-sent_at")
        .values("thread_id")[:1]
    )
    return locks.first_thread_locked(_pair_threads(kind, **pair).filter(pk=Subquery(replied)))


def _order_thread(kind: str, *, order_id: str, **pair: int | str) -> QuerySet[Thread]:
    """The pair's latest thread about its order ``order_id``, locked. The order must be the
    pair's: its buyer's (compared without a join), with the seller, in the marketplace."""
    if kind == Alias.Kind.BUYER:
        buyer = {"order__customer": pair.pop("customer_id"), "order__marketplace": pair.pop("marketplace_id")}
    else:  # the buyer alias's customer: e-mails are unique
        buyer = {"order__customer": F("buyer_alias__customer"), "order__marketplace": pair["marketplace_id"]}
    ordered = _pair_threads(kind, **pair).filter(
        order__order_id=order_id, order__seller=pair["seller_id"], **buyer
    )
    return locks.first_thread_locked(ordered.order_by("-last_message_at"))


def _latest_thread(kind: str, **pair: int | str) -> QuerySet[Thread]:
    return locks.first_thread_locked(_pair_threads(kind, **pair).order_by("-last_message_at"))


# Nearly every mail continues a conversation, found by one of these; compiled once, as the
# relay's throughput depends on them.
_PAIR_VALUES = {
    Alias.Kind.BUYER: {"alias_id": int, "seller_id": int, "message_id": str},
    Alias.Kind.SELLER: {"email": str, "seller_id": int, "marketplace_id": int, "message_id": str},
}
_REPLIED_THREAD = {
    kind: CompiledQuery(
        functools.partial(_replied_thread, kind), references=(str, policy.REFERENCES_MATCHED), **values
    )
    for kind, values in _PAIR_VALUES.items()
}
_ORDER_THREAD = {
    Alias.Kind.BUYER: CompiledQuery(
        functools.partial(_order_thread, Alias.Kind.BUYER),
        order_id=str,
        customer_id=int,
        marketplace_id=int,
        **_PAIR_VALUES[Alias.Kind.BUYER],
    ),
    Alias.Kind.SELLER: CompiledQuery(
        functools.partial(_order_thread, Alias.Kind.SELLER), order_id=str, **_PAIR_VALUES[Alias.Kind.SELLER]
    ),
}
_LATEST_THREAD = {
    kind: CompiledQuery(functools.partial(_latest_thread, kind), **values)
    for kind, values in _PAIR_VALUES.items()
}


def _matched_references(parsed: mime.ParsedMail) -> list[str]:
    """In-Reply-To and the newest references, ``policy.REFERENCES_MATCHED`` of them (the first
    repeated to fill the list: one compiled query for every mail), or [] when there are none."""
    found = list(dict.fromkeys(r for r in [parsed.in_reply_to, *reversed(parsed.references)] if r))
    found = found[: policy.REFERENCES_MATCHED]
    return found + found[:1] * (policy.REFERENCES_MATCHED - len(found)) if found else []


def continued_thread(
    alias: Alias, parsed: mime.ParsedMail, message_id: str
) -> tuple[Thread | None, Order | None]:
    """The conversation the mail continues, in one query as a rule: the thread of the message it
    answers (In-Reply-To/References), else that of the order its subject names, else the pair's
    latest. The thread comes locked, with the other party's alias (and, to the seller, the
    buyer's customer row) and ``stored``: whether the seller has a message ``message_id``.

    (None, order) when the subject names an order of the pair that has no thread yet (the order
    is locked then); (None, None) when the pair has no conversation, or there is no pair (a
    first mail, a stranger). The pair is the one ``inbound._buyer_pair`` reads, by its conditions (a
    buyer has one alias per seller and marketplace, e-mails are unique).
    """
    if alias.kind == Alias.Kind.BUYER:
        pair = {"alias_id": alias.pk}
        customer = {"customer": alias.customer}
        of_order = {"customer_id": alias.customer_id, "marketplace_id": alias.marketplace_id}
    else:
        pair = {"email": parsed.from_address, "marketplace_id": alias.marketplace_id}
        customer, of_order = {"customer__email": parsed.from_address}, {}
    pair.update(seller_id=alias.seller_id, message_id=message_id)
    references = _matched_references(parsed)
    if references:
        found = _REPLIED_THREAD[alias.kind](references=references, **pair)
        if found:
            return found[0], None
    for order_id in policy.ORDER_ID_IN_TEXT.findall(parsed.subject):
        order_of = {
            "order_id": order_id,
            "seller": alias.seller,
            "marketplace": alias.marketplace,
            **customer,
        }
        found = _ORDER_THREAD[alias.kind](order_id=order_id, **of_order, **pair)
        if found:
            return found[0], None
        # Its first thread is made under the order's lock (``thread_for_order`` looks again).
        orders = Order.objects.filter(**order_of).select_related("seller", "customer", "marketplace")
        order = locks.lock_order(orders)
        if order is not None:
            return None, order
    found = _LATEST_THREAD[alias.kind](**pair)
    return (found[0] if found else None), None
