"""``manage.py seed_demo`` makes the demo data of docs/product.md, running it again changes nothing, and
with production settings it refuses unless told, and then makes no admin/admin superuser.

The demo seller's 90 days of history take seconds to make: the tests about something else seed
the fixtures only (``--no-history``)."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from commerce.models import Customer, Order, Product, SellerAccount

pytestmark = pytest.mark.django_db


def _counts():
    from messaging.models import Message, MessageEvent, OutboundEmail
    from metrics.models import OrderFeedback
    from returns.models import Claim, ClaimEvent, Refund, ReturnEvent, ReturnRequest

    models = [SellerAccount, Customer, Product, Order, Message, MessageEvent, OutboundEmail, OrderFeedback]
    models += [ReturnRequest, ReturnEvent, Refund, Claim, ClaimEvent]
    return {model.__name__: model.objects.count() for model in models}


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
    call_command("seed_demo", no_history=True)
    client = Client()
    response = client.post(sign_in, {"username": username, "password": username})
    assert response["Location"] == landing
    assert client.get(landing).status_code == 200


def test_the_demo_admin_can_open_django_admin():
    call_command("seed_demo", no_history=True)
    client = Client()
    client.post("/admin/login/", {"username": "admin", "password": "admin"})
    assert client.get("/admin/commerce/order/").status_code == 200


def test_orders_n_adds_a_larger_set_once():
    call_command("seed_demo", orders=1200, no_history=True)
    count = Order.objects.count()
    call_command("seed_demo", orders=1200, no_history=True)
    assert Order.objects.count() == count
    assert Order.objects.filter(order_id__startswith="206-").count() == 1200


def test_the_demo_has_conversations_like_the_seeds_inbox():
    from messaging.demo import CONVERSATIONS
    from messaging.models import Message

    call_command("seed_demo", no_history=True)
    call_command("seed_demo", no_history=True)
    received = Message.objects.filter(
        direction="received", is_system=False, thread__order__order_id__in=[c[0] for c in CONVERSATIONS]
    )
    assert received.count() == 5
    assert received.filter(responded_at__isnull=False).count() == 2
    assert received.filter(
        responded_at__isnull=True, sent_at__lt=timezone.now() - timedelta(hours=24)
    ).exists()


def test_the_demo_has_a_gift_order_that_jan_can_return_and_the_readme_names_it():
    call_command("seed_demo", no_history=True)
    gift = Order.objects.get(order_id="202-3318870-5526014")
    assert (gift.is_gift, gift.gift_receipt_number) == (True, "GR7K-M4QD-9XWP")
    assert (gift.customer.user.username, gift.recipient_name) == ("luca", "Jan Smit")
    jan = Client()
    jan.post("/signin/", {"username": "jan", "password": "jan"})
    found = jan.post("/returns/gift/", {"order_id": gift.order_id, "gift_receipt_number": "GR7K-M4QD-9XWP"})
    assert found["Location"] == f"/returns/gift/{gift.order_id}/"
    readme = (ROOT / "README.md").read_text()
    assert "202-3318870-5526014" in readme and "GR7K-M4QD-9XWP" in readme


ROOT = Path(__file__).resolve().parents[2]


def test_with_production_settings_it_refuses_and_changes_nothing(tmp_path):
    database = tmp_path / "production.sqlite3"
    environment = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DEV_TOOLS", "DATABASE_URL"}},
        "DJANGO_SETTINGS_MODULE": "sellercentral.settings",
        "VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": "x" * 60,
        "DATABASE_URL": f"sqlite:///{database}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "INBOUND_EMAIL_SECRET": "s3cret",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "CommandError: seed_demo makes accounts whose passwords everyone knows" in result.stderr
    assert "--allow-production" in result.stderr
    assert not database.exists() or database.stat().st_size == 0


def test_it_refuses_in_process_too_when_the_development_tools_are_off(settings):
    settings.DEV_TOOLS = False
    with pytest.raises(CommandError, match="production settings"):
        call_command("seed_demo")
    assert not SellerAccount.objects.exists()
    assert not get_user_model().objects.exists()


def test_allowed_in_production_it_makes_no_superuser_with_a_known_password(settings, capsys):
    settings.DEV_TOOLS = False
    call_command("seed_demo", allow_production=True)
    assert not get_user_model().objects.filter(is_superuser=True).exists()
    assert not get_user_model().objects.filter(is_staff=True).exists()
    assert not get_user_model().objects.filter(username="admin").exists()
    assert get_user_model().objects.get(username="seller").check_password("seller")  # the demo works
    assert "createsuperuser" in capsys.readouterr().out


def test_allowed_in_production_it_disables_an_admin_admin_left_by_a_development_run(settings, capsys):
    call_command("seed_demo", no_history=True)  # development: admin/admin
    admin = get_user_model().objects.get(username="admin")
    settings.DEV_TOOLS = False
    call_command("seed_demo", allow_production=True, no_history=True)
    admin.refresh_from_db()
    assert not admin.check_password("admin") and not admin.has_usable_password()
    assert "password was 'admin'" in capsys.readouterr().out
    client = Client()
    client.post("/admin/login/", {"username": "admin", "password": "admin"})
    assert client.get("/admin/commerce/order/").status_code == 302  # to the sign-in page


# --- The demo seller's 90 days ------------------------------------------------------------
def test_the_demo_seller_has_90_days_of_a_real_shop_and_good_account_health():
    from messaging.models import Message, OutboundEmail
    from metrics import selectors as metrics
    from metrics.models import OrderFeedback
    from returns.models import Claim, ClaimEvent, ReturnEvent, ReturnRequest

    call_command("seed_demo")
    seller = SellerAccount.objects.get(name="Test UK Seller 4 Luca")
    now = timezone.now()
    orders = Order.objects.filter(seller=seller)
    # Given a few hundred orders over the five marketplaces and 90 days, from a dozen-plus buyers
    assert orders.count() >= 300
    assert set(orders.values_list("marketplace__code", flat=True)) == {"uk", "fr", "de", "it", "es"}
    assert orders.filter(placed_at__lt=now - timedelta(days=85)).exists()
    buyers = Customer.objects.filter(orders__seller=seller).distinct()
    assert buyers.count() >= 12
    assert not buyers.filter(name__startswith="Demo Buyer").exists()
    assert seller.products.count() >= 12
    # returns in every state the seller's filters name, reached through the product's flow
    states = set(ReturnRequest.objects.filter(seller=seller).values_list("status", "close_reason"))
    assert states >= {
        ("authorisation_required", ""), ("not_authorised", ""), ("authorised", ""),
        ("closed", "withdrawn_by_buyer"), ("closed", "denied_by_seller"), ("closed", "refunded"),
        ("closed", "expired"), ("closed", "expired_without_action"),
    }  # fmt: skip
    # claims in each state, one open claim answered by the seller
    claims = Claim.objects.filter(seller=seller)
    assert set(claims.values_list("status", flat=True)) == {"open", "granted", "denied"}
    assert claims.filter(status="open").exclude(seller_response="").exists()
    # feedback mostly positive, some negative
    ratings = list(OrderFeedback.objects.filter(seller=seller).values_list("rating", flat=True))
    assert sum(r >= 4 for r in ratings) > 0.8 * len(ratings) and any(r <= 2 for r in ratings)
    # buyer messages: some marked "no response needed"
    assert Message.objects.filter(seller=seller, direction="received", no_response_needed=True).exists()
    # the past happened in the past: nothing stamped after now, its mail not sent again today
    assert not Message.objects.filter(sent_at__gt=now).exists()
    assert not ReturnEvent.objects.filter(at__gt=now).exists()
    assert not ClaimEvent.objects.filter(at__gt=now).exists()
    assert ReturnEvent.objects.filter(at__lt=now - timedelta(days=60)).exists()
    assert not OutboundEmail.objects.filter(status="pending", created_at__lt=now - timedelta(days=1)).exists()
    # then Account Health reads Good on every metric, and the 90-day chart has every day but today
    assert metrics.contact_response_time(seller).status == "good"
    assert metrics.return_dissatisfaction_rate(seller).status == "good"
    assert metrics.order_defect_rate(seller).status == "good"
    days = metrics.daily_under_24h(seller)
    assert all(day.counted for day in days[:-1])
    client = Client()
    client.post("/seller/signin/", {"username": "seller", "password": "seller"})
    page = client.get("/seller/performance/account-health/").content.decode()
    assert page.count("✔ Good") == 3 and "At risk" not in page


def test_the_demo_history_is_made_once():
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first


# --- Product pictures ---------------------------------------------------------------------
def test_each_product_has_its_own_picture_served_as_a_plain_svg_image():
    call_command("seed_demo", no_history=True)
    client = Client()
    kingston = client.get("/products/B0000F2F36/picture.svg")
    assert kingston.status_code == 200
    assert kingston["Content-Type"] == "image/svg+xml"
    assert kingston["Content-Security-Policy"].startswith("default-src 'none'")
    assert kingston["X-Content-Type-Options"] == "nosniff"
    svg = kingston.content.decode()
    assert svg.startswith("<svg ") and ">Kingston<" in svg
    assert "<script" not in svg.lower() and " on" not in svg.lower() and "href" not in svg.lower()
    assert client.get("/products/B0000F2F36/picture.svg").content == kingston.content  # the same every time
    cable = client.get("/products/B00NH11KIK/picture.svg").content.decode()
    assert cable != svg and ">Voltline<" in cable
    assert client.get("/products/B000000000/picture.svg").status_code == 404


def test_a_brand_cannot_write_markup_into_the_picture():
    from commerce.pictures import product_svg

    svg = product_svg("B0000F2F36", '<script>alert("x")</script>')
    assert "<script" not in svg and "&lt;script&gt;" in svg


def test_the_storefront_shows_the_pictures_instead_of_grey_squares():
    call_command("seed_demo", no_history=True)
    client = Client()
    client.post("/signin/", {"username": "luca", "password": "luca"})
    page = client.get("/orders/").content.decode()
    assert 'src="/products/B0000F2F36/picture.svg"' in page
    assert '<div class="order-item__thumb"' not in page


def test_a_history_step_runs_at_its_moment_and_the_real_clock_comes_back_even_after_a_failure():
    from commerce.demo_history import Step, as_of, run_steps

    moment = timezone.now() - timedelta(days=30)
    seen = []
    run_steps([Step(moment, lambda: seen.append(timezone.now()))])
    assert seen == [moment]
    with pytest.raises(RuntimeError), as_of(moment):
        raise RuntimeError("a step fails")
    assert timezone.now() - moment > timedelta(days=29)
    with pytest.raises(ValueError, match="in the future"):
        run_steps([Step(timezone.now() + timedelta(hours=1), lambda: None)])
