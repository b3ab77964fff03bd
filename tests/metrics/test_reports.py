"""The Reports page: returns, messages, claims and feedback as CSV or XLSX files (docs/product.md)."""

from __future__ import annotations

import csv
import io
import tracemalloc
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commerce.exports import XLSX_CONTENT_TYPE, xlsx_file
from commerce.models import Order
from messaging import services as messaging
from messaging.models import Message
from metrics import services as feedback_services
from metrics.models import OrderFeedback
from returns import services as returns
from returns.models import Claim, ReturnRequest

from .. import factories
from ..privacy import real_addresses_known
from ..xlsx import read_xlsx

pytestmark = pytest.mark.django_db
URL = "/seller/reports/"
REPORTS = ["returns", "messages", "claims", "feedback"]


# --- Given: one of each, through the real services ------------------------------------------
def _order(seller, *, buyer_name="Luca de Pasqua", email=None):
    customer = factories.CustomerFactory(name=buyer_name, **({"email": email} if email else {}))
    return factories.order_with_items(seller=seller, customer=customer)


def _return(seller, *, days_ago=0, comment="It came without its adapter", buyer_name="Luca de Pasqua"):
    order = _order(seller, buyer_name=buyer_name)
    factories.return_address(seller)
    item = order.items.get()
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        request, _ = returns.request_return(
            order=order,
            customer=order.customer,
            items=[
                returns.RequestedItem(
                    order_item_id=item.pk, quantity=1, reason="missing_parts", comment=comment
                )
            ],
        )
    return request


def _message(seller, *, days_ago=0, buyer_name="Luca de Pasqua", email=None):
    order = _order(seller, buyer_name=buyer_name, email=email)
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        return messaging.contact_seller(order=order, subject="enquiry", body="Where is it?")


def _claim(seller, *, days_ago=0, buyer_name="Luca de Pasqua", body="It never came."):
    order = _order(seller, buyer_name=buyer_name)
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        return returns.file_claim(order=order, customer=order.customer, reason="not_received", body=body)


def _feedback(seller, *, days_ago=0, buyer_name="Luca de Pasqua", comment="Quick and as described", rating=5):
    order = _order(seller, buyer_name=buyer_name)
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        return feedback_services.leave_feedback(
            order=order, customer=order.customer, rating=rating, comment=comment
        )


MAKE = {"returns": _return, "messages": _message, "claims": _claim, "feedback": _feedback}


def _download(client, report, **dates):
    response = client.get(URL, {"report": report, **dates})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return response, list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def _columns(rows):
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


# --- The page -----------------------------------------------------------------------------
def test_the_menu_leads_to_the_reports_page_with_a_labelled_form(seller_client):
    html = seller_client.get("/seller/performance/feedback/").content.decode()
    assert f'<a href="{URL}">Reports</a>' in html
    page = seller_client.get(URL).content.decode()
    assert '<label for="id_since">From</label>' in page and '<label for="id_until">To</label>' in page
    for report in REPORTS:
        assert f'name="report" value="{report}"' in page
    assert '<input type="radio" name="format" value="xlsx">' in page
    assert "not offered yet" not in page and "not available yet" not in page


def test_the_page_is_for_sellers_only(client, buyer_client):
    assert client.get(URL).status_code == 302
    assert buyer_client.get(URL, {"report": "returns"}).status_code == 404  # as every seller page


# --- Content --------------------------------------------------------------------------------
def test_the_returns_report_lists_each_request_in_the_pages_words(seller, seller_client):
    request = _return(seller)
    today = timezone.localdate()
    response, rows = _download(seller_client, "returns")
    first = today - timedelta(days=30)
    assert response["Content-Disposition"] == f'attachment; filename="returns-{first}-to-{today}.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0] == ["Request Date", "Order ID", "RMA", "Buyer", "Marketplace", "Status", "ASINs",
                       "Return reasons", "Return by", "Refunded", "Currency"]  # fmt: skip
    [row] = _columns(rows)
    assert row["Request Date"] == timezone.localtime(request.requested_at).isoformat()
    assert row["Request Date"][-6] in "+-"  # ISO 8601 with its offset
    assert row["Order ID"] == request.order.order_id
    assert row["Buyer"] == "Luca de Pasqua"
    assert row["Marketplace"] == "UK"
    assert row["Status"] == "Authorisation required"
    assert row["ASINs"] == request.order.items.get().product.asin
    assert row["Return reasons"] == "Missing parts or accessories"
    assert (row["Refunded"], row["Currency"]) == ("0.00", "GBP")


