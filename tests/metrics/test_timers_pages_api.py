"""The 24-hour timer, the Account Health and Feedback pages, the metrics API, RDR and ODR."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from messaging import services as messaging
from messaging.models import Message
from messaging.tasks import run_response_timers
from metrics import selectors, services
from returns import services as returns
from returns.models import ReturnRequest

from .. import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller_user(seller):
    return factories.seller_user(seller, email="orders@shop.example")


@pytest.fixture
def order(seller, customer, seller_user):
    return factories.order_with_items(seller=seller, customer=customer, status="delivered")


def test_a_deadline_is_marked_overdue_once_and_not_before(order, on_commit):
    message = messaging.contact_seller(order=order, subject="enquiry", body="Hello?")
    with time_machine.travel(timezone.now() + timedelta(hours=23, minutes=59)):
        assert messaging.mark_overdue_messages() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert run_response_timers()["overdue"] == 1
        assert run_response_timers()["overdue"] == 0
    message.refresh_from_db()
    assert message.overdue_at is not None


def test_an_answered_message_never_becomes_overdue(order):
    message = messaging.contact_seller(order=order, subject="enquiry", body="Hello?")
    messaging.reply_to_thread(thread=message.thread, body="Hi")
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert messaging.mark_overdue_messages() == 0


def test_the_seller_is_warned_four_hours_before_the_deadline_once(order, on_commit):
    messaging.contact_seller(order=order, subject="enquiry", body="Hello?")
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(hours=19)):
        assert messaging.warn_before_deadlines() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=20, minutes=1)):
        assert on_commit(messaging.warn_before_deadlines) == 1
        assert messaging.warn_before_deadlines() == 0
    [warning] = mail.outbox
    assert warning.to == ["orders@shop.example"] and warning.subject.startswith("Reply within 4 hours")


def test_the_account_health_page_shows_the_seed_table(order, seller_client, django_assert_max_num_queries):
    with time_machine.travel(timezone.now() - timedelta(hours=50), tick=False):
        first = messaging.contact_seller(order=order, subject="enquiry", body="One")
    with time_machine.travel(timezone.now() - timedelta(hours=47, minutes=30), tick=False):
        messaging.reply_to_thread(thread=first.thread, body="Answer")
    # session, user, seller, CRT with its daily trend (two queries: the roll-up's settled hours,
    # the rest live), RDR, ODR
    with django_assert_max_num_queries(8):  # +1: the menu's to-do badges
        html = seller_client.get(reverse("metrics:account_health")).content.decode()
    for text in [
        "Performance Checklist",
        "Contact Response Time",
        "Response times under 24 hours",
        "Late responses",
        "No response for more than 24 hours",
        "Response times over 24 hours",
        "Average response time",
        "100% (1)",
        "2 hours 30 minutes",
        "&gt; 90%",
        "≤ 10%",
        "✔ Good",
        "<svg",
        "Return Dissatisfaction Rate",
        "Order Defect Rate",
    ]:
        assert text in html, text
    assert "that you have not responded to in the past 7 days" in html


def test_the_account_health_periods_are_dated_in_the_sellers_language(seller_user):
    """Never "Nov 23, 2026 bis Nov 30, 2026" in German: the pages' short date, "30. Nov 2026"."""
    from django.utils import translation

    from commerce.formats import day
    from commerce.models import SellerMembership

    SellerMembership.objects.filter(user=seller_user).update(language="de")
    client = Client()
    client.force_login(seller_user)
    html = client.get(reverse("metrics:account_health")).content.decode()
    today = timezone.localdate()
    with translation.override("de"):
        week = translation.gettext("%(start)s to %(end)s") % {
            "start": day(today - timedelta(days=7)),
            "end": day(today),
        }
    assert f"({week})" in html
    assert f"{today:%b} {today.day}, {today.year}" not in html


