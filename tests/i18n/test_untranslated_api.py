"""The REST API's own words in the language the caller asks for (``Accept-Language``), found
without a list: the label endpoints read, and every write route of the URLconf sent an empty
body, as the world's buyer or seller, in the pseudo language (``pseudo.py``). Every string of
the answer is read with the Rule of ``test_untranslated``, except what is not words: the keys
(field names) and the values under a ``code`` or ``field`` key (an error's code and the field
it names, docs/api.md)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.urls import resolve
from rest_framework.test import APIClient

from .. import factories
from ..security.routes import all_routes, build_world, path_of
from . import pseudo
from .reading import assert_all_translated, world_rule

pytestmark = pytest.mark.django_db

REFUSED = {400, 403, 404, 409}
# In an answer that is data, the product's words are its labels and its notices; the rest is
# what the database holds (statuses are codes, titles and messages typed).
WORDS = {"label", "detail"}
# Identifiers wherever they are: a reason's or an error's code, the field an error names.
NOT_WORDS = {"code", "field"}


def strings(value: object, *, only: set[str] | None = None) -> Iterator[str]:
    """Every string of a JSON answer but its keys, codes and field names; with ``only``, those under
    one of these keys."""
    return _strings(value, only=only, inside=only is None)


def _strings(value: object, *, only: set[str] | None, inside: bool) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in NOT_WORDS:
                yield from _strings(item, only=only, inside=inside or key in (only or ()))
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, only=only, inside=inside)
    elif isinstance(value, str) and inside:
        yield value


def test_strings_skip_keys_and_codes():
    answer = {"reason": ["Required."], "items": [{"code": "unwanted", "label": "No longer needed"}], "n": 2}
    assert list(strings(answer)) == ["Required.", "No longer needed"]
    data = {"status": "open", "reasons": [{"code": "x", "label": "Late"}], "detail": "Done", "title": "Card"}
    assert list(strings(data, only=WORDS)) == ["Late", "Done"]


def writes(path: str) -> list[str]:
    """The methods of the route's view that take a body (a DELETE takes none: not sent)."""
    view = resolve(path).func
    actions = getattr(view, "actions", None)  # a viewset's method → action map
    methods = actions.keys() if actions else [m for m in ("post", "put", "patch") if hasattr(view.cls, m)]
    return [method for method in ("post", "put", "patch") if method in methods]


def api_routes() -> list[str]:
    # The schema and its viewer describe the API to developers, in English, as its reference.
    return [route for route in all_routes() if route.startswith("api/v1/")]


def test_the_apis_words_are_in_the_callers_language(
    pseudo_language, django_capture_on_commit_callbacks, capsys
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        world = build_world(buyer_marketplace=factories.marketplace("uk"))
    clients = {party: APIClient(HTTP_ACCEPT_LANGUAGE=pseudo_language) for party in ("seller", "buyer", None)}
    clients["seller"].force_authenticate(world["seller_user"])
    clients["buyer"].force_authenticate(world["buyer_user"])

    answers: dict[str, list[str]] = {}
    for route in api_routes():
        path = path_of(route, world)
        party = "seller" if path.startswith("/api/v1/seller/") else "buyer" if "/buyer/" in path else None
        for method in ["get", *writes(path)]:
            with django_capture_on_commit_callbacks(execute=True):
                response = getattr(clients[party], method)(path, {}, format="json")
            if not response.get("Content-Type", "").startswith("application/json"):
                continue  # a PDF label: read by the page crawl
            body = response.json()
            refused = response.status_code in REFUSED  # a refusal's every string is words
            said = list(strings(body) if refused else strings(body, only=WORDS))
            if said:
                answers[f"{method.upper()} {path} {response.status_code}"] = said

    rule = world_rule()  # after the writes: what they stored is typed, not the product's
    found = {key: sorted(set(rule.untranslated(said))) for key, said in answers.items()}
    found = {key: runs for key, runs in found.items() if runs}
    labels = [key for key in answers if key.startswith("GET") and " 200" in key]
    with capsys.disabled():
        print(
            f"\ni18n API crawl: {len(answers)} answers with words ({len(labels)} read, "
            f"{len(answers) - len(labels)} refused) in {time.monotonic() - started:.0f} s; "
            f"{sum(map(len, found.values()))} untranslated texts"
        )
    assert_all_translated(found, "API")
    # The reference lists are found, in the pseudo language, and so are the refusals.
    for path in ["/api/v1/return-reasons/", "/api/v1/deny-reasons/"]:
        assert all(text.startswith(pseudo.OPEN) for text in answers[f"GET {path} 200"])
    assert len(answers) - len(labels) >= 15