def test_a_closed_return_shows_why_as_manage_returns_does(seller, seller_client):
    request = _return(seller)
    ReturnRequest.objects.filter(pk=request.pk).update(status="closed", close_reason="denied_by_seller")
    [row] = _columns(_download(seller_client, "returns")[1])
    assert row["Status"] == "Closed · Denied by seller"


def test_the_messages_report_shows_masked_addresses_and_never_a_real_one(seller, seller_client):
    factories.seller_user(seller, email="orders@test-uk-seller.example.net")
    received = _message(seller, email="luca.depasqua@example.com")
    messaging.reply_to_thread(thread=received.thread, body="On its way, orders@test-uk-seller.example.net")
    _, rows = _download(seller_client, "messages")
    assert rows[0] == ["Date", "Folder", "Sender", "Buyer address", "Subject", "Order ID", "Needs a response",
                       "Responded"]  # fmt: skip
    by_folder = {row["Folder"]: row for row in _columns(rows)}
    assert set(by_folder) == {"Received", "Sent"}
    assert by_folder["Received"]["Buyer address"] == received.thread.buyer_alias.address
    assert by_folder["Received"]["Order ID"] == received.thread.order.order_id
    assert by_folder["Received"]["Needs a response"] == "Yes"
    text = "\n".join(",".join(row) for row in rows).lower()
    assert real_addresses_known() and not [a for a in real_addresses_known() if a in text]


def test_the_claims_report_lists_each_claim_with_its_order_total(seller, seller_client):
    claim = _claim(seller)
    [row] = _columns(_download(seller_client, "claims")[1])
    assert row["Filed"] == timezone.localtime(claim.filed_at).isoformat()
    assert row["Order ID"] == claim.order.order_id
    assert (row["Reason"], row["Status"]) == ("I didn't receive the item", "Open")
    assert (row["Order total"], row["Currency"]) == (str(claim.order.total), "GBP")
    assert row["Responded"] == row["Decided"] == ""


def test_the_feedback_report_lists_each_rating_and_its_kind(seller, seller_client):
    _feedback(seller, rating=1, comment="Broken", buyer_name="Unhappy Buyer")
    _feedback(seller, rating=5)
    rows = _columns(_download(seller_client, "feedback")[1])
    assert [(r["Rating"], r["Kind"], r["Comment"], r["Buyer"]) for r in rows] == [
        ("1", "Negative", "Broken", "Unhappy Buyer"),
        ("5", "Positive", "Quick and as described", "Luca de Pasqua"),
    ]


# --- Date range -------------------------------------------------------------------------------
@pytest.mark.parametrize("report", REPORTS)
def test_a_report_covers_the_last_30_days_unless_told_otherwise(seller, seller_client, report):
    MAKE[report](seller, days_ago=2, buyer_name="Recent Buyer")
    MAKE[report](seller, days_ago=45, buyer_name="Earlier Buyer")
    default = _download(seller_client, report)[1]
    assert len(default) == 2
    today = timezone.localdate()
    response, chosen = _download(
        seller_client, report, since=f"{today - timedelta(days=50)}", until=f"{today - timedelta(days=40)}"
    )
    assert len(chosen) == 2 and "Recent" not in str(chosen)
    assert (
        f"{report}-{today - timedelta(days=50)}-to-{today - timedelta(days=40)}.csv"
        in response["Content-Disposition"]
    )


@pytest.mark.parametrize("dates", [{"since": "9999-12-31"}, {"until": "1900-01-01"}, {"since": "2026-11-30", "until": "2026-11-01"}, {"since": "yesterday"}])  # fmt: skip
def test_a_bad_date_shows_the_page_with_its_error_not_a_file(seller_client, dates):
    response = seller_client.get(URL, {"report": "returns", **dates})
    assert response.status_code == 200
    assert not response.streaming and "Content-Disposition" not in response
    html = response.content.decode()
    assert 'role="alert"' in html and "The report could not be downloaded" in html


def test_an_unknown_report_is_a_form_error(seller_client):
    response = seller_client.get(URL, {"report": "orders"})
    assert not response.streaming and "could not be downloaded" in response.content.decode()


# --- Only the seller's own rows -----------------------------------------------------------------
@pytest.mark.parametrize("report", REPORTS)
def test_another_sellers_rows_never_appear(seller, seller_client, report):
    MAKE[report](seller, buyer_name="Own Buyer")
    MAKE[report](factories.SellerAccountFactory(), buyer_name="Someone Elses Buyer")
    rows = _download(seller_client, report)[1]
    assert len(rows) == 2 and "Someone Elses Buyer" not in str(rows) and "Own Buyer" in str(rows)


