"""Who is told what when a return or a claim changes: the e-mails (``emails``) and the
system message the order's messaging thread records.

Both go through messaging's outbox, in the transaction of the change: they are sent once
it commits, and never for a change that rolls back.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from commerce import languages
from messaging import services as messaging
from messaging.notices import Notice, ThreadNotice, amount, label_of, on_day

from .emails import absolute, claim_lines, claim_notices, claim_subject, notes_for
from .models import Claim, ClaimStatus, DenyReason, Refund, ReturnItem, ReturnReason, ReturnRequest


def announce(
    return_request: ReturnRequest,
    what: str,
    refund: Refund | None = None,
    *,
    emails: bool = True,
    system: bool = True,
) -> None:
    """The e-mails and the order thread's system message of one change (sent after commit)."""
    return_request = ReturnRequest.objects.select_related("order__seller", "customer", "marketplace").get(
        pk=return_request.pk
    )
    order, customer = return_request.order, return_request.customer
    returned = list(return_request.items.select_related("order_item__product"))

    buyer_link = absolute(reverse("returns:your_returns"))
    seller_link = absolute(reverse("returns:manage") + f"?q={order.order_id}")
    thread = _thread_notice(return_request, what, refund, returned)
    key = f"return:{return_request.pk}:{what}:{refund.pk if refund else return_request.status}"
    if emails:
        # Each reader's e-mail in their own language (commerce.languages), never the language
        # of whoever made the change: the buyer's, then each language the seller's users read.
        buyer = [customer.email]
        readers = [(languages.buyer_language(customer), buyer)]
        readers += messaging.seller_inboxes_by_language(order.seller)
        for language, to in readers:
            with translation.override(language):
                items = [_item_notice(item).render() for item in returned]
                about = _("order %(order_id)s") % {"order_id": order.order_id}
                notes = notes_for(
                    return_request,
                    what,
                    refund,
                    items=items,
                    buyer_items=items,
                    about=about,
                    buyer_link=buyer_link,
                    seller_link=seller_link,
                    seller_to=[] if to is buyer else to,
                )
                for note in notes:
                    if note.to != to:  # another reader's, written in their own pass
                        continue
                    context = {
                        "lines": note.lines,
                        "link_label": note.link_label,
                        "link": note.link,
                        "actions": note.actions,
                    }
                    messaging.send_notification(
                        key=key, to=note.to, subject=note.subject, template="notification", context=context
                    )
    # The order's thread is its buyer's conversation with the seller, and the buyer reads it
    # ("View your e-mails with seller"). A gift return is the recipient's: its reasons,
    # comments and gift credit stay out of the buyer's thread (the seller has them in
    # Manage Returns and by e-mail).
    if system and thread is not None and not return_request.is_gift:
        messaging.post_system_message(order=order, notice=thread)


THREAD_SUBJECTS = {
    "requested": gettext_noop("Return requested (order %(order_id)s)"),
    "authorised": gettext_noop("Return authorised (order %(order_id)s)"),
    "denied": gettext_noop("Return denied (order %(order_id)s)"),
    "cancelled": gettext_noop("Return cancelled by the buyer (order %(order_id)s)"),
    "refunded": gettext_noop("Refund issued (order %(order_id)s)"),
    "expired": gettext_noop("Return expired (order %(order_id)s)"),
    "expired_without_action": gettext_noop("Return request expired without action (order %(order_id)s)"),
}


def _thread_notice(
    return_request: ReturnRequest, what: str, refund: Refund | None, returned: list[ReturnItem]
) -> ThreadNotice | None:
    """The system message the order's thread records for a change, rendered in each reader's
    language when read."""
    if what not in THREAD_SUBJECTS:
        return None
    items = [_item_notice(item) for item in returned]
    return_by = return_request.return_by
    if what == "authorised":
        said = gettext_noop("RMA %(rma)s; return by %(day)s.")
        paragraphs = (
            [Notice(said, {"rma": return_request.rma, "day": on_day(return_by)})] if return_by else []
        )
    elif what == "denied":
        reason = Notice("%(reason)s", {"reason": label_of(DenyReason(return_request.deny_reason))})
        paragraphs = [reason, Notice.typed(return_request.deny_message)]
    elif what == "refunded" and refund is not None:
        to_credit = refund.destination == Refund.Destination.GIFT_CREDIT
        said = (
            gettext_noop("%(amount)s as gift credit")
            if to_credit
            else gettext_noop("%(amount)s to the original payment method")
        )
        paragraphs = [Notice(said, {"amount": amount(refund.amount, refund.currency)})]
    elif what == "expired":
        paragraphs = (
            [Notice(gettext_noop("Not returned by %(day)s."), {"day": on_day(return_by)})]
            if return_by
            else []
        )
    elif what == "refunded":
        paragraphs = []
    else:
        paragraphs = items
    return ThreadNotice(
        Notice(THREAD_SUBJECTS[what], {"order_id": return_request.order.order_id}), paragraphs
    )


def _item_notice(item: ReturnItem) -> Notice:
    """``1 x Kindle cover: Item defective``: a returned item, in any reader's language."""
    values = {
        "quantity": item.quantity,
        "title": item.order_item.product.title,
        "reason": label_of(ReturnReason(item.reason)),
    }
    return Notice(gettext_noop("%(quantity)s x %(title)s: %(reason)s"), values)


CLAIM_SUBJECTS = {
    "filed": gettext_noop("A-to-z claim filed (order %(order_id)s)"),
    ClaimStatus.GRANTED: gettext_noop("A-to-z claim granted (order %(order_id)s)"),
    ClaimStatus.DENIED: gettext_noop("A-to-z claim denied (order %(order_id)s)"),
}


def announce_claim(claim: Claim, what: str) -> None:
    """A claim filed, granted or denied: the buyer (in their language) and the seller by
    e-mail, and the order's thread (``what`` is "filed" or the claim's new status)."""
    claim = Claim.objects.select_related("order", "customer", "seller").get(pk=claim.pk)
    order, customer = claim.order, claim.customer
    link = absolute(reverse("returns:claim", args=[order.order_id]))
    with translation.override(languages.buyer_language(customer)):
        messaging.send_notification(
            key=f"claim:{claim.pk}:{what}",
            to=[customer.email],
            subject=claim_subject(claim, what),
            template="notification",
            context={
                "lines": claim_lines(claim, what, buyer=True),
                "link_label": _("View the claim"),
                "link": link,
            },
        )
    for language, inboxes in messaging.seller_inboxes_by_language(claim.seller):
        with translation.override(language):
            messaging.send_notification(
                key=f"claim:{claim.pk}:{what}",
                to=inboxes,
                subject=claim_subject(claim, what),
                template="notification",
                context={
                    "lines": claim_lines(claim, what, buyer=False),
                    "link_label": _("View the claim"),
                    "link": absolute(reverse("returns:claims")),
                },
            )
    # The thread's record: the seller's words, rendered in each reader's language.
    told = [Notice.typed(claim.body)] if what == "filed" else claim_notices(claim, what, buyer=False)
    subject = Notice(CLAIM_SUBJECTS[what], {"order_id": order.order_id})
    messaging.post_system_message(order=order, notice=ThreadNotice(subject, told))
