"""The buyer's "Communication preferences": opting out of sellers' unsolicited messages
(what it refuses is tested with messaging: tests/messaging/test_contact_reasons.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from commerce import services
from commerce.models import Customer

from .. import factories

pytestmark = pytest.mark.django_db

URL = "/account/communication-preferences/"


def test_the_page_has_its_address_and_every_buyer_page_links_to_it(buyer_client):
    assert reverse("storefront:communication_preferences") == URL
    html = buyer_client.get(reverse("storefront:orders")).content.decode()
    assert f'href="{URL}"' in html


def test_a_new_buyer_receives_sellers_messages_until_they_opt_out(customer, buyer_client):
    assert not customer.opted_out_of_unsolicited_messages
    html = buyer_client.get(URL).content.decode()
    assert "Do not send me unsolicited messages from sellers" in html
    assert "checked" not in html


def test_the_buyer_opts_out_and_back_in(customer, buyer_client):
    response = buyer_client.post(URL, {"opted_out_of_unsolicited_messages": "on"})
    assert response.status_code == 302 and response["Location"] == URL
    customer.refresh_from_db()
    assert customer.opted_out_of_unsolicited_messages
    page = buyer_client.get(URL).content.decode()
    assert "Your communication preferences have been saved." in page
    assert "checked" in page
    buyer_client.post(URL, {})  # an unticked box is not sent at all
    customer.refresh_from_db()
    assert not customer.opted_out_of_unsolicited_messages


def test_the_service_writes_only_the_preference(customer, django_assert_num_queries):
    with django_assert_num_queries(1):  # UPDATE of the one column
        services.set_communication_preferences(customer=customer, opted_out_of_unsolicited_messages=True)
    assert Customer.objects.get(pk=customer.pk).opted_out_of_unsolicited_messages


def test_sign_in_first_and_sellers_have_no_such_page(seller):
    assert Client().get(URL)["Location"] == f"/signin/?next={URL}"
    client = Client()
    client.force_login(factories.seller_user(seller))
    assert client.get(URL).status_code == 404


def test_the_page_reads_a_fixed_number_of_queries(buyer_client, django_assert_num_queries):
    # 1 session, 1 user, 1 the buyer (with their preference)
    with django_assert_num_queries(3):
        assert buyer_client.get(URL).status_code == 200
