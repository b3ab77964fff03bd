"""Manage Inventory: the seller's products, with how many units sold and came back.

Units sold are the foundation's own (order items of orders not cancelled). Units returned
belong to the app that takes items back, which commerce does not know
(tests/test_architecture.py): that app registers, from its ``AppConfig.ready``, a scalar
subquery of the units returned per product (``OuterRef("pk")``). Every figure is an
annotation of the one query that lists the page, so sorting by them happens in the
database and a page costs the same number of queries however many products and orders.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import F, FloatField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from .models import Order, OrderItem, Product, SellerAccount
from .sorting import Column, Sorting

# Titles read A to Z first; figures largest first (the products a seller looks at). A product
# never sold has no return rate: last, whichever the direction. Ties read by title.
INVENTORY_SORTING = Sorting(
    columns=(
        Column("title", _("Title"), ("title",)),
        Column("units_sold", _("Units sold"), ("units_sold", "title"), first_descending=True),
        Column(
            "return_rate", _("Return rate"), ("return_rate", "title"), first_descending=True, nullable=True
        ),
    ),
    default="title",
)

_returned_units: dict[str, Callable[[], Combinable]] = {}


def register_returned_units(key: str, units: Callable[[], Combinable]) -> None:
    """Called from an app's ``ready``: ``units()`` is the units of ``OuterRef("pk")`` (a
    product) that app took back, NULL for none. Registering a key again replaces it."""
    _returned_units[key] = units


def _units_sold() -> Subquery:
    sold = (
        OrderItem.objects.filter(product=OuterRef("pk"))
        .exclude(order__status=Order.Status.CANCELLED)
        .order_by()
        .values("product")
        .annotate(units=Sum("quantity"))
        .values("units")
    )
    return Subquery(sold)


def _units_returned() -> Combinable:
    total: Combinable = Value(0, output_field=IntegerField())
    for units in _returned_units.values():
        total = total + Coalesce(units(), 0, output_field=IntegerField())
    return total


def products_for_seller(
    seller: SellerAccount, *, search: str = "", sort: str = INVENTORY_SORTING.default
) -> QuerySet[Product]:
    """The seller's products with ``units_sold``, ``units_returned`` and ``return_rate`` (a
    percentage, None when none sold), sorted by an ``INVENTORY_SORTING`` value.

    ``search`` matches the start of an ASIN or a SKU, or any part of the title."""
    products = Product.objects.filter(seller=seller)
    search = search.strip()
    if search:
        products = products.filter(
            Q(asin__startswith=search.upper()) | Q(sku__istartswith=search) | Q(title__icontains=search)
        )
    products = products.annotate(
        units_sold=Coalesce(_units_sold(), 0, output_field=IntegerField()), units_returned=_units_returned()
    )
    products = products.annotate(
        return_rate=Cast(F("units_returned"), FloatField()) * 100 / NullIf(F("units_sold"), 0)
    )
    return products.order_by(*INVENTORY_SORTING.order_by(sort))
