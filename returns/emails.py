"""The e-mail copy of each change of a return or a claim: who is written to, and what it says.

The buyer's e-mails are translated (``gettext``) and ``notifications.announce`` writes
them in the buyer's language; the seller's are in English. The texts are the product's
(tests and translations match them word for word).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from commerce.formats import day, money

from .models import Claim, ClaimStatus, Refund, ReturnRequest, ReturnSettings
from .tokens import action_url


@dataclass(frozen=True)
class Note:
    to: list[str]
    subject: str
    lines: list[str]
    link_label: str
    link: str
    actions: list[tuple[str, str]] = ()


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def quick_links(return_request: ReturnRequest) -> list[tuple[str, str]]:
    """Authorise / Close / Reply links for the seller's e-mail, when the seller wants them."""
    wanted = ReturnSettings.objects.filter(
        seller_id=return_request.seller_id, email_quick_links=True
    ).exists()
    if not wanted:
        return []
    return [
        (label, absolute(action_url(return_request, action)))
        for action, label in [("authorise", "Authorise"), ("close", "Close"), ("reply", "Reply")]
    ]


def notes_for(
    return_request: ReturnRequest,
    what: str,
    refund: Refund | None,
    *,
    items: list[str],
    buyer_items: list[str],
    about: str,
    buyer_link: str,
    seller_link: str,
    seller_to: list[str],
) -> list[Note]:
    """The e-mails of one change; the buyer's in the buyer's language (active here)."""
    order, customer = return_request.order, return_request.customer
    notes: list[Note] = []
    if what == "requested":
        notes.append(
            Note(
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
            Note(
                seller_to,
                f"Return requested for {about}",
                [
                    f"{customer.name} asks to return:",
                    *items,
                    "Please authorise or deny the request within 48 hours.",
                ],
                "Manage Returns",
                seller_link,
                quick_links(return_request),
            )
        )
    elif what == "authorised":
        label = absolute(reverse("returns:label", args=[return_request.pk]))
        notes.append(
            Note(
                [customer.email],
                _("Return authorised for order %(order_id)s: RMA %(rma)s")
                % {"order_id": order.order_id, "rma": return_request.rma},
                [
                    _("Your return has been authorised. Return authorisation number: %(rma)s.")
                    % {"rma": return_request.rma},
                    _("All the items must be returned by %(day)s.") % {"day": day(return_request.return_by)},
                    _("Print the return label and include a copy in your return package."),
                ],
                _("Print return label"),
                label,
            )
        )
    elif what == "denied":
        notes.append(
            Note(
                [customer.email],
                f"Return request denied for {about}",
                [
                    f"The seller did not authorise your return: {return_request.get_deny_reason_display()}.",
                    "Message from the seller:",
                    return_request.deny_message,
                ],
                "Your returns",
                buyer_link,
            )
        )
    elif what == "cancelled":
        notes.append(
            Note(
                seller_to,
                f"Return cancelled by the buyer for {about}",
                [f"{customer.name} cancelled the return return_request.", *items],
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
            Note(
                [customer.email],
                f"Refund issued for {about}",
                [
                    f"The seller refunded {money(refund.amount, refund.currency)} {where}.",
                    *([f"Reason: {refund.reason}"] if refund.reason else []),
                ],
                "Your returns",
                buyer_link,
            )
        )
    elif what == "reminder":
        notes.append(
            Note(
                seller_to,
                f"Reminder: a return request for {about} is waiting",
                [
                    f"{customer.name} asked to return items 24 hours ago and is still waiting.",
                    *items,
                    "Requests not handled within 48 hours count as late responses in your Account Health.",
                ],
                "Manage Returns",
                seller_link,
                quick_links(return_request),
            )
        )
    elif what == "expired":
        notes.append(
            Note(
                [customer.email],
                f"Return closed for {about}",
                [
                    f"The items were not returned by {return_request.return_by:%d %b %Y}, so the return authorisation {return_request.rma} has expired.",
                    "You can request a new return from Your orders if the item is still returnable.",
                ],
                "Your returns",
                buyer_link,
            )
        )
    elif what == "expired_without_action":
        notes.append(
            Note(
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


def claim_lines(claim: Claim, what: str, *, buyer: bool) -> list[str]:
    """What a claim's e-mail says to the buyer (``buyer``, in their language) or the seller.

    A decision says what happened and, for a grant, how much went back and where (in the
    reader's money format), then the note staff wrote with it.
    """
    order_id = claim.order.order_id
    if what == "filed":
        return [_("A claim was filed: %(reason)s.") % {"reason": claim.get_reason_display()}, claim.body]
    note = [claim.decision_note] if claim.decision_note else []
    if what == ClaimStatus.DENIED:
        if buyer:
            said = _("We reviewed your A-to-z Guarantee claim on order %(order)s and denied it.")
            return [said % {"order": order_id}, *note]
        return [f"We denied the buyer's A-to-z Guarantee claim on order {order_id}.", *note]
    amount = money(claim.refund_amount, claim.order.currency)
    if buyer:
        said = (
            _(
                "We granted your A-to-z Guarantee claim on order %(order)s. "
                "We refunded %(amount)s to your original payment method."
            )
            if claim.refund_amount > 0
            else _(
                "We granted your A-to-z Guarantee claim on order %(order)s. "
                "It had been refunded in full already, so nothing more was refunded."
            )
        )
        return [said % {"order": order_id, "amount": amount}, *note]
    if claim.refund_amount > 0:
        said = (
            f"We granted the buyer's A-to-z Guarantee claim on order {order_id} "
            f"and refunded them {amount} to their original payment method."
        )
    else:
        said = (
            f"We granted the buyer's A-to-z Guarantee claim on order {order_id}; "
            "it had been refunded in full already, so nothing more was refunded."
        )
    return [said, *note]