# --- CSV injection ---------------------------------------------------------------------------------
@pytest.mark.parametrize("formula", ['=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(seller, seller_client, formula):
    _feedback(seller, comment=formula, buyer_name="=cmd|' /C calc'!A0")
    _return(seller, comment="x", buyer_name=formula)
    [feedback] = _columns(_download(seller_client, "feedback")[1])
    assert feedback["Comment"] == "'" + formula.strip()  # the service strips the comment's tab
    assert feedback["Buyer"] == "'=cmd|' /C calc'!A0"
    [request] = _columns(_download(seller_client, "returns")[1])
    assert request["Buyer"].startswith("'")


# --- Streaming -------------------------------------------------------------------------------------
def _bulk(report, seller, count):
    """``count`` rows of a report written at once (the services' one at a time is too slow)."""
    now = timezone.now()
    customer = factories.CustomerFactory()
    if report == "messages":
        thread = _message(seller).thread
        Message.objects.bulk_create(
            Message(thread=thread, seller=seller, direction="received", channel="web", sender_name="Bulk Buyer",
                    subject=f"Question {n}", sent_at=now, message_id=f"<bulk-{n}@test>", relay_message_id=f"<relay-{n}@test>")
            for n in range(count - 1)
        )  # fmt: skip
        return
    orders = Order.objects.bulk_create(
        factories.OrderFactory.build(seller=seller, customer=customer, total=Decimal("6.49"))
        for _ in range(count)
    )
    if report == "returns":
        ReturnRequest.objects.bulk_create(
            ReturnRequest(order=o, seller=seller, customer=customer, marketplace=o.marketplace, currency="GBP",
                          requested_at=now)
            for o in orders
        )  # fmt: skip
    elif report == "claims":
        Claim.objects.bulk_create(
            Claim(order=o, seller=seller, customer=customer, reason="not_received", body="?", filed_at=now)
            for o in orders
        )
    else:
        OrderFeedback.objects.bulk_create(
            OrderFeedback(order=o, seller=seller, customer=customer, rating=4, left_at=now, updated_at=now)
            for o in orders
        )


@pytest.mark.parametrize("report", REPORTS)
def test_a_report_streams_in_as_many_queries_for_300_rows_as_for_3(seller, seller_client, report):
    def queries_for(count):
        _bulk(report, seller, count)
        with CaptureQueriesContext(connection) as queries:
            response = seller_client.get(URL, {"report": report})
            assert isinstance(response, StreamingHttpResponse)
            lines = list(response.streaming_content)
        return len(lines), len(queries)

    small_rows, small = queries_for(3)
    for model in (OrderFeedback, Claim, ReturnRequest, Message):
        model.objects.all().delete()
    large_rows, large = queries_for(300)
    assert (small_rows, large_rows) == (1 + 3, 1 + 300)
    # The session and the seller (sign-in), and the report's one query (the messages report
    # also reads the marketplaces' relay domains once): the same for 3 rows as for 300.
    assert small == large


# --- XLSX ----------------------------------------------------------------------------------------
def _download_xlsx(client, report, **params):
    response = client.get(URL, {"report": report, "format": "xlsx", **params})
    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    return response, read_xlsx(b"".join(response.streaming_content))


@pytest.mark.parametrize("report", REPORTS)
def test_each_report_downloads_as_xlsx_with_the_csv_columns_and_rows(seller, seller_client, report):
    MAKE[report](seller, days_ago=2, buyer_name="Recent Buyer")
    MAKE[report](seller, days_ago=45, buyer_name="Earlier Buyer")
    csv_rows = _download(seller_client, report)[1]
    response, sheet = _download_xlsx(seller_client, report)
    first, today = timezone.localdate() - timedelta(days=30), timezone.localdate()
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="{report}-{first}-to-{today}.xlsx"'
    assert sheet.rows[0] == csv_rows[0]
    assert len(sheet.rows) == len(csv_rows) == 2 and "Recent Buyer" in sheet.rows[1]
    assert sheet.formulas == 0


def test_the_xlsx_returns_report_holds_dates_as_dates_and_amounts_as_numbers(seller, seller_client):
    request = _return(seller)
    sheet = _download_xlsx(seller_client, "returns")[1]
    header, row = sheet.rows
    cells = dict(zip(header, row, strict=False))
    kinds = dict(zip(header, sheet.cell_types[1], strict=False))
    local = timezone.localtime(request.requested_at).replace(tzinfo=None)
    # The site's local time (XLSX cells carry no offset), to the millisecond a cell holds.
    assert kinds["Request Date"] == "d" and abs(cells["Request Date"] - local) < timedelta(milliseconds=1)
    assert (cells["Order ID"], cells["Marketplace"], cells["Status"]) == (
        request.order.order_id, "UK", "Authorisation required",
    )  # fmt: skip
    assert (kinds["Refunded"], cells["Refunded"], cells["Currency"]) == ("n", 0, "GBP")
    assert cells.get("Return by") is None  # not authorised yet: an empty cell


def test_the_xlsx_file_is_offered_as_the_forms_choice(seller, seller_client):
    _feedback(seller)
    response = seller_client.get(URL, {"report": "feedback", "format": "xlsx"})
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    page = seller_client.get(URL, {"report": "feedback", "format": "pdf"}).content.decode()
    assert "could not be downloaded" in page  # a file type we do not write is a form error


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(A1)"])
def test_a_cell_a_spreadsheet_would_run_is_a_text_cell_in_xlsx(seller, seller_client, formula):
    _feedback(seller, comment=formula, buyer_name="=cmd|' /C calc'!A0")
    sheet = _download_xlsx(seller_client, "feedback")[1]
    header, row = sheet.rows
    cells, kinds = dict(zip(header, row, strict=False)), dict(zip(header, sheet.cell_types[1], strict=False))
    # A text cell is shown, never calculated: the text stays exactly as the buyer typed it.
    assert sheet.formulas == 0
    assert (cells["Comment"], cells["Buyer"]) == (formula, "=cmd|' /C calc'!A0")
    assert kinds["Comment"] in {"s", "inlineStr"} and kinds["Buyer"] in {"s", "inlineStr"}


@pytest.mark.parametrize("report", REPORTS)
def test_an_xlsx_report_takes_as_many_queries_for_300_rows_as_for_3(seller, seller_client, report):
    def queries_for(count):
        _bulk(report, seller, count)
        with CaptureQueriesContext(connection) as queries:
            response = seller_client.get(URL, {"report": report, "format": "xlsx"})
            sheet = read_xlsx(b"".join(response.streaming_content))
        return len(sheet.rows), len(queries)

    small_rows, small = queries_for(3)
    for model in (OrderFeedback, Claim, ReturnRequest, Message):
        model.objects.all().delete()
    large_rows, large = queries_for(300)
    assert (small_rows, large_rows) == (1 + 3, 1 + 300)
    assert small == large  # the session, the seller, the report's query (+ the domains)


def _rows(count):
    moment = timezone.now()
    for n in range(count):
        yield (moment, n, f"A comment of some length, number {n}", f"202-{n:07d}-0000000", "Luca de Pasqua",
               Decimal("6.49"), timezone.localdate())  # fmt: skip


def _peak_while_writing(count):
    tracemalloc.start()
    try:
        with xlsx_file("Feedback report", ["Date", "n", "Comment", "Order ID", "Buyer", "Total", "Day"],
                       _rows(count)) as output:  # fmt: skip
            size = output.seek(0, io.SEEK_END)
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


def test_an_xlsx_report_of_20000_rows_is_written_in_constant_memory():
    small_peak, _ = _peak_while_writing(2_000)
    peak, size = _peak_while_writing(20_000)
    # The rows go to a temporary file as they come: ten times the rows, about the same memory
    # (held in memory, 20,000 rows of cells would take tens of megabytes).
    assert size > 500_000
    assert peak < 3 * 1024 * 1024, peak
    assert peak < small_peak * 1.5 + 256 * 1024, (small_peak, peak)


def test_an_xlsx_report_of_20000_rows_streams_from_the_database_in_bounded_memory(seller, seller_client):
    seller_client.get(URL, {"report": "feedback", "format": "xlsx"})  # modules imported, caches warm
    uk, customer, now = factories.marketplace("uk"), factories.CustomerFactory(), timezone.now()
    orders = Order.objects.bulk_create(
        Order(order_id=f"203-{n:07d}-0000000", marketplace=uk, seller=seller, customer=customer,
              recipient_name="Luca", placed_at=now, currency="GBP", total=Decimal("6.49"))
        for n in range(20_000)
    )  # fmt: skip
    OrderFeedback.objects.bulk_create(
        OrderFeedback(order=o, seller=seller, customer=customer, rating=4, comment=f"Fine {o.pk}",
                      left_at=now, updated_at=now)
        for o in orders
    )  # fmt: skip
    tracemalloc.start()
    try:
        response = seller_client.get(URL, {"report": "feedback", "format": "xlsx"})
        size = sum(len(chunk) for chunk in response.streaming_content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert size > 300_000
    # A chunk of 2,000 rows from the database at a time, one row of cells in the writer.
    assert peak < 4 * 1024 * 1024, peak
