"""Reads of the Online Returns Centre."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from commerce.models import Customer, Order, OrderItem, SellerAccount
from commerce.sorting import Column, Sorting

from . import cards
from .models import (
    Claim,
    CloseReason,
    MarketplaceReturnRule,
    Refund,
    RefundLine,
    ReturnAddress,
    ReturnEvent,
    ReturnItem,
    ReturnRequest,
    ReturnRule,
    ReturnSettings,
    ReturnStatus,
)
from .policy import RMA_PATTERN, claim_to_answer

# Returns that take items out of what can still be returned: authorised ones (on their way
# back) and refunded ones. A request still waiting for the seller does not: as the seed
# says, a buyer may ask again for the same item and is only warned that one is open.
HOLDING = Q(return_request__status=ReturnStatus.AUTHORISED) | Q(
    return_request__close_reason=CloseReason.REFUNDED
)
WAITING_FOR_SELLER = [ReturnStatus.AUTHORISATION_REQUIRED, ReturnStatus.NOT_AUTHORISED]

# The seller's filters, as Manage Returns lists them.
STATUS_FILTERS: dict[str, tuple[str, Q]] = {
    "all": (_("View all"), Q()),
    "authorisation_required": (_("Authorisation required"), Q(status=ReturnStatus.AUTHORISATION_REQUIRED)),
    "authorised": (_("Authorised"), Q(status=ReturnStatus.AUTHORISED)),
    "not_authorised": (_("Not authorised"), Q(status=ReturnStatus.NOT_AUTHORISED)),
    "closed": (_("Closed"), Q(status=ReturnStatus.CLOSED)),
    "withdrawn_by_buyer": (
        _("Withdrawn by buyer"),
        Q(status=ReturnStatus.CLOSED, close_reason=CloseReason.WITHDRAWN_BY_BUYER),
    ),
    "denied_by_seller": (
        _("Denied by seller"),
        Q(status=ReturnStatus.CLOSED, close_reason=CloseReason.DENIED_BY_SELLER),
    ),
}


# The lists' sort orders (``?sort=``), each backed by an index of ``ReturnRequest`` / ``Claim``.
RETURN_SORTING = Sorting(
    columns=(
        Column("requested", _("Request date"), ("requested_at",), first_descending=True),
        # The soonest return-by first (the parcels due back); requests not authorised have none.
        Column("return_by", _("Return-by date"), ("return_by",), one_way=True, nullable=True),
    ),
    default="-requested",
)
CLAIM_SORTING = Sorting(
    columns=(
        Column("filed", _("Date filed"), ("filed_at",), first_descending=True),
        Column("status", _("Status"), ("status",)),
    ),
    default="-filed",
)


def held_quantities(order_ids: list[int]) -> dict[int, int]:
    """Per order item: how many are returned or on their way back (one query)."""
    return dict(
        ReturnItem.objects.filter(HOLDING, order_item__order_id__in=order_ids)
        .values_list("order_item")
        .annotate(total=Sum("quantity"))
        .values_list("order_item", "total")
    )


def returnable_quantities(order_ids: list[int], *, items: list[OrderItem] | None = None) -> dict[int, int]:
    """Per order item: quantity bought minus what is returned or on its way back.

    ``items``: the orders' items when the caller has them loaded (they are not read again)."""
    held = held_quantities(order_ids)
    if items is None:
        bought = OrderItem.objects.filter(order_id__in=order_ids).values_list("pk", "quantity")
    else:
        bought = [(item.pk, item.quantity) for item in items]
    return {pk: max(0, quantity - held.get(pk, 0)) for pk, quantity in bought}


def order_items_with_open_requests(order_ids: list[int], *, customer: Customer) -> set[int]:
    """The order items ``customer`` has an open request for (they are warned before asking
    again). Only their own: a gift's buyer and its recipient return from one pool of units
    (``held_quantities``), but neither learns of the other's open requests."""
    return set(
        ReturnItem.objects.filter(
            order_item__order_id__in=order_ids,
            return_request__status__in=WAITING_FOR_SELLER,
            return_request__customer=customer,
        ).values_list("order_item_id", flat=True)
    )


def gift_order(order_id: str) -> Order | None:
    """The order a gift's packing slip names, if it was bought as a gift (its receipt number
    is checked by ``policy.is_gift_receipt_of``)."""
    return (
        Order.objects.filter(order_id=order_id, is_gift=True).select_related("seller", "marketplace").first()
    )


def return_settings_for(seller: SellerAccount) -> ReturnSettings:
    """The seller's Returns Settings, or the defaults (unsaved) until the seller saves them."""
    return ReturnSettings.objects.filter(seller=seller).first() or ReturnSettings(seller=seller)