def test_the_trend_chart_is_drawn_with_decimal_points_in_every_language(order, seller_user):
    # Given a German seller with a day of answered messages (one bar on the chart)
    from commerce.models import SellerMembership

    with time_machine.travel(timezone.now() - timedelta(hours=50), tick=False):
        first = messaging.contact_seller(order=order, subject="enquiry", body="One")
    with time_machine.travel(timezone.now() - timedelta(hours=47, minutes=30), tick=False):
        messaging.reply_to_thread(thread=first.thread, body="Answer")
    SellerMembership.objects.filter(user=seller_user).update(language="de")
    client = Client()
    client.force_login(seller_user)
    html = client.get(reverse("metrics:account_health")).content.decode()
    # then the bar's geometry is SVG's ("7.9"), its words German ("100 % von 1" or the like)
    svg = html[html.index("<svg") : html.index("</svg>")]
    bar = svg[svg.index("<rect x=") : svg.index("</rect>")]
    assert "," not in bar.split("<title>")[0], bar
    assert "." in bar.split("<title>")[0], bar
    from django.utils import translation

    from commerce.formats import month_day

    with translation.override("de"):
        assert (
            f">{month_day(timezone.localdate() - timedelta(days=89))}</text>" in svg
        )  # the axis still German


def test_the_inbox_sidebar_uses_the_same_average(order, seller_client):
    with time_machine.travel(timezone.now() - timedelta(hours=10), tick=False):
        first = messaging.contact_seller(order=order, subject="enquiry", body="One")
    with time_machine.travel(timezone.now() - timedelta(hours=7), tick=False):
        messaging.reply_to_thread(thread=first.thread, body="Answer")
    assert "3 hours" in seller_client.get("/seller/messages/").content.decode()
    assert (
        'href="/seller/performance/account-health/">View All'
        in seller_client.get("/seller/messages/").content.decode()
    )


def test_the_contact_response_time_api_follows_the_contract(order, seller_user):
    with time_machine.travel(timezone.now() - timedelta(hours=30), tick=False):
        messaging.contact_seller(order=order, subject="enquiry", body="One")
    client = APIClient()
    client.force_authenticate(seller_user)
    body = client.get("/api/v1/seller/metrics/contact-response-time/").json()
    assert set(body) == {"status", "unanswered_last_7_days", "windows"}
    assert body["status"] == "at_risk" and body["unanswered_last_7_days"] == 1
    seven = body["windows"][0]
    assert set(seven) == {
        "days",
        "start",
        "end",
        "under_24h",
        "over_24h",
        "no_response_over_24h",
        "late",
        "average_response_seconds",
    }
    assert (seven["days"], seven["no_response_over_24h"], seven["late"], seven["under_24h"]) == (
        7,
        1,
        {"count": 1, "percent": 100.0},
        {"count": 0, "percent": 0.0},
    )
    for path in ["return-dissatisfaction-rate", "order-defect-rate"]:
        assert client.get(f"/api/v1/seller/metrics/{path}/").status_code == 200
    assert APIClient().get("/api/v1/seller/metrics/contact-response-time/").status_code == 401


def test_return_dissatisfaction_rate_counts_late_invalid_and_negative(order, customer, seller_user, seller):
    factories.return_address(seller)
    item = order.items.get()
    item.quantity = 5
    item.save()

    def request():
        return returns.request_return(
            order=order, customer=customer, items=[returns.RequestedItem(item.pk, 1, "unwanted")]
        )[0]

    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        late = request()
    invalid = request()
    returns.deny_return(return_request=invalid, actor=seller_user, reason="other", message="No")
    rated = request()
    returns.cancel_return(return_request=rated, actor=customer.user)
    returns.rate_return(return_request=rated, customer=customer, rating=1)
    request()  # fine: new, answered in time
    figures = selectors.return_dissatisfaction_rate(seller)
    assert [(p.name, p.count) for p in figures.parts] == [
        ("Late responses", 1),
        ("Invalid rejections", 1),
        ("Negative return feedback", 1),
    ]
    assert (figures.combined.count, figures.total, figures.combined.percent) == (3, 4, 75.0)
    assert (
        ReturnRequest.objects.get(pk=late.pk).late_at is None
    )  # counted from the times even before the sweep ran


