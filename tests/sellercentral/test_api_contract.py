"""The schema is the contract: named operations, JSON bodies, one error envelope on every
error, required fields and real types; and the errors the API answers are that envelope."""

import json

import pytest
from django.http import HttpResponse
from django.test import Client

from returns import services as returns
from sellercentral.schema import OPERATIONS

from .. import factories
from ..api_conformance import Conformance, ResponseDoesNotConform

pytestmark = pytest.mark.django_db

ENVELOPE = {"$ref": "#/components/schemas/ErrorList"}
FILES = {"contactSeller", "contactBuyer", "replyToThread"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def component(schema, reference: str) -> dict:
    return schema["components"]["schemas"][reference.rsplit("/", 1)[1]]


def test_every_operation_has_its_hand_chosen_name_and_one_area(schema):
    named = {(path, method): (op["operationId"], op["tags"]) for path, method, op in operations(schema)}
    assert named == {key: (name, [tag]) for key, (name, tag) in OPERATIONS.items()}
    assert {"listSellerMessages", "getSellerThread", "replyToThread", "authoriseReturn", "denyReturn"} <= {
        name for name, _ in named.values()
    }
    assert {tag["name"] for tag in schema["tags"]} == {tag for _, tag in OPERATIONS.values()}


def test_the_servers_are_the_site_serving_the_schema_and_the_token_prefix_is_stated(schema):
    assert schema["openapi"] == "3.1.0"
    assert schema["servers"] == [{"url": "/", "description": "The site serving this schema"}]
    token = schema["components"]["securitySchemes"]["knoxApiToken"]
    assert "`Authorization: Token <token>`" in token["description"]


def test_request_bodies_are_json_and_only_file_uploads_add_multipart(schema):
    for path, method, operation in operations(schema):
        if "requestBody" not in operation:
            continue
        types = set(operation["requestBody"]["content"])
        if operation["operationId"] == "receiveInboundEmail":
            assert types == {"message/rfc822"}
        elif operation["operationId"] in FILES:
            assert types == {"application/json", "multipart/form-data"}, path
            json_body = component(
                schema, operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            )
            assert "attachments" not in json_body["properties"]  # files never in JSON
            # Optional so that openapi-python-client's module for it imports (sellercentral.schema).
            assert operation["requestBody"]["required"] is False
        else:
            assert types == {"application/json"}, (method, path)


def test_every_operation_declares_the_one_error_envelope(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        expected = {"400", "401", "403", "404", "409", "429", "500"}
        if "requestBody" in operation:
            expected.add("415")
        assert expected <= set(responses), (method, path)
        for status, response in responses.items():
            if status >= "400":
                assert response["content"] == {"application/json": {"schema": ENVELOPE}}, (
                    method,
                    path,
                    status,
                )
    envelope = schema["components"]["schemas"]["ErrorList"]
    assert envelope["required"] == ["errors"]
    assert envelope["properties"]["detail"] == {
        "type": "string",
        "description": "Kept for compatibility: the messages naming no field.",
    }
    assert envelope["additionalProperties"]["items"] == {"type": "string"}
    error = schema["components"]["schemas"]["Error"]
    assert (set(error["properties"]), error["required"]) == (
        {"code", "message", "field"},
        ["code", "message"],
    )


def test_a_requested_return_is_declared_as_the_return_with_warnings_beside_it(schema):
    operation = schema["paths"]["/api/v1/buyer/orders/{order_id}/returns/"]["post"]
    created = component(
        schema, operation["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    )
    returned = schema["components"]["schemas"]["Return"]
    assert set(created["properties"]) == {*returned["properties"], "warnings"}
    assert created["properties"]["warnings"] == {"type": "array", "items": {"type": "string"}}


def test_answers_have_every_field_required_and_real_types(schema):
    schemas = schema["components"]["schemas"]
    for name in ["Return", "ReturnItem", "Message", "Thread", "ContactResponseTime", "ResponseWindow"]:
        assert schemas[name]["required"] == list(schemas[name]["properties"]), name
    assert schemas["ReturnItem"]["properties"]["reason"] == {"$ref": "#/components/schemas/ReturnReasonEnum"}
    assert schemas["Return"]["properties"]["return_address"]["oneOf"] == [
        {"$ref": "#/components/schemas/Address"},
        {"type": "null"},
    ]
    assert schemas["Thread"]["properties"]["order"]["oneOf"] == [
        {"$ref": "#/components/schemas/ThreadOrder"},
        {"type": "null"},
    ]
    assert schemas["Message"]["properties"]["attachments"]["items"] == {
        "$ref": "#/components/schemas/Attachment"
    }
    window = schemas["ResponseWindow"]["properties"]
    assert window["under_24h"]["description"] == "Answered within 24 hours"
    assert window["late"]["description"] == "Answered late or not at all"
    parts = schemas["OrderDefectRate"]["properties"]["parts"]
    assert set(schemas[parts["$ref"].rsplit("/", 1)[1]]["properties"]) == {
        "a_to_z_claims",
        "negative_feedback",
    }
    assert "nullable" not in json.dumps(schema)


# --- The errors themselves -------------------------------------------------------------
def test_no_credentials_is_a_401_in_the_envelope():
    response = Client().get("/api/v1/seller/claims/")
    assert response.status_code == 401
    body = response.json()
    assert body["errors"] == [{"code": "not_authenticated", "message": body["detail"]}]


def test_a_buyer_on_a_seller_endpoint_is_a_403_in_the_envelope(buyer_client):
    response = buyer_client.get("/api/v1/seller/claims/")
    assert response.status_code == 403
    assert response.json() == {
        "errors": [{"code": "permission_denied", "message": "This endpoint is for Seller Central users."}],
        "detail": "This endpoint is for Seller Central users.",
    }


def test_an_address_no_endpoint_serves_is_a_json_404_not_a_page(seller_client):
    response = seller_client.get("/api/v1/seller/nothing-here/")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json() == {
        "errors": [{"code": "not_found", "message": "Not found."}],
        "detail": "Not found.",
    }


def test_a_method_an_endpoint_does_not_take_is_a_405_in_the_envelope(seller_client):
    response = seller_client.delete("/api/v1/seller/claims/")
    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "method_not_allowed"


def test_a_form_body_is_a_415_in_the_envelope(seller_client):
    response = seller_client.put(
        "/api/v1/seller/return-settings/",
        "email_quick_links=on",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    assert response.json()["errors"][0]["code"] == "unsupported_media_type"


def test_a_refused_state_change_is_a_409_in_the_envelope_with_its_detail(seller):
    order = factories.order_with_items(seller=seller)
    factories.return_address(seller)
    request, _ = returns.request_return(
        order=order,
        customer=order.customer,
        items=[returns.RequestedItem(order.items.get().pk, 1, "unwanted")],
    )
    client = Client()
    client.force_login(order.customer.user)
    assert client.post(f"/api/v1/buyer/returns/{request.pk}/cancel/").status_code == 200
    again = client.post(f"/api/v1/buyer/returns/{request.pk}/cancel/")
    assert again.status_code == 409
    body = again.json()
    assert body["errors"] == [{"code": "conflict", "message": body["detail"]}] and body["detail"]


# --- The conformance check can fail ------------------------------------------------------
def _checked(body: dict, status: int = 200, path: str = "/api/v1/seller/metrics/contact-response-time/"):
    checker = Conformance()
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    checker.check(Client.request, {"PATH_INFO": path, "REQUEST_METHOD": "GET"}, response)
    return checker


def test_the_conformance_check_refuses_an_undeclared_key_naming_operation_status_and_path():
    body = {"status": "no_data", "unanswered_last_7_days": 0, "windows": [], "surprise": 1}
    with pytest.raises(ResponseDoesNotConform) as refused:
        _checked(body)
    assert str(refused.value).startswith(
        "GET /api/v1/seller/metrics/contact-response-time/ (getContactResponseTime) → 200: $:"
    )
    assert "surprise" in str(refused.value)


def test_the_conformance_check_refuses_a_wrong_type_deep_in_the_body_and_an_undeclared_status():
    window = {
        "days": 7, "start": "2026-01-01T00:00:00Z", "end": "2026-01-08T00:00:00Z",
        "under_24h": {"count": "1", "percent": None}, "over_24h": 0, "no_response_over_24h": 0,
        "late": {"count": 0, "percent": None}, "average_response_seconds": None,
    }  # fmt: skip
    with pytest.raises(ResponseDoesNotConform, match=r"\$\.windows\[0\]\.under_24h\.count"):
        _checked({"status": "good", "unanswered_last_7_days": 0, "windows": [window]})
    with pytest.raises(ResponseDoesNotConform, match="→ 201: status not declared"):
        _checked({}, status=201)


def test_the_conformance_check_accepts_a_declared_answer():
    checker = _checked({"status": "no_data", "unanswered_last_7_days": 0, "windows": []})
    assert checker.called == {"GET /api/v1/seller/metrics/contact-response-time/"}