def return_rules_for(seller: SellerAccount) -> dict[str, str]:
    """Each marketplace the seller sells on (by code) and its automatic rule, manual unless set."""
    rule = MarketplaceReturnRule.objects.filter(seller=seller, marketplace=OuterRef("pk")).values("rule")
    marketplaces = seller.marketplaces.order_by("id").annotate(rule=Subquery(rule[:1]))
    return {code: rule or ReturnRule.MANUAL for code, rule in marketplaces.values_list("code", "rule")}


def return_addresses_of(seller: SellerAccount) -> dict[int | None, ReturnAddress]:
    """The seller's return addresses by marketplace id: ``None`` is the default."""
    return {
        a.marketplace_id: a for a in ReturnAddress.objects.filter(seller=seller).select_related("marketplace")
    }


def return_address_for(seller_id: int, marketplace_id: int | None) -> ReturnAddress | None:
    """The marketplace's exception, else the default return address."""
    addresses = {
        a.marketplace_id: a
        for a in ReturnAddress.objects.filter(seller_id=seller_id).filter(
            Q(marketplace_id=marketplace_id) | Q(marketplace__isnull=True)
        )
    }
    return addresses.get(marketplace_id) or addresses.get(None)


def _with_items(requests: QuerySet[ReturnRequest]) -> QuerySet[ReturnRequest]:
    return requests.select_related("order", "customer", "marketplace").prefetch_related(
        Prefetch("items", ReturnItem.objects.select_related("order_item__product").order_by("id"))
    )


def _with_details(requests: QuerySet[ReturnRequest]) -> QuerySet[ReturnRequest]:
    return _with_items(requests).prefetch_related(
        Prefetch("history", ReturnEvent.objects.select_related("actor").order_by("at", "id"))
    )


def return_with_details(pk: int) -> ReturnRequest:
    return _with_details(ReturnRequest.objects.filter(pk=pk)).get()


def returns_for_seller(
    seller: SellerAccount,
    *,
    status: str = "all",
    since: datetime | None = None,
    until: datetime | None = None,
    search: str = "",
    sort: str = RETURN_SORTING.default,
    as_cards: bool = False,
) -> QuerySet[ReturnRequest]:
    """``as_cards``: with what Manage Returns' cards show and only that (``cards.CARD_FIELDS``)."""
    requests = _date_range(ReturnRequest.objects.filter(seller=seller), since, until)
    requests = requests.filter(STATUS_FILTERS.get(status, STATUS_FILTERS["all"])[1])
    search = search.strip()
    if search:
        requests = requests.filter(_search(search))
    requests = cards.as_cards(requests) if as_cards else _with_details(requests)
    return requests.order_by(*RETURN_SORTING.order_by(sort))


ORDER_ID_SEARCH = re.compile(r"^\d{3}-[\d-]*$")
ASIN_SEARCH = re.compile(r"^[0-9A-Za-z]{10}$")


def _search(term: str) -> Q:
    """An order id (or its start), an RMA, an ASIN, or else part of the buyer's name."""
    if ORDER_ID_SEARCH.match(term):
        return Q(order__order_id__startswith=term)
    if RMA_PATTERN.match(term):
        return Q(rma=term)
    if ASIN_SEARCH.match(term):
        return Q(
            Exists(
                ReturnItem.objects.filter(
                    return_request=OuterRef("pk"), order_item__product__asin=term.upper()
                )
            )
        )
    return Q(customer__name__icontains=term)


def _date_range(requests, since, until):
    if since is not None:
        requests = requests.filter(requested_at__gte=since)
    if until is not None:
        requests = requests.filter(requested_at__lt=until)
    return requests


def status_counts(
    seller: SellerAccount, *, since: datetime | None = None, until: datetime | None = None
) -> dict[str, int]:
    """How many requests each filter shows, in one query."""
    requests = _date_range(ReturnRequest.objects.filter(seller=seller), since, until)
    return requests.aggregate(
        **{key: Count("pk", filter=condition) for key, (_, condition) in STATUS_FILTERS.items()}
    )


def returns_for_customer(
    customer: Customer, *, since: datetime | None = None, with_history: bool = True
) -> QuerySet[ReturnRequest]:
    """``with_history=False``: without the history rows (a list that does not show them
    saves their query)."""
    requests = ReturnRequest.objects.filter(customer=customer)
    if since is not None:
        requests = requests.filter(requested_at__gte=since)
    requests = _with_details(requests) if with_history else _with_items(requests)
    return requests.select_related("order__seller").order_by("-requested_at", "-id")


