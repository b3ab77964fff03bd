"""The returns and claims rows of docs/api.md, field for field."""

from io import BytesIO

import pytest
from django.core import mail
from pypdf import PdfReader
from rest_framework.test import APIClient

from returns.models import Claim, ReturnRequest

from .. import factories
from ..api_errors import fields_in_error
from .conftest import ADDRESS

pytestmark = pytest.mark.django_db
RETURN_FIELDS = {
    "id", "rma", "status", "close_reason", "order_id", "marketplace", "buyer_name", "items", "requested_at",
    "authorised_at", "return_by", "return_address", "refunded_total", "currency", "actions", "history",
}  # fmt: skip


@pytest.fixture
def buyer_api(customer):
    client = APIClient()
    client.force_authenticate(customer.user)
    return client


@pytest.fixture
def seller_api(seller_account_user):
    client = APIClient()
    client.force_authenticate(seller_account_user)
    return client


def _request(buyer_api, order, card, **extra):
    body = {
        "items": [{"order_item": card.pk, "quantity": 1, "reason": "missing_parts", "comment": "comment"}],
        **extra,
    }
    return buyer_api.post(f"/api/v1/buyer/orders/{order.order_id}/returns/", body, format="json")


def test_reason_lists_are_public_with_the_exact_labels():
    reasons = APIClient().get("/api/v1/return-reasons/").json()
    assert len(reasons) == 14
    assert {"code": "missing_parts", "label": "Missing parts or accessories"} in reasons
    assert reasons[4]["label"] == "The shipping box or envelope isn't damaged but the item is damaged"
    deny = APIClient().get("/api/v1/deny-reasons/").json()
    assert [d["label"] for d in deny] == [
        "Media or software has been opened", "Return requested outside the return window",
        "Item damaged or used by the buyer", "Item is not returnable", "Other",
    ]  # fmt: skip


