"""Who is told what when a return or a claim changes: the e-mails (``emails``) and the
system message the order's messaging thread records.

Both go through messaging's outbox, in the transaction of the change: they are sent once
it commits, and never for a change that rolls back.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from commerce import languages
from commerce.formats import money
from messaging import services as messaging

from .emails import absolute, claim_lines, claim_subject, notes_for
from .models import Claim, Refund, ReturnItem, ReturnRequest


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

    def describe(item: ReturnItem) -> str:
        return f"{item.quantity} x {item.order_item.product.title}: {item.get_reason_display()}"

    buyer_link = absolute(reverse("returns:your_returns"))
    seller_link = absolute(reverse("returns:manage") + f"?q={order.order_id}")
    about = f"order {order.order_id}"
    with translation.override(settings.LANGUAGE_CODE):  # stored once, whoever acted
        thread = _thread_message(return_request, what, refund, items=[describe(item) for item in returned])
    key = f"return:{return_request.pk}:{what}:{refund.pk if refund else return_request.status}"
    if emails:
        # Each reader's e-mail in their own language (commerce.languages), never the language
        # of whoever made the change: the buyer's, then each language the seller's users read.
        buyer = [customer.email]
        readers = [(languages.buyer_language(customer), buyer)]
        readers += messaging.seller_inboxes_by_language(order.seller)
        for language, to in readers:
            with translation.override(language):
                items = [describe(item) for item in returned]
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
        messaging.post_system_message(order=order, subject=f"{thread[0]} ({about})", body=thread[1])


def _thread_message(
    return_request: ReturnRequest, what: str, refund: Refund | None, *, items: list[str]
) -> tuple[str, str] | None:
    """The system message the order's thread records for a change (in English, for the seller)."""
    where = (
        "as gift credit"
        if refund and refund.destination == Refund.Destination.GIFT_CREDIT
        else "to the original payment method"
    )
    return_by = return_request.return_by
    messages = {
        "requested": ("Return requested", "\n".join(items)),
        "authorised": (
            "Return authorised",
            f"RMA {return_request.rma}; return by {return_by:%d %b %Y}." if return_by else "",
        ),
        "denied": (
            "Return denied",
            f"{return_request.get_deny_reason_display()}\n\n{return_request.deny_message}",
        ),
        "cancelled": ("Return cancelled by the buyer", "\n".join(items)),
        "refunded": ("Refund issued", f"{money(refund.amount, refund.currency)} {where}" if refund else ""),
        "expired": ("Return expired", f"Not returned by {return_by:%d %b %Y}." if return_by else ""),
        "expired_without_action": ("Return request expired without action", "\n".join(items)),
    }
    return messages.get(what)


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
    with translation.override(settings.LANGUAGE_CODE):  # the thread's record, stored once
        seller_lines = claim_lines(claim, what, buyer=False)
        status = claim.get_status_display()
    if what == "filed":
        system = ("A-to-z claim filed", claim.body)
    else:
        system = (f"A-to-z claim {status.lower()}", "\n\n".join(seller_lines))
    messaging.post_system_message(
        order=order, subject=f"{system[0]} (order {order.order_id})", body=system[1]
    )
