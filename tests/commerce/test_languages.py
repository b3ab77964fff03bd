"""Who reads which language on the pages: a seller user picks Seller Central's in its header
(else reads the browser's among the five, else English); a buyer reads their own choice,
else their marketplace's."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commerce.models import Customer, SellerMembership

from .. import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller_user(seller):
    return factories.seller_user(seller)


@pytest.fixture
def seller_client(seller_user) -> Client:
    client = Client()
    client.force_login(seller_user)
    return client


def _lang(response) -> str:
    return response.headers["Content-Language"]


# --- Seller Central ---------------------------------------------------------------------
def test_every_seller_central_page_offers_the_language_menu(seller_client):
    html = seller_client.get(reverse("seller:home")).content.decode()
    assert f'action="{reverse("seller:language")}"' in html
    assert '<label class="visually-hidden" for="sc-language-language">Language</label>' in html
    for code, name in [("en-gb", "English"), ("fr", "Français"), ("de", "Deutsch"), ("it", "Italiano")]:
        assert f'<option value="{code}" lang="{code}"' in html and name in html
    assert 'name="next" value="/seller/"' in html


def test_the_chosen_language_is_stored_and_applied_on_the_next_page(seller_client, seller_user):
    response = seller_client.post(reverse("seller:language"), {"language": "fr", "next": "/seller/orders/"})
    assert response.status_code == 302 and response.url == "/seller/orders/"
    assert SellerMembership.objects.get(user=seller_user).language == "fr"
    page = seller_client.get("/seller/orders/")
    assert _lang(page) == "fr" and '<html lang="fr"' in page.content.decode()
    assert '<option value="fr" lang="fr" selected>' in page.content.decode()
    assert '<option value="en-gb" lang="en-gb">English</option>' in page.content.decode()  # not "Anglais"
    # … and it beats the browser's preference from now on.
    assert _lang(seller_client.get("/seller/", HTTP_ACCEPT_LANGUAGE="de")) == "fr"


def test_never_chosen_seller_central_follows_the_browser_among_the_five(seller_client):
    assert _lang(seller_client.get("/seller/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")) == "de"
    assert _lang(seller_client.get("/seller/", HTTP_ACCEPT_LANGUAGE="it")) == "it"
    assert _lang(seller_client.get("/seller/", HTTP_ACCEPT_LANGUAGE="nl-NL,nl;q=0.9")) == "en-gb"
    assert _lang(seller_client.get("/seller/")) == "en-gb"


@pytest.mark.parametrize("bad", ["nl", "", "FR ", "en-us", "x" * 300])
def test_a_language_not_offered_is_refused_and_changes_nothing(seller_client, seller_user, bad):
    SellerMembership.objects.filter(user=seller_user).update(language="de")
    response = seller_client.post(reverse("seller:language"), {"language": bad, "next": "/seller/orders/"})
    assert response.status_code == 400
    assert 'class="field__error"' in response.content.decode()
    assert SellerMembership.objects.get(user=seller_user).language == "de"


def test_the_menu_only_sends_back_to_a_page_of_this_site(seller_client):
    for target in ["https://evil.example/", "//evil.example/seller/", "javascript:alert(1)"]:
        response = seller_client.post(reverse("seller:language"), {"language": "it", "next": target})
        assert response.status_code == 302 and response.url == reverse("seller:home")


def test_the_language_page_works_without_the_header(seller_client):
    response = seller_client.get(reverse("seller:language"))
    assert response.status_code == 200
    assert '<label for="id_language">Language</label>' in response.content.decode()


def test_the_menu_needs_a_signed_in_seller_and_a_csrf_token(seller_user, customer):
    anonymous = Client()
    response = anonymous.post(reverse("seller:language"), {"language": "fr"})
    assert response.status_code == 302 and response.url.startswith(reverse("seller:signin"))
    buyer = Client()
    buyer.force_login(customer.user)
    assert buyer.post(reverse("seller:language"), {"language": "fr"}).status_code == 404
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(seller_user)
    assert strict.post(reverse("seller:language"), {"language": "fr"}).status_code == 403
    assert SellerMembership.objects.get(user=seller_user).language == ""


def test_the_membership_is_read_once_per_page(seller_client, seller_user):
    SellerMembership.objects.filter(user=seller_user).update(language="es")
    with CaptureQueriesContext(connection) as queries:
        response = seller_client.get("/seller/orders/")
    assert _lang(response) == "es"
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "commerce_sellermembership"' in q["sql"]]
    assert len(reads) == 1, reads


# --- Storefront ---------------------------------------------------------------------------
@pytest.fixture
def french_buyer(customer) -> Customer:
    customer.marketplace = factories.marketplace("fr")
    customer.save()
    return customer


def test_a_buyer_reads_their_marketplaces_language_until_they_choose(french_buyer, buyer_client):
    page = buyer_client.get(reverse("storefront:orders"))
    assert _lang(page) == "fr" and "Vos commandes" in page.content.decode()
    assert f'action="{reverse("storefront:language")}"' in page.content.decode()
    response = buyer_client.post(reverse("storefront:language"), {"language": "de", "next": "/orders/"})
    assert response.status_code == 302 and response.url == "/orders/"
    assert Customer.objects.get(pk=french_buyer.pk).chosen_language == "de"
    page = buyer_client.get(reverse("storefront:orders"), HTTP_ACCEPT_LANGUAGE="fr")
    assert _lang(page) == "de" and "Meine Bestellungen" in page.content.decode()
    assert "/returns/" in page.content.decode()  # the returns pages too, through the middleware
    assert _lang(buyer_client.get(reverse("returns:centre"))) == "de"


def test_a_buyers_bad_language_is_refused_and_changes_nothing(french_buyer, buyer_client):
    response = buyer_client.post(reverse("storefront:language"), {"language": "pt"})
    assert response.status_code == 400 and 'class="field__error"' in response.content.decode()
    assert Customer.objects.get(pk=french_buyer.pk).chosen_language == ""
    assert _lang(buyer_client.get(reverse("storefront:orders"))) == "fr"


def test_the_storefront_menu_is_a_buyers(seller_client):
    assert seller_client.post(reverse("storefront:language"), {"language": "fr"}).status_code == 404
