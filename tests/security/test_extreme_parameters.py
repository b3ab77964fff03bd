"""Extreme query parameters are never a server error, generated from the URLconf and the
OpenAPI schema: every GET route a buyer or a seller can reach (its path filled with their real
objects), every query parameter it reads, fed dates at the calendar's ends, numbers past
64 bits, NaN, infinities, 10 kB strings, non-ASCII digits, NUL, empty values and mangled
cursors. A value out of range is a 400 naming the field in the API, and on a page a visible
error (status 200 or 400) while the list shows its defaults.

The parameters a page reads are found in its source, by rule: ``request.GET`` /
``query_params`` look-ups, and the fields of every form bound to the query string; those of
the API come from the schema. A new view or filter is swept without being listed here.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from urllib.parse import quote

import pytest
from django import forms
from django.test import Client
from django.urls import URLResolver, get_resolver

from commerce.models import Order
from messaging import services as messaging

from .. import factories
from ..api_errors import fields_in_error
from .routes import all_routes, path_of

pytestmark = pytest.mark.django_db

APPS = ("commerce", "messaging", "returns", "metrics", "sellercentral")
EXTREMES = [
    "0001-01-01", "9999-12-31", "10000-01-01", "0000-00-00", "2024-02-30",
    str(2**63), str(-(2**63)), str(2**63 - 1), str(2**64), "-1", "0", "1e309", "0x10",
    "NaN", "nan", "inf", "-Infinity",
    "x" * 10_000, "9" * 10_000,
    "\u0661\u0662\u0663", "\u0662\u0660\u0662\u0664-\u0660\u0661-\u0660\u0661", "\uff11\uff12",  # Arabic-Indic, fullwidth
    "", " ", "\x00", "%", "'\"<>", "last",
    # cursors: past the year 9999, 64-bit ids, three parts, negative, letters
    "253402300800000000.1", "999999999999999999.999999999999999999", "1.2.3", "-5.-5", "abc.def", ".",
]  # fmt: skip
QUERY_DICTS = {"GET", "query_params"}


# --- What a page reads, from its source ------------------------------------------------------
def _is_query_dict(node: ast.AST, aliases: set[str]) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr in QUERY_DICTS) or (
        isinstance(node, ast.Name) and node.id in aliases
    )


def _literal(node: ast.AST, view_class: type | None) -> str | None:
    """A parameter's name: a string literal, or a view's attribute (``self.redirect_field_name``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        value = getattr(view_class, node.attr, None)
        return value if isinstance(value, str) else None
    return None


def _reads(tree: ast.AST, namespace: dict, view_class: type | None) -> tuple[set[str], list[Callable]]:
    """Parameters read in ``tree``, and the project's functions it calls (read in turn)."""
    aliases = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and _is_query_dict(node.value, set())
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    names: set[str] = set()
    called: list[Callable] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and (
                node.func.attr in {"get", "getlist"}
                and _is_query_dict(node.func.value, aliases)
                and node.args
            )
        ):
            names.add(_literal(node.args[0], view_class))
        if isinstance(node, ast.Subscript) and _is_query_dict(node.value, aliases):
            names.add(_literal(node.slice, view_class))
        if isinstance(node, ast.Call) and node.args:
            bound = node.args[0]
            if isinstance(bound, ast.BoolOp):  # Form(request.GET or None)
                bound = bound.values[0]
            callee = namespace.get(node.func.id) if isinstance(node.func, ast.Name) else None
            if _is_query_dict(bound, aliases) and isinstance(callee, type) and issubclass(callee, forms.Form):
                names |= set(callee.base_fields)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            function = namespace.get(node.func.id)
            if inspect.isfunction(function) and function.__module__.startswith(APPS):
                called.append(function)
    names.discard(None)
    return names, called


def _sources(callback: Callable) -> Iterator[tuple[ast.AST, dict, type | None]]:
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:  # a class-based view (Django's or DRF's): its whole MRO
        for klass in view_class.__mro__[:-1]:
            try:
                source = inspect.getsource(klass)
            except (OSError, TypeError):
                continue
            yield ast.parse(textwrap.dedent(source)), vars(sys.modules[klass.__module__]), view_class
        return
    pending, seen = [inspect.unwrap(callback)], set()
    while pending:
        function = pending.pop()
        if function in seen:
            continue
        seen.add(function)
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
        called = _reads(tree, function.__globals__, None)[1]
        pending.extend(inspect.unwrap(f) for f in called)
        yield tree, function.__globals__, None


def parameters_read(callback: Callable) -> set[str]:
    found: set[str] = set()
    for tree, namespace, view_class in _sources(callback):
        found |= _reads(tree, namespace, view_class)[0]
    return found


def get_routes() -> dict[str, Callable]:
    """Every route of the URLconf but the admin's (staff), with its view."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern.callback

    views = dict(walk(get_resolver().url_patterns))
    return {route: views[route] for route in all_routes()}


# --- What the API documents --------------------------------------------------------------------
def _shape(path: str) -> str:
    """A path with its parameters blanked: Django's <int:pk> and OpenAPI's {id} compare equal."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path.strip("/"))


def schema_parameters(client: Client) -> dict[str, set[str]]:
    """Query parameters of every GET operation in /api/schema/, by path shape."""
    schema = client.get("/api/schema/", {"format": "json"}).json()
    return {
        _shape(path): {p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "query"}
        for path, operations in schema["paths"].items()
        if "get" in operations
    }