def test_the_whole_story_through_the_api(order, card, buyer_api, seller_api, on_commit):
    created = on_commit(_request, buyer_api, order, card)
    assert created.status_code == 201
    body = created.json()
    assert set(body) >= RETURN_FIELDS and body["warnings"] == []
    assert (body["status"], body["actions"]) == ("authorisation_required", ["cancel"])
    assert body["items"][0] == {
        "order_item": card.pk,
        "asin": "B0000F2F36",
        "title": card.product.title,
        "quantity": 1,
        "reason": "missing_parts",
        "comment": "comment",
    }
    again = _request(buyer_api, order, card)
    assert again.json()["warnings"] == [f"You already have an open return request for {card.product.title}."]
    rid = body["id"]
    seller_view = seller_api.get(f"/api/v1/seller/returns/{rid}/").json()
    assert seller_view["actions"] == ["authorise", "deny", "refund", "contact_buyer"]
    assert buyer_api.get(f"/api/v1/buyer/returns/{rid}/label/").status_code == 409
    authorised = seller_api.post(f"/api/v1/seller/returns/{rid}/authorise/", {}, format="json")
    assert authorised.status_code == 200 and authorised.json()["rma"] and authorised.json()["return_by"]
    assert [h["to_status"] for h in authorised.json()["history"]] == ["authorisation_required", "authorised"]
    label = buyer_api.get(f"/api/v1/buyer/returns/{rid}/label/")
    assert label["Content-Type"] == "application/pdf"
    assert authorised.json()["rma"] in PdfReader(BytesIO(label.content)).pages[0].extract_text()
    assert buyer_api.post(f"/api/v1/buyer/returns/{rid}/cancel/").status_code == 409
    assert (
        seller_api.post(
            f"/api/v1/seller/returns/{rid}/deny/", {"reason": "other", "message": "no"}, format="json"
        ).status_code
        == 409
    )
    refund = seller_api.post(
        f"/api/v1/seller/returns/{rid}/refund/", {"amount": "6.49"}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert (
        refund.status_code == 201 and refund.json()["amount"] == "6.49" and refund.json()["currency"] == "GBP"
    )
    repeat = seller_api.post(
        f"/api/v1/seller/returns/{rid}/refund/", {"amount": "6.49"}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert repeat.json()["id"] == refund.json()["id"]
    final = seller_api.get(f"/api/v1/seller/returns/{rid}/").json()
    assert (final["status"], final["close_reason"], final["refunded_total"]) == ("closed", "refunded", "6.49")
    over = seller_api.post(f"/api/v1/seller/returns/{rid}/refund/", {"amount": "0.01"}, format="json")
    assert over.status_code == 400 and "amount" in over.json()


def test_field_errors_are_400_and_change_nothing(order, card, buyer_api):
    bad = {"items": [{"order_item": card.pk, "quantity": 9, "reason": "nope", "comment": "x" * 201}]}
    response = buyer_api.post(f"/api/v1/buyer/orders/{order.order_id}/returns/", bad, format="json")
    assert response.status_code == 400
    # A nested field is named by its path, in the envelope and in the first version's keys.
    assert fields_in_error(response) == {"items.0.reason", "items.0.comment"}
    too_many = buyer_api.post(
        f"/api/v1/buyer/orders/{order.order_id}/returns/",
        {"items": [{"order_item": card.pk, "quantity": 9, "reason": "unwanted"}]},
        format="json",
    )
    assert too_many.status_code == 400 and fields_in_error(too_many) == {"items.0.quantity"}
    assert not ReturnRequest.objects.exists()


def test_deny_limits_and_cancel(order, card, buyer_api, seller_api):
    rid = _request(buyer_api, order, card).json()["id"]
    long = seller_api.post(
        f"/api/v1/seller/returns/{rid}/deny/", {"reason": "other", "message": "m" * 3001}, format="json"
    )
    assert long.status_code == 400 and "message" in long.json()
    cancelled = buyer_api.post(f"/api/v1/buyer/returns/{rid}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["close_reason"] == "withdrawn_by_buyer"


def test_seller_list_filters(order, card, buyer_api, seller_api):
    first = _request(buyer_api, order, card).json()["id"]
    second = _request(buyer_api, order, card).json()["id"]
    seller_api.post(
        f"/api/v1/seller/returns/{second}/deny/", {"reason": "other", "message": "no"}, format="json"
    )

    def ids(**params):
        return [r["id"] for r in seller_api.get("/api/v1/seller/returns/", params).json()["results"]]

    assert ids() == [second, first]
    assert ids(status="authorisation_required") == [first]
    assert ids(status="denied_by_seller") == [second]
    assert ids(status="closed") == [second]
    assert ids(q=order.order_id) == [second, first]
    assert seller_api.get("/api/v1/seller/returns/", {"status": "bogus"}).status_code == 400


def test_others_returns_are_404(order, card, buyer_api):
    rid = _request(buyer_api, order, card).json()["id"]
    stranger, other_seller = APIClient(), APIClient()
    stranger.force_authenticate(factories.CustomerFactory().user)
    other_seller.force_authenticate(factories.seller_user())
    assert stranger.get(f"/api/v1/buyer/returns/{rid}/").status_code == 404
    assert stranger.post(f"/api/v1/buyer/returns/{rid}/cancel/").status_code == 404
    assert other_seller.get(f"/api/v1/seller/returns/{rid}/").status_code == 404
    assert other_seller.post(f"/api/v1/seller/returns/{rid}/authorise/", {}, format="json").status_code == 404
    assert other_seller.get("/api/v1/seller/returns/").json()["count"] == 0
    assert ReturnRequest.objects.get(pk=rid).status == "authorisation_required"


def test_return_addresses_get_and_put(order, seller, seller_api):
    seller.marketplaces.add(factories.marketplace("fr"))
    body = seller_api.get("/api/v1/seller/return-addresses/").json()
    assert body["default"]["postcode"] == "WC2A 2HD" and body["exceptions"] == {}
    put = seller_api.put(
        "/api/v1/seller/return-addresses/",
        {
            "default": ADDRESS,
            "exceptions": {"fr": {**ADDRESS, "name": "FR desk", "postcode": "75001", "country": "France"}},
        },
        format="json",
    )
    assert put.status_code == 200 and put.json()["exceptions"]["fr"]["name"] == "FR desk"
    bad = seller_api.put(
        "/api/v1/seller/return-addresses/",
        {"default": {**ADDRESS, "postcode": "wc2a"}, "exceptions": {}},
        format="json",
    )
    assert bad.status_code == 400
    unknown = seller_api.put(
        "/api/v1/seller/return-addresses/", {"default": ADDRESS, "exceptions": {"de": ADDRESS}}, format="json"
    )
    assert unknown.status_code == 400
    assert seller_api.get("/api/v1/seller/return-addresses/").json()["exceptions"]["fr"]["name"] == "FR desk"


def test_claims_are_filed_listed_and_decided_by_staff(order, buyer_api, seller_api, on_commit, customer):
    filed = on_commit(
        buyer_api.post,
        f"/api/v1/buyer/orders/{order.order_id}/claims/",
        {"reason": "not_received", "body": "Never came."},
        format="json",
    )
    assert filed.status_code == 201 and filed.json()["status"] == "open"
    assert {m.to[0] for m in mail.outbox} == {customer.email, "returns@test-uk-seller.example.net"}
    second = buyer_api.post(
        f"/api/v1/buyer/orders/{order.order_id}/claims/",
        {"reason": "not_received", "body": "again"},
        format="json",
    )
    assert second.status_code == 400
    assert [c["id"] for c in seller_api.get("/api/v1/seller/claims/").json()["results"]] == [
        filed.json()["id"]
    ]
    from django.test import Client

    staff = Client()
    staff.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    mail.outbox.clear()
    on_commit(
        staff.post, "/admin/returns/claim/", {"action": "grant", "_selected_action": [filed.json()["id"]]}
    )
    claim = Claim.objects.get()
    assert claim.status == "granted" and claim.decided_by is not None
    assert {m.to[0] for m in mail.outbox} == {customer.email, "returns@test-uk-seller.example.net"}
    assert "Granted" in mail.outbox[0].subject


def test_seller_lists_run_in_constant_queries(
    order, card, buyer_api, seller_api, django_assert_max_num_queries, settings
):
    # 23 requests from one buyer at once: more than a person makes (their rate is lifted here).
    settings.WRITE_RATES = {"return_request": (100, 3600)}
    for _ in range(3):
        _request(buyer_api, order, card)
    # seller, count, page, items, history
    with django_assert_max_num_queries(5):
        seller_api.get("/api/v1/seller/returns/")
    for _ in range(20):
        _request(buyer_api, order, card)
    with django_assert_max_num_queries(5):
        assert len(seller_api.get("/api/v1/seller/returns/").json()["results"]) == 23
