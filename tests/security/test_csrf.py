"""CSRF on every form: a POST without the token is refused on every page and on the API
when signed in with a session, and changes nothing; every POST form carries the token.

Routes come from the URLconf (``routes.py``, with the ``world`` of conftest.py), so a new page
is covered.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from .. import factories
from .routes import all_routes, path_of
from .test_tenant_isolation import EXEMPT, snapshot

pytestmark = pytest.mark.django_db

# Not protected by a CSRF token, with the reason.
NO_SESSION_FORMS = {
    "api/v1/inbound-email/": "the mail gateway's webhook, authenticated by a shared secret, never by a browser session",
}


def _client(route: str, world: dict) -> Client:
    client = Client(enforce_csrf_checks=True)
    if route.startswith("dev/"):
        client.force_login(world["staff"])
    elif "seller/" in route:
        client.force_login(world["seller_user"])
    else:
        client.force_login(world["buyer_user"])
    return client


def test_a_post_without_the_csrf_token_is_refused_everywhere_and_changes_nothing(world):
    world["staff"] = factories.UserFactory(is_staff=True, is_superuser=True)
    before = snapshot()
    checked = 0
    for route in all_routes():
        if route in NO_SESSION_FORMS:
            continue
        if route in EXEMPT:  # a parameter that is not an object of the world: any value does
            path = "/" + re.sub(r"<[^>]+>", "uk", route)
        else:
            path = path_of(route, world) if "<" in route else "/" + route
        response = _client(route, world).post(path, {"body": "x", "reason": "unwanted"})
        assert response.status_code == 403, f"POST {path} without a CSRF token: {response.status_code}"
        if not route.startswith("api/"):
            assert b"CSRF" in response.content or b"Forbidden" in response.content, path
        checked += 1
    assert snapshot() == before
    assert checked >= 60


def test_every_post_form_in_the_templates_carries_the_token():
    forms = 0
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text()
        for form in re.findall(r"<form\b[^>]*>.*?</form>", text, flags=re.S | re.I):
            if re.search(r'method=["\']?post', form, flags=re.I):
                forms += 1
                assert "{% csrf_token %}" in form, f"{template.name}: a POST form without {{% csrf_token %}}"
    assert forms >= 20
