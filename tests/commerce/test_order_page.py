"""The seller's order page: the order, and everything that happened to it since — its return
requests, conversations, refunds and A-to-z claims, with the actions each allows
(docs/product.md, "The seller's order page")."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import resolve, reverse

from messaging import services as messaging
from returns import services as returns
from returns.models import Claim

from .. import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(seller, customer):
    """Luca's order of three different items at 6.49 each; the seller's default return address."""
    order = factories.order_with_items(
        seller=seller, customer=customer, items=3, order_id="202-0697275-2144321"
    )
    factories.return_address(seller)
    return order


@pytest.fixture
def staff():
    return get_user_model().objects.create_user("staff", is_staff=True)


def page_of(client, order) -> str:
    response = client.get(reverse("seller:order", args=[order.order_id]))
    assert response.status_code == 200
    return response.content.decode()


def request_return(order, item, *, comment: str = "") -> object:
    request, _ = returns.request_return(
        order=order,
        customer=order.customer,
        items=[returns.RequestedItem(item.pk, 1, "missing_parts", comment)],
    )
    return request


def a_history(order, staff, *, size: int) -> None:
    """``size`` of everything: returns (each authorised and refunded), messages, threads,
    claims (one granted, the others denied)."""
    seller_user = factories.seller_user(order.seller)
    for n, item in enumerate(order.items.all()[:size]):
        request = request_return(order, item)
        returns.authorise_return(return_request=request, actor=seller_user)
        returns.issue_refund(
            return_request=request, actor=seller_user, idempotency_key=f"k{n}", amount=Decimal("1.00")
        )
    for n in range(size):
        messaging.contact_seller(order=order, subject="enquiry", body=f"Question {n}")
    first = order.threads.get()
    for _ in range(size - 1):
        first.pk = None
        first.subject = "Another conversation"
        first.save()
    returns.grant_claim(
        claim=returns.file_claim(order=order, customer=order.customer, reason="not_received", body="Lost"),
        staff=staff,
    )
    # The buyer files one claim per order; more (decided) ones only stand in for a bigger world.
    for _ in range(size - 1):
        factories.ClaimFactory(order=order, status=Claim.Status.DENIED)


def test_another_sellers_order_is_404(seller_client):
    theirs = factories.order_with_items()
    assert seller_client.get(reverse("seller:order", args=[theirs.order_id])).status_code == 404


def test_an_order_with_no_history_says_so_in_each_section(seller_client, order):
    html = page_of(seller_client, order)
    for item in order.items.all():
        assert item.product.title in html
    assert order.customer.name in html
    assert "No return requests for this order." in html
    assert "No messages about this order." in html
    assert "No refunds for this order." in html
    assert "No A-to-z Guarantee claims on this order." in html


def test_a_waiting_return_shows_its_status_reason_and_the_actions_it_allows(seller_client, order):
    item = order.items.first()
    request = request_return(order, item, comment="The adapter is missing")
    html = page_of(seller_client, order)
    assert "Authorisation required" in html
    assert "Missing parts or accessories" in html
    assert "The adapter is missing" in html
    assert reverse("returns:authorise", args=[request.pk]) in html
    assert reverse("returns:deny", args=[request.pk]) in html
    assert reverse("returns:refund", args=[request.pk]) in html
    assert reverse("returns:contact_buyer", args=[request.pk]) in html
    assert f"{reverse('returns:manage')}?status=all&amp;q={order.order_id}" in html


def test_an_authorised_return_shows_its_rma_and_no_longer_offers_authorise_or_deny(
    seller, seller_client, order
):
    request = request_return(order, order.items.first())
    returns.authorise_return(return_request=request, actor=factories.seller_user(seller))
    request.refresh_from_db()
    html = page_of(seller_client, order)
    assert request.rma in html
    link = re.search(rf'href="([^"]*q={request.rma}[^"#]*)', html)[1].replace("&amp;", "&")
    manage_returns = seller_client.get(link).content.decode()
    assert manage_returns.count('class="card return-card"') == 1  # exactly this request
    assert f'id="return-{request.pk}"' in manage_returns
    assert reverse("returns:authorise", args=[request.pk]) not in html
    assert reverse("returns:deny", args=[request.pk]) not in html
    assert reverse("returns:refund", args=[request.pk]) in html


def test_refunds_show_amount_date_and_what_they_were_for(seller, seller_client, order, staff):
    request = request_return(order, order.items.first())
    returns.issue_refund(
        return_request=request,
        actor=factories.seller_user(seller),
        idempotency_key="once",
        amount=Decimal("2.50"),
        reason="Goodwill",
    )
    claim = returns.file_claim(order=order, customer=order.customer, reason="not_received", body="Lost")
    returns.grant_claim(claim=claim, staff=staff)
    html = page_of(seller_client, order)
    assert "£2.50" in html
    assert "Goodwill" in html
    assert f'href="#return-{request.pk}"' in html
    assert "A-to-z Guarantee claim granted" in html
    assert "£16.97" in html  # the claim refunded what was left of the order's 19.47


def test_a_thread_shows_its_subject_last_message_and_link(seller_client, order):
    messaging.contact_seller(order=order, subject="order_delivery", body="Where is my parcel?")
    thread = order.threads.get()
    html = page_of(seller_client, order)
    assert thread.subject in html
    assert "Where is my parcel?" in html
    assert reverse("messaging:thread", args=[thread.pk]) in html


def test_an_open_claim_links_to_its_answer_on_the_claims_page(seller_client, order):
    claim = returns.file_claim(order=order, customer=order.customer, reason="not_received", body="Lost")
    html = page_of(seller_client, order)
    assert "Answer the claim" in html
    link = f"{reverse('returns:claims')}?order={order.order_id}#claim-{claim.pk}"
    assert link in html
    claims_page = seller_client.get(link.partition("#")[0]).content.decode()
    assert f'id="claim-{claim.pk}"' in claims_page


def test_the_claims_page_filtered_by_order_shows_only_its_claims(seller, seller_client, order):
    other = factories.order_with_items(seller=seller)
    factories.ClaimFactory(order=order, body="Mine")
    factories.ClaimFactory(order=other, body="Another order's")
    html = seller_client.get(reverse("returns:claims"), {"order": order.order_id}).content.decode()
    assert "Mine" in html and "Another order&#x27;s" not in html
    # Anything but an order id is ignored: every claim shows.
    html = seller_client.get(reverse("returns:claims"), {"order": "x\x00"}).content.decode()
    assert "Mine" in html and "Another order&#x27;s" in html


def test_the_page_never_shows_the_buyers_real_address(seller_client, order):
    messaging.contact_seller(order=order, subject="enquiry", body="Hello")
    request_return(order, order.items.first())
    assert order.customer.email not in page_of(seller_client, order)


def test_every_link_on_the_page_opens_and_every_form_posts_somewhere(seller_client, order, staff):
    a_history(order, staff, size=2)
    html = page_of(seller_client, order).replace("&amp;", "&")
    links = set(re.findall(r'href="(/[^"#]*)', html))
    for link in links:
        if not link.startswith(settings.STATIC_URL):
            assert seller_client.get(link).status_code == 200, link
    for action in set(re.findall(r'action="(/[^"]*)"', html)):
        resolve(action)  # raises Resolver404 for a form that posts nowhere


@pytest.mark.parametrize("size", [1, 3])
def test_the_page_costs_the_same_queries_however_much_happened(
    seller_client, order, staff, size, django_assert_num_queries
):
    a_history(order, staff, size=size)
    # session, user, seller membership, the menu's to-dos, the order (joined), its items
    # (+ products); returns, their items (+ products); threads (last message annotated);
    # refunds (+ return or claim), their lines (+ products); claims
    with django_assert_num_queries(12):
        html = page_of(seller_client, order)
    assert html.count('class="order-event" id="return-') == size
    assert html.count('class="order-event" id="thread-') == size
    assert html.count('class="order-event" id="claim-') == size