def test_order_defect_rate_counts_claims_and_negative_feedback(order, customer, seller):
    for _ in range(2):
        factories.order_with_items(seller=seller, customer=customer, status="delivered")
    returns.file_claim(order=order, customer=customer, reason="not_received", body="Never came")
    services.leave_feedback(order=order, customer=customer, rating=1, comment="Bad")
    other = factories.order_with_items(seller=seller, customer=customer, status="delivered")
    services.leave_feedback(order=other, customer=customer, rating=2)
    figures = selectors.order_defect_rate(seller)
    assert (figures.combined.count, figures.total) == (2, 4)
    assert [p.count for p in figures.parts] == [1, 2]


def test_buyers_leave_feedback_once_and_may_change_it_for_60_days(order, buyer_client, customer):
    url = reverse("metrics:leave_feedback", args=[order.order_id])
    assert buyer_client.post(url, {"rating": "2", "comment": "Late"}).status_code == 302
    assert buyer_client.post(url, {"rating": "4", "comment": "Sorted out"}).status_code == 302
    feedback = order.feedback
    feedback.refresh_from_db()
    assert (feedback.rating, feedback.comment) == (4, "Sorted out")
    type(feedback).objects.filter(pk=feedback.pk).update(left_at=timezone.now() - timedelta(days=61))
    response = buyer_client.post(url, {"rating": "1"})
    assert response.status_code == 400 and "60 days" in response.content.decode()
    assert buyer_client.post(url, {"rating": "9"}).status_code == 400
    stranger = Client()
    stranger.force_login(factories.CustomerFactory().user)
    assert stranger.get(url).status_code == 404


def test_the_feedback_manager_lists_negative_first_with_contact_buyer(order, seller, seller_client, customer):
    services.leave_feedback(order=order, customer=customer, rating=5, comment="Great")
    bad = factories.order_with_items(seller=seller, customer=customer, status="delivered")
    feedback = services.leave_feedback(order=bad, customer=customer, rating=1, comment="Broken")
    html = seller_client.get(reverse("metrics:feedback")).content.decode()
    assert html.index("Broken") < html.index("Great")
    assert "365 days" in html
    response = seller_client.post(reverse("metrics:feedback_contact", args=[feedback.pk]))
    assert response["Location"].startswith("/seller/messages/threads/")
    assert Message.objects.count() == 0  # opening the thread sends nothing


def test_the_openapi_schema_is_valid_and_warning_free():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_order_defect_rate_counts_open_and_granted_claims_not_denied_ones(seller, customer):
    staff = factories.UserFactory(is_staff=True)
    orders = [
        factories.order_with_items(seller=seller, customer=customer, status="delivered") for _ in range(4)
    ]
    claims = [
        returns.file_claim(order=order, customer=customer, reason="not_received", body="Never came")
        for order in orders[:3]
    ]
    returns.grant_claim(claim=claims[1], staff=staff)
    returns.deny_claim(claim=claims[2], staff=staff, note="Delivered with a signature")
    figures = selectors.order_defect_rate(seller)
    assert (figures.parts[0].count, figures.combined.count, figures.total) == (2, 2, 4)


def test_a_return_is_late_from_48_hours_to_the_microsecond(order, customer, seller):
    # Given four requests made three days ago, whose first seller action or closing came at
    # exactly 48 hours, or a microsecond after
    factories.return_address(seller)
    item = order.items.get()
    item.quantity = 5
    item.save()
    requested_at = timezone.now() - timedelta(days=3)
    limit = requested_at + timedelta(hours=48)
    tick = timedelta(microseconds=1)
    requests = [
        returns.request_return(
            order=order, customer=customer, items=[returns.RequestedItem(item.pk, 1, "unwanted")]
        )[0]
        for _ in range(4)
    ]
    for request, times in zip(
        requests,
        [
            {"first_seller_action_at": limit},
            {"first_seller_action_at": limit + tick},
            {"closed_at": limit},
            {"closed_at": limit + tick},
        ],
        strict=True,
    ):
        ReturnRequest.objects.filter(pk=request.pk).update(
            **{
                "requested_at": requested_at,
                "first_seller_action_at": None,
                "closed_at": None,
                "late_at": None,
            }
            | times
        )
    # then only the two a microsecond past the 48 hours are late
    figures = selectors.return_dissatisfaction_rate(seller)
    assert (figures.parts[0].count, figures.total) == (2, 4)
