"""The e-mail copy of each change of a return or a claim: who is written to, and what it says.

Every text is translated (``gettext``): ``notifications`` writes each reader's e-mail in
that reader's language (``commerce.languages``), the buyer's and each seller user's. The
texts are the product's (tests and translations match them word for word).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from commerce.formats import day, money
from messaging.notices import Notice, amount, label_of

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
        for action, label in [("authorise", _("Authorise")), ("close", _("Close")), ("reply", _("Reply"))]
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
    """The e-mails of one change, in the language active here (the reader's)."""
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
                _("Return requested for %(about)s") % {"about": about},
                [
                    _("%(name)s asks to return:") % {"name": customer.name},
                    *items,
                    _("Please authorise or deny the request within 48 hours."),
                ],
                _("Manage Returns"),
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
                _("Return request denied for %(about)s") % {"about": about},
                [
                    _("The seller did not authorise your return: %(reason)s.")
                    % {"reason": return_request.get_deny_reason_display()},
                    _("Message from the seller:"),
                    return_request.deny_message,
                ],
                _("Your returns"),
                buyer_link,
            )
        )
    elif what == "cancelled":
        notes.append(
            Note(
                seller_to,
                _("Return cancelled by the buyer for %(about)s") % {"about": about},
                [_("%(name)s cancelled the return request.") % {"name": customer.name}, *items],
                _("Manage Returns"),
                seller_link,
            )
        )
    elif what == "refunded":
        refunded = (
            _("The seller refunded %(amount)s as gift credit.")
            if refund.destination == Refund.Destination.GIFT_CREDIT
            else _("The seller refunded %(amount)s to your original payment method.")
        )
        notes.append(
            Note(
                [customer.email],
                _("Refund issued for %(about)s") % {"about": about},
                [
                    refunded % {"amount": money(refund.amount, refund.currency)},
                    *([_("Reason: %(reason)s") % {"reason": refund.reason}] if refund.reason else []),
                ],
                _("Your returns"),
                buyer_link,
            )
        )
    elif what == "reminder":
        notes.append(
            Note(
                seller_to,
                _("Reminder: a return request for %(about)s is waiting") % {"about": about},
                [
                    _("%(name)s asked to return items 24 hours ago and is still waiting.")
                    % {"name": customer.name},
                    *items,
                    _("Requests not handled within 48 hours count as late responses in your Account Health."),
                ],
                _("Manage Returns"),
                seller_link,
                quick_links(return_request),
            )
        )
    elif what == "expired":
        notes.append(
            Note(
                [customer.email],
                _("Return closed for %(about)s") % {"about": about},
                [
                    _(
                        "The items were not returned by %(day)s, so the return authorisation %(rma)s has expired."
                    )
                    % {"day": day(return_request.return_by), "rma": return_request.rma},
                    _("You can request a new return from Your orders if the item is still returnable."),
                ],
                _("Your returns"),
                buyer_link,
            )
        )
    elif what == "expired_without_action":
        notes.append(
            Note(
                seller_to,
                _("Return request for %(about)s closed without action") % {"about": about},
                [
                    _(
                        "The request by %(name)s waited 50 days without authorisation or denial and has been closed."
                    )
                    % {"name": customer.name},
                    *items,
                ],
                _("Manage Returns"),
                seller_link,
            )
        )
    else:  # pragma: no cover - a programming error
        raise ValueError(what)
    return notes


def claim_lines(claim: Claim, what: str, *, buyer: bool) -> list[str]:
    """What a claim's e-mail says to the buyer (``buyer``, in their language) or the seller."""
    return [line.render() for line in claim_notices(claim, what, buyer=buyer)]


def claim_notices(claim: Claim, what: str, *, buyer: bool) -> list[Notice]:
    """A claim's news as sentences to translate: the e-mail renders them in its reader's
    language, the order's thread keeps the seller's to render in each of its readers'.

    A decision says what happened and, for a grant, how much went back and where (in the
    reader's money format), then the note staff wrote with it.
    """
    order = {"order": claim.order.order_id}
    if what == "filed":
        reason = {"reason": label_of(Claim.Reason(claim.reason))}
        return [Notice(gettext_noop("A claim was filed: %(reason)s."), reason), Notice.typed(claim.body)]
    note = [Notice.typed(claim.decision_note)] if claim.decision_note else []
    if what == ClaimStatus.DENIED:
        if buyer:
            return [
                Notice(
                    gettext_noop("We reviewed your A-to-z Guarantee claim on order %(order)s and denied it."),
                    order,
                ),
                *note,
            ]
        return [
            Notice(gettext_noop("We denied the buyer's A-to-z Guarantee claim on order %(order)s."), order),
            *note,
        ]
    values = {**order, "amount": amount(claim.refund_amount, claim.order.currency)}
    if buyer:
        said = (
            gettext_noop(
                "We granted your A-to-z Guarantee claim on order %(order)s. "
                "We refunded %(amount)s to your original payment method."
            )
            if claim.refund_amount > 0
            else gettext_noop(
                "We granted your A-to-z Guarantee claim on order %(order)s. "
                "It had been refunded in full already, so nothing more was refunded."
            )
        )
    elif claim.refund_amount > 0:
        said = gettext_noop(
            "We granted the buyer's A-to-z Guarantee claim on order %(order)s "
            "and refunded them %(amount)s to their original payment method."
        )
    else:
        said = gettext_noop(
            "We granted the buyer's A-to-z Guarantee claim on order %(order)s; "
            "it had been refunded in full already, so nothing more was refunded."
        )
    return [Notice(said, values), *note]


def claim_subject(claim: Claim, what: str) -> str:
    """A claim e-mail's subject, in the reader's language; a decision names the new status."""
    subject = _("A-to-z Guarantee claim on order %(order)s") % {"order": claim.order.order_id}
    if what == "filed":
        return subject
    return _("%(subject)s: %(status)s") % {"subject": subject, "status": claim.get_status_display()}
