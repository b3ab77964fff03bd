"""Settings > Webhooks in Seller Central: add a webhook (its secret shown once), read its
delivery log, send a test event, delete it; only the seller's own, in constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrations import services
from integrations.models import Subscription

from .. import factories

pytestmark = pytest.mark.django_db
LIST = "/seller/settings/webhooks/"


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_settings_menu_leads_to_webhooks(seller_client):
    assert f'href="{LIST}"' in seller_client.get("/seller/").content.decode()


def test_adding_a_webhook_shows_its_secret_once(seller_client, seller, endpoint):
    page = seller_client.get(LIST).content.decode()
    assert '<label for="id_url">Endpoint URL</label>' in page
    assert 'name="csrfmiddlewaretoken"' in page

    answer = seller_client.post(
        LIST, {"url": endpoint.url, "description": "ERP", "event_types": ["return.requested", "claim.filed"]}
    )

    subscription = Subscription.objects.get()
    assert (subscription.seller, subscription.event_types) == (seller, ["return.requested", "claim.filed"])
    assert subscription.secret in answer.content.decode()
    assert subscription.secret not in seller_client.get(LIST).content.decode()
    assert subscription.secret not in seller_client.get(f"{LIST}{subscription.pk}/").content.decode()


def test_a_bad_webhook_is_explained_beside_its_fields(seller_client):
    answer = seller_client.post(LIST, {"url": "http://example.com/hooks"})

    assert answer.status_code == 400
    page = answer.content.decode()
    assert "The URL must start with https://." in page
    assert "Choose at least one event." in page
    assert not Subscription.objects.exists()


def test_a_test_event_is_sent_and_shown_in_the_delivery_log(seller_client, subscribe, endpoint, on_commit):
    subscription = subscribe(["claim.filed"])

    on_commit(seller_client.post, f"{LIST}{subscription.pk}/test/")

    page = seller_client.get(f"{LIST}{subscription.pk}/").content.decode()
    assert len(endpoint.received) == 1
    assert "webhook.test" in page and "HTTP 204" in page and "Delivered" in page


def test_deleting_a_webhook(seller_client, subscribe):
    subscription = subscribe(["claim.filed"])

    assert seller_client.get(f"{LIST}{subscription.pk}/delete/").status_code == 405
    seller_client.post(f"{LIST}{subscription.pk}/delete/")

    assert not Subscription.objects.exists()


def test_another_sellers_webhook_is_a_404(seller_client, subscribe):
    theirs = subscribe(["claim.filed"], to_seller=factories.SellerAccountFactory())

    assert seller_client.get(f"{LIST}{theirs.pk}/").status_code == 404
    assert seller_client.post(f"{LIST}{theirs.pk}/test/").status_code == 404
    assert seller_client.post(f"{LIST}{theirs.pk}/delete/").status_code == 404
    assert theirs.url not in seller_client.get(LIST).content.decode()
    assert Subscription.objects.filter(pk=theirs.pk).exists()


def test_a_buyer_finds_no_webhooks_page_and_a_stranger_is_asked_to_sign_in(buyer_client, client):
    assert buyer_client.get(LIST).status_code == 404  # as every seller page answers a buyer
    assert client.get(LIST).url.startswith("/seller/signin/")


def test_the_list_and_the_log_run_in_constant_queries(seller_client, seller, subscribe, endpoint, on_commit):
    subscription = subscribe(["claim.filed"])
    on_commit(services.send_test_event, subscription=subscription)
    queries(seller_client, LIST)  # the menu's to-dos are cached from the first page on
    few_list, few_log = queries(seller_client, LIST), queries(seller_client, f"{LIST}{subscription.pk}/")
    for _ in range(4):
        subscribe(["claim.filed"])
    endpoint.answers = [500, 500]
    for _ in range(4):
        on_commit(services.send_test_event, subscription=subscription)

    assert queries(seller_client, LIST) == few_list
    assert queries(seller_client, f"{LIST}{subscription.pk}/") == few_log
