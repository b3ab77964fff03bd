"""A queryset compiled once gives what the queryset itself gives, for every value put in."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Value
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from commerce.models import Customer, Order
from sellercentral.compiled_queries import CompiledQuery
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db


def _orders(customer_id: int, status: str):
    """Orders with their parties joined and an annotation, as the relay's reads are shaped."""
    return (
        Order.objects.filter(customer=customer_id, status=status)
        .select_related("customer", "seller", "marketplace")
        .annotate(item_count=Count("items"), named=Value("x"))
        .order_by("order_id")
    )


def _built_counting(build, calls: list):
    def counted(**values):
        calls.append(values)
        return build(**values)

    return counted


def test_gives_the_querysets_objects_with_their_joins_for_each_value():
    first, second = CustomerFactory(), CustomerFactory()
    mine = sorted([OrderFactory(customer=first), OrderFactory(customer=first)], key=lambda o: o.order_id)
    theirs = OrderFactory(customer=second)
    builds: list = []
    compiled = CompiledQuery(_built_counting(_orders, builds), customer_id=int, status=str)

    found = compiled(customer_id=first.pk, status=mine[0].status)
    with CaptureQueriesContext(connection) as queries:
        again = compiled(customer_id=second.pk, status=theirs.status)
        assert [o.customer.name for o in again] == [second.name]  # joined: no query more
        assert (
            again[0].seller.name == theirs.seller.name
            and again[0].marketplace.code == theirs.marketplace.code
        )

    assert [o.pk for o in found] == [o.pk for o in mine]
    assert [(o.item_count, o.named) for o in found] == [
        (o.item_count, o.named) for o in _orders(first.pk, mine[0].status)
    ]
    assert [o.pk for o in again] == [theirs.pk]
    assert len(queries) == 1
    assert len(builds) == 1  # built and compiled once, then only run
    assert compiled(customer_id=first.pk, status="no such status") == []


def test_values_list_unions_come_back_as_tuples():
    customer = CustomerFactory(name="Ada")

    def names(customer_id: int):
        named = (
            Customer.objects.filter(pk=customer_id).annotate(kind=Value("name")).values_list("name", "kind")
        )
        mailed = (
            Customer.objects.filter(pk=customer_id).annotate(kind=Value("mail")).values_list("email", "kind")
        )
        return named.order_by().union(mailed.order_by(), all=True)

    compiled = CompiledQuery(names, customer_id=int)

    assert sorted(compiled(customer_id=customer.pk)) == sorted([("Ada", "name"), (customer.email, "mail")])


def test_list_values_fill_an_in_lookup_of_their_length():
    customers = [CustomerFactory() for _ in range(3)]
    compiled = CompiledQuery(
        lambda emails: Customer.objects.filter(email__in=emails).order_by("pk"), emails=(str, 2)
    )

    found = compiled(emails=[customers[0].email, customers[2].email])

    assert [c.pk for c in found] == [customers[0].pk, customers[2].pk]
    with pytest.raises(ValueError, match="2 values"):
        compiled(emails=[customers[0].email])


def test_a_value_the_lookup_changes_is_refused_when_compiling():
    compiled = CompiledQuery(lambda name: Customer.objects.filter(name__contains=name), name=str)

    with pytest.raises(ValueError, match="cannot be substituted"):
        compiled(name="Ada")


@pytest.mark.django_db(
    transaction=True, serialized_rollback=True
)  # outside a test's transaction, as a server runs
def test_locking_reads_need_a_transaction_every_time():
    if not connection.features.has_select_for_update:
        pytest.skip("no row locks on this database (SQLite), so none to refuse, as Django does")
    customer = CustomerFactory()
    compiled = CompiledQuery(
        lambda customer_id: Customer.objects.filter(pk=customer_id).select_for_update()[:1], customer_id=int
    )
    with transaction.atomic():
        assert [c.pk for c in compiled(customer_id=customer.pk)] == [customer.pk]

    with pytest.raises(TransactionManagementError):
        compiled(customer_id=customer.pk)


def test_subqueries_take_their_values_too():
    with_orders, without = CustomerFactory(), CustomerFactory()
    OrderFactory(customer=with_orders)
    compiled = CompiledQuery(
        lambda customer_id: Customer.objects.filter(pk=customer_id).annotate(
            ordered=Exists(Order.objects.filter(customer=OuterRef("pk")))
        ),
        customer_id=int,
    )

    assert [c.ordered for c in compiled(customer_id=with_orders.pk)] == [True]
    assert [c.ordered for c in compiled(customer_id=without.pk)] == [False]
