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
