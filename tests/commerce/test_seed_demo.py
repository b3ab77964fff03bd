"""``manage.py seed_demo`` makes the demo data of docs/product.md, and running it again changes nothing."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from commerce.models import Customer, Order, Product, SellerAccount

pytestmark = pytest.mark.django_db


def _counts():
    return (
        SellerAccount.objects.count(),
        Customer.objects.count(),
        Product.objects.count(),
        Order.objects.count(),
    )


def test_seed_demo_is_idempotent_and_makes_the_promised_world():
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    luca_seller = SellerAccount.objects.get(name="Test UK Seller 4 Luca")
    assert sorted(luca_seller.marketplaces.values_list("code", flat=True)) == ["de", "es", "fr", "it", "uk"]
    for buyer in ["luca", "jan"]:
        orders = Order.objects.filter(customer__user__username=buyer, status=Order.Status.DELIVERED)
        assert orders.values("seller").distinct().count() == 2, buyer
        assert orders.count() >= 3
    kingston = Order.objects.get(order_id="202-0697275-2144321").items.get().product
    assert (kingston.asin, kingston.title) == (
        "B0000F2F36",
        "Kingston - Flash memory card - 8 GB - Class 4 - SDHC",
    )


@pytest.mark.parametrize(
    ("username", "sign_in", "landing"),
    [
        ("seller", "/seller/signin/", "/seller/"),
        ("seller2", "/seller/signin/", "/seller/"),
        ("luca", "/signin/", "/orders/"),
        ("jan", "/signin/", "/orders/"),
    ],
)
def test_the_demo_sign_ins_work(username, sign_in, landing):
    call_command("seed_demo")
    client = Client()
    response = client.post(sign_in, {"username": username, "password": username})
    assert response["Location"] == landing
    assert client.get(landing).status_code == 200


def test_the_demo_admin_can_open_django_admin():
    call_command("seed_demo")
    client = Client()
    client.post("/admin/login/", {"username": "admin", "password": "admin"})
    assert client.get("/admin/commerce/order/").status_code == 200


def test_orders_n_adds_a_larger_set_once():
    call_command("seed_demo", orders=1200)
    count = Order.objects.count()
    call_command("seed_demo", orders=1200)
    assert Order.objects.count() == count
    assert Order.objects.filter(order_id__startswith="206-").count() == 1200


def test_the_demo_has_conversations_like_the_seeds_inbox():
    from messaging.models import Message

    call_command("seed_demo")
    call_command("seed_demo")
    received = Message.objects.filter(direction="received", is_system=False)
    assert received.count() == 5
    assert received.filter(responded_at__isnull=False).count() == 2
    assert received.filter(
        responded_at__isnull=True, sent_at__lt=timezone.now() - timedelta(hours=24)
    ).exists()


def test_the_demo_has_a_gift_order_that_jan_can_return_and_the_readme_names_it():
    from pathlib import Path

    call_command("seed_demo")
    gift = Order.objects.get(order_id="202-3318870-5526014")
    assert (gift.is_gift, gift.gift_receipt_number) == (True, "GR7K-M4QD-9XWP")
    assert (gift.customer.user.username, gift.recipient_name) == ("luca", "Jan Smit")
    jan = Client()
    jan.post("/signin/", {"username": "jan", "password": "jan"})
    found = jan.post("/returns/gift/", {"order_id": gift.order_id, "gift_receipt_number": "GR7K-M4QD-9XWP"})
    assert found["Location"] == f"/returns/gift/{gift.order_id}/"
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "202-3318870-5526014" in readme and "GR7K-M4QD-9XWP" in readme
