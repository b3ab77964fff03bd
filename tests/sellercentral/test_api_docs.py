"""OpenAPI schema and docs are served by the project itself, with no CDN."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_schema_documents_the_contract_paths():
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert {"/api/v1/auth/token/", "/api/v1/buyer/orders/"} <= set(schema["paths"])


def test_the_schema_documents_token_sign_in_revocation_and_the_token_scheme():
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operations = schema["paths"]["/api/v1/auth/token/"]
    assert {"post", "delete"} <= set(operations)
    signed_in = operations["post"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    token = schema["components"]["schemas"][signed_in.rsplit("/", 1)[1]]
    assert set(token["properties"]) == {"token", "expiry"}
    assert token["properties"]["expiry"]["format"] == "date-time"
    assert "204" in operations["delete"]["responses"]
    [scheme_name] = [name for requirement in operations["delete"]["security"] for name in requirement]
    scheme = schema["components"]["securitySchemes"][scheme_name]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert 'prefix "Token"' in scheme["description"]
    # Every other endpoint names the same token scheme among its ways in.
    orders = schema["paths"]["/api/v1/buyer/orders/"]["get"]["security"]
    assert {scheme_name, "cookieAuth"} <= {name for requirement in orders for name in requirement}


def test_the_docs_page_loads_its_assets_from_this_site():
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    assert all(a.startswith("/static/") for a in assets), assets
    for asset in assets:
        assert Client().get(asset).status_code == 200, asset


def test_health_reports_the_database():
    body = Client().get("/healthz/").json()
    assert body["database"] == "ok"