AWAITING_AUTHORISATION = ReturnStatus.AUTHORISATION_REQUIRED.value


def awaiting_authorisation(seller: SellerAccount) -> QuerySet[ReturnRequest]:
    """Requests waiting for the seller to authorise (or deny) them: Manage Returns' filter."""
    return ReturnRequest.objects.filter(seller=seller).filter(STATUS_FILTERS[AWAITING_AUTHORISATION][1])


def claims_to_answer(seller: SellerAccount) -> QuerySet[Claim]:
    return Claim.objects.filter(claim_to_answer(), seller=seller)


def claims_for_seller(
    seller: SellerAccount,
    *,
    to_answer: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
    order_id: str = "",
    sort: str = CLAIM_SORTING.default,
) -> QuerySet[Claim]:
    """``order_id``: only the claims on that order (the order page links to them)."""
    claims = claims_to_answer(seller) if to_answer else Claim.objects.filter(seller=seller)
    if order_id:
        claims = claims.filter(order__order_id=order_id)
    if since is not None:
        claims = claims.filter(filed_at__gte=since)
    if until is not None:
        claims = claims.filter(filed_at__lt=until)
    return claims.select_related("order", "customer").order_by(*CLAIM_SORTING.order_by(sort))


def claims_for_order(customer: Customer, order_id: str) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(customer=customer, order__order_id=order_id)
        .select_related("order")
        .order_by("-filed_at")
    )


def order_has_claim(order_id: int) -> bool:
    """Whether the order has a claim, open or decided (then the buyer cannot file another)."""
    return Claim.objects.filter(order_id=order_id).exists()


def order_has_return_request(order_id: int) -> bool:
    """Whether the order has a return request its buyer has not withdrawn (the seller may
    then write about the return: ``messaging.policy.contact_reasons``)."""
    requests = ReturnRequest.objects.filter(order_id=order_id)
    return requests.exclude(close_reason=ReturnRequest.CloseReason.WITHDRAWN_BY_BUYER).exists()


def order_items_paid(order_id: int) -> Decimal:
    """What the buyer paid for the order's items: the most its refunds may add up to (the
    same measure a return's per-line cap uses)."""
    total = OrderItem.objects.filter(order_id=order_id).aggregate(total=Sum(F("unit_price") * F("quantity")))[
        "total"
    ]
    return total or Decimal("0.00")


def order_refunded_total(order_id: int) -> Decimal:
    """Every refund made on the order so far: its returns' and its claims'."""
    total = Refund.objects.filter(
        Q(return_request__order_id=order_id) | Q(claim__order_id=order_id)
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


# --- The seller's order page (``commerce.order_page``) and Manage Inventory ------------------
def order_returns(order: Order) -> QuerySet[ReturnRequest]:
    """The order's return requests, newest first, with their items (three queries in all)."""
    requests = ReturnRequest.objects.filter(order=order).select_related("customer")
    items = ReturnItem.objects.select_related("order_item__product").order_by("id")
    return requests.prefetch_related(Prefetch("items", items)).order_by("-requested_at", "-id")


def order_refunds(order: Order) -> QuerySet[Refund]:
    """Every refund of the order, oldest first, with what it was for: a return request (its
    refunded items) or an A-to-z claim (two queries in all)."""
    lines = RefundLine.objects.select_related("return_item__order_item__product").order_by("id")
    return (
        Refund.objects.filter(Q(return_request__order=order) | Q(claim__order=order))
        .select_related("return_request", "claim")
        .prefetch_related(Prefetch("lines", lines))
        .order_by("created_at", "id")
    )


def order_claims(order: Order) -> QuerySet[Claim]:
    return Claim.objects.filter(order=order).order_by("-filed_at", "-id")


def units_returned_of_product() -> Subquery:
    """Per product (``OuterRef("pk")``): the units returned or on their way back (``HOLDING``),
    for Manage Inventory's annotation."""
    returned = (
        ReturnItem.objects.filter(HOLDING, order_item__product=OuterRef("pk"))
        .order_by()
        .values("order_item__product")
        .annotate(units=Sum("quantity"))
        .values("units")
    )
    return Subquery(returned)


def latest_rma(order_id: int) -> str | None:
    """The return authorisation number of an order's newest authorised return (whatever
    became of it since), or None when none of its returns was authorised."""
    return (
        ReturnRequest.objects.filter(order_id=order_id, rma__isnull=False)
        .order_by("-authorised_at", "-id")
        .values_list("rma", flat=True)
        .first()
    )