# --- The sweep ---------------------------------------------------------------------------------
@pytest.fixture
def swept(world) -> dict:
    """The world, with an inbox long enough for its keyset pages, and a client per party."""
    order = Order.objects.get(order_id=world["order_id"])
    for n in range(30):
        messaging.contact_seller(order=order, subject="enquiry", body=f"message {n}")
    seller, buyer = Client(raise_request_exception=False), Client(raise_request_exception=False)
    seller.force_login(world["seller_user"])
    buyer.force_login(world["buyer_user"])
    return {**world, "clients": {"seller": seller, "buyer": buyer}}


def plan(swept: dict) -> list[tuple[str, str, Client, set[str]]]:
    """(route, path, client, query parameters) for every GET route a buyer or seller reaches."""
    documented = schema_parameters(swept["clients"]["seller"])
    routes = get_routes()
    planned = []
    for route, callback in routes.items():
        params = parameters_read(callback) | documented.get(_shape(route), set())
        party = "seller" if "seller/" in route else "buyer"
        planned.append((route, path_of(route, swept), swept["clients"][party], params))
    # The schema's every GET operation is one of the routes swept.
    assert set(documented) <= {_shape(route) for route in routes}
    return planned


def test_the_sweep_finds_the_parameters_pages_and_api_read(swept):
    params = {route: read for route, _, _, read in plan(swept)}
    assert {"since", "until", "q", "direction", "awaiting", "before", "after"} <= params["seller/messages/"]
    assert {"since", "until", "q", "status", "page"} <= params["seller/returns/"]
    assert {"since", "until", "q", "status", "page", "page_size"} <= params["api/v1/seller/returns/"]
    assert {"since", "until", "awaiting_response", "page"} <= params["api/v1/seller/messages/"]
    assert "marketplace" in params["seller/settings/account-info/"]
    assert "order_id" in params["returns/gift/"]
    assert "next" in params["seller/signin/"]  # Django's LoginView, through its attribute


def test_no_extreme_query_parameter_is_a_server_error(swept):
    started = time.monotonic()
    failures, requests, pairs = [], 0, 0
    for _route, path, client, params in plan(swept):
        response = client.get(path)  # the route as its links reach it
        requests += 1
        if response.status_code >= 500:
            failures.append(f"{response.status_code} GET {path}")
        for name in sorted(params):
            pairs += 1
            for value in EXTREMES:
                response = client.get(f"{path}?{quote(name)}={quote(value, safe='')}")
                requests += 1
                html = response.get("Content-Type", "").startswith("text/html")
                if response.status_code >= 500:
                    failures.append(f"{response.status_code} GET {path}?{name}={value[:40]!r}")
                elif html and response.status_code == 400 and 'role="alert"' not in response.content.decode():
                    failures.append(f"400 without a visible error: GET {path}?{name}={value[:40]!r}")
    elapsed = time.monotonic() - started
    print(f"swept {pairs} route parameters with {requests} requests in {elapsed:.1f} s")
    assert failures == [], "\n".join(failures[:30])
    assert pairs >= 40


# --- What an out-of-range value answers ---------------------------------------------------------
@pytest.mark.parametrize("path", ["/seller/messages/", "/seller/returns/"])
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_a_date_past_the_filterable_years_is_a_message_beside_the_filter(seller_client, path, value):
    response = seller_client.get(path, {"until": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "To: Enter a date between 1970-01-01 and 2999-12-31." in html
    assert "field--invalid" in html  # the filter itself is marked


@pytest.mark.parametrize("path", ["/api/v1/seller/messages/", "/api/v1/seller/returns/"])
@pytest.mark.parametrize("name", ["since", "until"])
def test_a_date_past_the_filterable_years_is_a_400_naming_it_in_the_api(seller_client, path, name):
    response = seller_client.get(path, {name: "9999-12-31"})
    assert response.status_code == 400
    message = "Enter a date between 1970-01-01 and 2999-12-31."
    assert response.json() == {
        "errors": [{"code": "invalid", "message": message, "field": name}],
        name: [message],  # the first version's shape, kept beside
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": str(2**63)}, "page"),
        ({"page": "١٢"}, "page"),
        ({"page": "NaN"}, "page"),
        ({"page_size": "-1"}, "page_size"),
        ({"page_size": "inf"}, "page_size"),
    ],
)
def test_api_page_numbers_are_whole_numbers_from_one(seller_client, params, field):
    response = seller_client.get("/api/v1/seller/claims/", params)
    assert response.status_code == 400
    assert fields_in_error(response) == {field}


def test_api_pages_past_the_last_are_not_found_and_big_pages_hold_a_hundred(seller_client):
    assert seller_client.get("/api/v1/seller/claims/", {"page": "2"}).status_code == 404
    assert seller_client.get("/api/v1/seller/claims/", {"page_size": "1000"}).status_code == 200


@pytest.mark.parametrize("cursor", ["253402300800000000.1", "abc", "1.2.3"])
def test_a_mangled_page_link_shows_the_newest_messages_with_a_message(seller, seller_client, cursor):
    order = factories.order_with_items(seller=seller)
    messaging.contact_seller(order=order, subject="enquiry", body="Where is my card?")
    response = seller_client.get("/seller/messages/", {"before": cursor})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This link to a page of the list is not valid: showing the first page." in html
    assert "/seller/messages/threads/" in html  # the first page, not an empty one


def test_a_search_with_nul_is_refused_not_sent_to_the_database(seller_client):
    for path in ["/seller/returns/", "/seller/messages/", "/seller/orders/"]:
        assert seller_client.get(path, {"q": "202\x00"}).status_code == 400, path
    response = seller_client.get("/api/v1/seller/returns/", {"q": "202\x00"})
    assert response.status_code == 400 and fields_in_error(response) == {"q"}
