"""The Reports pages' downloads: each a list of Seller Central over a date range, as CSV or
XLSX (both written by ``commerce.exports`` from the same rows).

Each report reads its rows from the selector of the app that owns the list (the list's own
queryset reduced to the report's columns) and turns codes into the words the pages show;
``commerce.exports`` writes the cells. Headers are the pages' column names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from commerce.models import Marketplace, SellerAccount
from commerce.policy import REPORT_CHUNK_ROWS
from messaging import selectors as messaging_selectors
from messaging.models import Message
from returns import reports as returns_reports
from returns.models import Claim, ReturnReason, status_label

from . import business, selectors
from .models import feedback_kind

Row = tuple[object, ...]


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    description: str
    headers: tuple[str, ...]
    rows: Callable[[SellerAccount, datetime, datetime], Iterator[Row]]


def _chunked(rows: QuerySet) -> Iterator[tuple]:
    """Read through a server-side cursor, a chunk at a time: memory does not grow with the
    report, and the number of queries does not either."""
    return rows.iterator(chunk_size=REPORT_CHUNK_ROWS)


def _return_rows(seller: SellerAccount, since: datetime, until: datetime) -> Iterator[Row]:
    reasons = {code: str(label) for code, label in ReturnReason.choices}
    rows = returns_reports.returns_report(seller, since=since, until=until)
    for row in _chunked(rows):
        requested_at, order_id, rma, buyer, market, status, close_reason, asins, codes, *money = row
        reason_words = "; ".join(reasons.get(code, code) for code in (codes or "").split())
        return_by, refunded, currency = money
        yield (requested_at, order_id, rma, buyer, market.upper(), status_label(status, close_reason),
               asins or "", reason_words, return_by, refunded, currency)  # fmt: skip


def _message_rows(seller: SellerAccount, since: datetime, until: datetime) -> Iterator[Row]:
    # The buyer's masked address (``Alias.address``): its token at its marketplace's relay
    # domain. The five domains are read once, not joined into every row.
    domains = {market.code: market.relay_domain for market in Marketplace.objects.all()}
    directions = {code: str(label) for code, label in Message.Direction.choices}
    rows = messaging_selectors.messages_report(seller, since=since, until=until)
    for (
        sent_at,
        direction,
        sender,
        token,
        market,
        subject,
        order_id,
        needs_response,
        responded_at,
    ) in _chunked(rows):
        buyer = f"{token}@{domains[market]}" if token else ""
        yield (sent_at, directions[direction], sender, buyer, subject, order_id or "",
               needs_response, responded_at)  # fmt: skip


def _claim_rows(seller: SellerAccount, since: datetime, until: datetime) -> Iterator[Row]:
    reasons, statuses = dict(Claim.Reason.choices), dict(Claim.Status.choices)
    rows = returns_reports.claims_report(seller, since=since, until=until)
    for filed_at, order_id, buyer, reason, status, responded_at, decided_at, total, currency in _chunked(
        rows
    ):
        yield (filed_at, order_id, buyer, reasons[reason], statuses[status], responded_at, decided_at,
               total, currency)  # fmt: skip


def _feedback_rows(seller: SellerAccount, since: datetime, until: datetime) -> Iterator[Row]:
    rows = selectors.feedback_report(seller, since=since, until=until)
    for left_at, rating, comment, order_id, buyer in _chunked(rows):
        yield (left_at, rating, feedback_kind(rating).capitalize(), comment, order_id, buyer)


REPORTS: dict[str, Report] = {
    report.key: report
    for report in [
        Report(
            "returns", _("Returns report"), _("Every return request made in the period, whatever its status."),
            ("Request Date", "Order ID", "RMA", "Buyer", "Marketplace", "Status", "ASINs", "Return reasons",
             "Return by", "Refunded", "Currency"),
            _return_rows,
        ),
        Report(
            "messages", _("Messages report"),
            _("Every message received, sent or written by the system in the period. Buyers show by "
              "their masked address only."),
            ("Date", "Folder", "Sender", "Buyer address", "Subject", "Order ID", "Needs a response",
             "Responded"),
            _message_rows,
        ),
        Report(
            "claims", _("A-to-z Guarantee claims report"), _("Every claim filed in the period."),
            ("Filed", "Order ID", "Buyer", "Reason", "Status", "Responded", "Decided", "Order total",
             "Currency"),
            _claim_rows,
        ),
        Report(
            "feedback", _("Feedback report"), _("Every rating buyers left in the period, negative first."),
            ("Date", "Rating", "Kind", "Comment", "Order ID", "Buyer"),
            _feedback_rows,
        ),
    ]
}  # fmt: skip


# --- Business Reports ------------------------------------------------------------------------
# The page's table and the downloaded files have these columns, in this order.
BUSINESS_REPORT_HEADERS = (
    _("Date"), _("Marketplace"), _("Orders"), _("Units ordered"), _("Returns requested"),
    _("Units returned"), _("Return rate (%)"), _("Refunds"), _("Refunded"), _("Currency"),
    _("Refund rate (%)"),
)  # fmt: skip


def _rate(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def business_report_rows(figures: list[business.BusinessDay]) -> Iterator[Row]:
    for row in figures:
        yield (row.day, row.marketplace.name, row.orders, row.units_ordered, row.returns_requested,
               row.units_returned, _rate(row.return_rate), row.refunds, row.refunded, row.currency,
               _rate(row.refund_rate))  # fmt: skip
