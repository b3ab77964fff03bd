"""The reply template rows of docs/api.md: /api/v1/seller/message-templates/."""

import pytest
from rest_framework.test import APIClient

from messaging import policy, services
from messaging.models import ReplyTemplate

from .. import factories
from ..api_errors import fields_in_error

pytestmark = pytest.mark.django_db
LIST = "/api/v1/seller/message-templates/"
FIELDS = {"id", "name", "language", "body", "placeholders", "created_at", "updated_at"}


@pytest.fixture
def seller_api(seller):
    client = APIClient()
    client.force_authenticate(factories.seller_user(seller))
    return client


def _template(seller, name="Dispatched", body="Hello {buyer_name}, order {order_id}.", language="en-gb"):
    return services.create_reply_template(seller=seller, name=name, language=language, body=body)


def test_a_seller_creates_lists_reads_changes_and_deletes_a_template(seller, seller_api):
    created = seller_api.post(
        LIST, {"name": "Return", "language": "fr", "body": "Bonjour {buyer_name}, RMA {rma}"}, format="json"
    )
    assert created.status_code == 201
    body = created.json()
    assert set(body) == FIELDS
    assert body["placeholders"] == ["buyer_name", "rma"] and body["language"] == "fr"
    url = f"{LIST}{body['id']}/"

    listed = seller_api.get(LIST).json()
    assert listed["count"] == 1 and listed["results"][0]["name"] == "Return"
    assert seller_api.get(url).json()["body"] == "Bonjour {buyer_name}, RMA {rma}"

    changed = seller_api.put(
        url, {"name": "Retour", "language": "fr", "body": "Merci {buyer_name}"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["placeholders"] == ["buyer_name"]
    patched = seller_api.patch(url, {"name": "Retour autorisé"}, format="json")
    assert patched.status_code == 200 and patched.json()["body"] == "Merci {buyer_name}"

    assert seller_api.delete(url).status_code == 204
    assert not ReplyTemplate.objects.exists()
    assert seller_api.get(url).status_code == 404


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"body": "Hello {buyer}"}, "body"),
        ({"body": "Hello {buyer_name"}, "body"),
        ({"body": "x" * (policy.MAX_BODY_CHARS + 1)}, "body"),
        ({"name": "n" * (policy.MAX_TEMPLATE_NAME_CHARS + 1)}, "name"),
        ({"name": "DISPATCHED"}, "name"),
        ({"language": "nl"}, "language"),
        ({"body": ""}, "body"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(seller, seller_api, fields, field):
    _template(seller, name="Dispatched")
    response = seller_api.post(
        LIST, {"name": "New", "language": "en-gb", "body": "Hi", **fields}, format="json"
    )
    assert response.status_code == 400
    assert fields_in_error(response) == {field}
    assert ReplyTemplate.objects.count() == 1


def test_a_change_to_a_taken_name_or_a_bad_placeholder_is_a_400(seller, seller_api):
    _template(seller, name="Dispatched")
    mine = _template(seller, name="Thanks")
    response = seller_api.patch(f"{LIST}{mine.pk}/", {"name": "dispatched", "body": "{x}"}, format="json")
    assert response.status_code == 400 and fields_in_error(response) == {"name", "body"}
    mine.refresh_from_db()
    assert mine.name == "Thanks"


def test_the_cap_is_a_400(seller, seller_api):
    ReplyTemplate.objects.bulk_create(
        ReplyTemplate(seller=seller, name=f"T{n}", language="en-gb", body="Hello")
        for n in range(policy.MAX_TEMPLATES_PER_SELLER)
    )
    response = seller_api.post(LIST, {"name": "One more", "language": "en-gb", "body": "Hi"}, format="json")
    assert response.status_code == 400
    assert f"You have {policy.MAX_TEMPLATES_PER_SELLER} templates" in response.json()["detail"]


def test_another_sellers_template_is_a_404_and_never_listed(seller, seller_api):
    theirs = _template(factories.SellerAccountFactory())
    url = f"{LIST}{theirs.pk}/"
    assert seller_api.get(url).status_code == 404
    assert (
        seller_api.put(url, {"name": "Mine", "language": "en-gb", "body": "Hi"}, format="json").status_code
        == 404
    )
    assert seller_api.delete(url).status_code == 404
    assert seller_api.get(LIST).json()["count"] == 0
    theirs.refresh_from_db()
    assert theirs.name == "Dispatched"


def test_buyers_and_strangers_have_no_templates(seller, customer):
    client = APIClient()
    assert client.get(LIST).status_code in (401, 403)
    client.force_authenticate(customer.user)
    assert client.get(LIST).status_code == 403


def test_the_list_runs_in_constant_queries(seller, seller_api, django_assert_max_num_queries):
    _template(seller)
    # seller, count, page
    with django_assert_max_num_queries(3):
        seller_api.get(LIST)
    ReplyTemplate.objects.bulk_create(
        ReplyTemplate(seller=seller, name=f"T{n:02d}", language="en-gb", body="Hello") for n in range(60)
    )
    with django_assert_max_num_queries(3):
        page = seller_api.get(LIST + "?page_size=50").json()
    assert page["count"] == 61 and len(page["results"]) == 50


def test_the_cursor_walks_templates_by_name_whatever_their_case(seller, seller_api):
    """The list's order is the name without case: the cursor walks it, ties broken by id."""
    names = ["beta", "Alpha", "alpha2", "Gamma", "delta"]
    for name in names:
        _template(seller, name=name)
    first = seller_api.get(LIST, {"page_size": 2}).json()
    second = seller_api.get(first["next"]).json()
    third = seller_api.get(second["next"]).json()
    walked = [row["name"] for page in (first, second, third) for row in page["results"]]
    assert walked == sorted(names, key=str.lower) and third["next"] is None
