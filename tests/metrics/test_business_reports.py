"""Business Reports: orders, returns and refunds per day and marketplace (docs/metrics.md)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commerce.exports import XLSX_CONTENT_TYPE
from commerce.models import Order, OrderItem
from metrics import business
from metrics.policy import BUSINESS_REPORT_MAX_DAYS
from returns.models import Refund, ReturnItem

from .. import factories
from ..xlsx import read_xlsx

pytestmark = pytest.mark.django_db
URL = "/seller/reports/business/"
UTC = ZoneInfo("UTC")
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # British Summer Time: local days start at 23:00 UTC


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=UTC)


# --- Given: a seller on Amazon.co.uk and Amazon.de ---------------------------------------------
def _order(seller, market, placed_at, *quantities):
    order = factories.OrderFactory(
        seller=seller, marketplace=factories.marketplace(market), placed_at=placed_at
    )
    for quantity in quantities:
        factories.OrderItemFactory(order=order, quantity=quantity)
    return order


def _return(order, requested_at, quantity):
    request = factories.ReturnRequestFactory(order=order, requested_at=requested_at, currency=order.currency)
    ReturnItem.objects.create(
        return_request=request, order_item=order.items.first(), quantity=quantity, reason="defective"
    )
    return request


def _refund(amount, created_at, *, return_request=None, claim=None):
    currency = (return_request or claim.order).currency
    return Refund.objects.create(
        return_request=return_request, claim=claim, amount=Decimal(amount), currency=currency,
        destination="original_payment", idempotency_key=f"key-{created_at:%d%H}", created_at=created_at,
    )  # fmt: skip


@pytest.fixture
def world(seller):
    seller.marketplaces.set([factories.marketplace("uk"), factories.marketplace("de")])
    a = _order(seller, "uk", at(10, 9), 2, 1)  # 10 June: 3 units
    b = _order(seller, "uk", at(10, 23, 30), 1)  # 00:30 on 11 June in London
    c = _order(seller, "uk", at(11, 10), 4)
    d = _order(seller, "de", at(10, 12), 2)
    returned_a = _return(a, at(11, 8), 2)
    returned_c = _return(c, at(11, 15), 1)
    returned_d = _return(d, at(12, 9), 1)
    _refund("5.00", at(12, 9), return_request=returned_a)
    _refund("3.50", at(12, 10), return_request=returned_c)
    _refund("6.49", at(12, 11), claim=factories.ClaimFactory(order=b, filed_at=at(11, 9)))
    _refund("4.00", at(13, 9), return_request=returned_d)
    # Another seller's order, return and refund on the same days count for them only.
    other = factories.SellerAccountFactory()
    _refund("9.99", at(12, 9), return_request=_return(_order(other, "uk", at(10, 9), 7), at(11, 9), 7))
    return seller


def _figures(seller, first=date(2026, 6, 10), last=date(2026, 6, 13), **kwargs):
    since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    until = timezone.make_aware(datetime.combine(last + timedelta(days=1), datetime.min.time()))
    rows = business.business_figures(seller, since=since, until=until, **kwargs)
    return {(row.day, row.marketplace.code): row for row in rows}


def _figure(row):
    return (row.orders, row.units_ordered, row.returns_requested, row.units_returned, row.return_rate,
            row.refunds, row.refunded, row.refund_rate)  # fmt: skip


# --- The figures ----------------------------------------------------------------------------------
def test_each_day_and_marketplace_adds_up_to_the_hand_counted_figures(world):
    figures = _figures(world)
    assert len(figures) == 4 * 2  # every day of the range, for each marketplace sold on
    june = lambda n: date(2026, 6, n)  # noqa: E731
    assert _figure(figures[june(10), "uk"]) == (1, 3, 0, 0, 0.0, 0, Decimal("0.00"), 0.0)
    # Order b was placed at 23:30 UTC: 00:30 on the 11th in London, the seller's day.
    assert _figure(figures[june(11), "uk"]) == (2, 5, 2, 3, 100.0, 0, Decimal("0.00"), 0.0)
    # Three refunds: two of returns, one of a granted A-to-z claim; no orders, so no rate.
    assert _figure(figures[june(12), "uk"]) == (0, 0, 0, 0, None, 3, Decimal("14.99"), None)
    assert _figure(figures[june(13), "uk"]) == (0, 0, 0, 0, None, 0, Decimal("0.00"), None)
    assert _figure(figures[june(10), "de"]) == (1, 2, 0, 0, 0.0, 0, Decimal("0.00"), 0.0)
    assert _figure(figures[june(12), "de"]) == (0, 0, 1, 1, None, 0, Decimal("0.00"), None)
    assert _figure(figures[june(13), "de"])[5:7] == (1, Decimal("4.00"))
    assert figures[june(13), "de"].currency == "EUR"


def test_one_marketplace_only(world):
    figures = _figures(world, marketplace=factories.marketplace("de"))
    assert {code for _, code in figures} == {"de"} and len(figures) == 4
    assert sum(row.refunds for row in figures.values()) == 1


def test_totals_per_marketplace_over_the_range(world):
    totals = {row.marketplace.code: row for row in business.business_totals(list(_figures(world).values()))}
    assert _figure(totals["uk"]) == (3, 8, 2, 3, 66.7, 3, Decimal("14.99"), 100.0)
    assert _figure(totals["de"]) == (1, 2, 1, 1, 100.0, 1, Decimal("4.00"), 100.0)


def test_the_figures_take_four_queries_whatever_the_range(world):
    with CaptureQueriesContext(connection) as short:
        _figures(world, first=date(2026, 6, 10), last=date(2026, 6, 10))
    with CaptureQueriesContext(connection) as long:
        _figures(world, first=date(2025, 6, 15), last=date(2026, 6, 14))
    # Orders with their units, returns with theirs, refunds, the marketplaces.
    assert len(short) == len(long) == 4


# --- The page -------------------------------------------------------------------------------------
def test_the_reports_menu_leads_to_business_reports(seller_client):
    html = seller_client.get("/seller/reports/").content.decode()
    assert f'<a href="{URL}">Business Reports</a>' in html


@time_machine.travel(NOW, tick=False)
def test_the_page_shows_the_last_30_days_a_chart_and_the_figures(world, seller_client):
    response = seller_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<label for="id_since">From</label>' in html
        and '<label for="id_marketplace">Marketplace</label>' in html
    )
    assert 'value="2026-05-16"' in html and 'value="2026-06-15"' in html
    assert 'role="img" aria-labelledby="business-chart-title business-chart-desc"' in html
    assert "11 Jun 2026: 2 orders, 2 return requests" in html
    assert "£14.99" in html and "4,00\u00a0€" not in html and "€4.00" in html
    assert response.context["page"].paginator.count == 31 * 2


@time_machine.travel(NOW, tick=False)
def test_the_table_is_paginated_and_keeps_the_filters(world, seller_client):
    response = seller_client.get(URL, {"since": "2026-01-01", "until": "2026-06-14", "marketplace": "uk"})
    page = response.context["page"]
    assert page.paginator.count == 165 and len(page.object_list) == 50
    assert "marketplace=uk" in response.content.decode() and "page=2" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_page_takes_as_many_queries_for_300_orders_as_for_3(seller, seller_client):
    def queries_for(count):
        orders = Order.objects.bulk_create(
            factories.OrderFactory.build(
                seller=seller, customer=customer, placed_at=NOW - timedelta(days=n % 20)
            )
            for n in range(count)
        )
        OrderItem.objects.bulk_create(
            OrderItem(order=order, product=product, quantity=2, unit_price=Decimal("6.49"))
            for order in orders
        )
        with CaptureQueriesContext(connection) as queries:
            page = seller_client.get(URL)
            download = seller_client.get(URL, {"download": "xlsx"})
        return page.context["totals"][0].orders, len(queries), download

    customer, product = factories.CustomerFactory(), factories.ProductFactory(seller=seller)
    seller_client.get(URL)  # the menu's to-dos are counted once, then read from the cache
    small_orders, small, _ = queries_for(3)
    large_orders, large, download = queries_for(297)
    assert (small_orders, large_orders) == (3, 300)
    assert small == large
    assert download["Content-Type"] == XLSX_CONTENT_TYPE


# --- Downloads ------------------------------------------------------------------------------------
@time_machine.travel(NOW, tick=False)
def test_csv_and_xlsx_hold_the_same_rows(world, seller_client):
    period = {"since": "2026-06-10", "until": "2026-06-13"}
    response = seller_client.get(URL, {**period, "download": "csv"})
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="business-report-2026-06-10-to-2026-06-13.csv"'
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, *body = rows
    assert header == ["Date", "Marketplace", "Orders", "Units ordered", "Returns requested", "Units returned",
                      "Return rate (%)", "Refunds", "Refunded", "Currency", "Refund rate (%)"]  # fmt: skip
    assert len(body) == 8
    assert body[2] == ["2026-06-11", "Amazon.co.uk", "2", "5", "2", "3", "100.0", "0", "0.00", "GBP", "0.0"]
    assert body[4][:10] == ["2026-06-12", "Amazon.co.uk", "0", "0", "0", "0", "", "3", "14.99", "GBP"]

    response = seller_client.get(URL, {**period, "download": "xlsx"})
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    sheet = read_xlsx(b"".join(response.streaming_content))
    assert sheet.rows[0] == header and len(sheet.rows) == 9 and sheet.formulas == 0
    day, market, *numbers = sheet.rows[3]
    assert (day, sheet.cell_types[3][0]) == (datetime(2026, 6, 11), "d")
    assert (market, numbers) == ("Amazon.co.uk", [2, 5, 2, 3, 100, 0, 0, "GBP", 0])
    assert sheet.rows[5][8] == 14.99 and sheet.rows[5][6] is None


# --- Bad input ------------------------------------------------------------------------------------
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "2026-06-10", "until": "2026-06-01"}, "The end date must be on or after the start date."),
        ({"since": "2025-06-14", "until": "2026-06-15"}, "Choose at most 366 days: this range has 367."),
        ({"since": "2020-01-01"}, "Choose at most 366 days"),
        ({"since": "yesterday"}, "Enter a valid date."),
        ({"marketplace": "us"}, "Select a valid choice."),
        ({"marketplace": "fr"}, "Select a valid choice."),  # not one the seller sells on
        ({"download": "pdf"}, "Select a valid choice."),
    ],
)
def test_a_bad_choice_is_a_form_error_with_no_figures_and_no_file(world, seller_client, params, message):
    for extra in ({}, {"download": "csv"}):
        response = seller_client.get(URL, {**extra, **params})
        assert response.status_code == 200 and not response.streaming
        html = response.content.decode()
        assert 'role="alert"' in html and message in html
        assert "page" not in response.context and "<svg" not in html


@time_machine.travel(NOW, tick=False)
def test_a_whole_leap_year_is_allowed(seller_client):
    assert BUSINESS_REPORT_MAX_DAYS == 366
    response = seller_client.get(URL, {"since": "2024-01-01", "until": "2024-12-31"})
    assert 'role="alert"' not in response.content.decode()
    assert response.context["page"].paginator.count == 366


def test_the_page_is_for_sellers_only(client, buyer_client):
    assert client.get(URL).status_code == 302
    assert buyer_client.get(URL).status_code == 404
