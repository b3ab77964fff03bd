"""Incremental sync on the API's lists: instants to filter by, and cursor pages that neither
miss nor repeat a row while the rows change between pages (docs/api.md, "Incremental sync")."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from returns.models import Claim

from .. import factories
from ..api_errors import fields_in_error

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/seller/claims/"
NOT_AN_INSTANT = "Enter a date and time with its zone, between 1970 and 2999, such as 2025-03-01T09:30:00Z."
NOT_A_CURSOR = "This cursor is not one this list gave: start again without it."


@pytest.fixture
def seller_api(seller) -> APIClient:
    client = APIClient()
    client.force_authenticate(factories.seller_user(seller))
    return client


def claims(seller, count: int, *, filed_at: datetime | None = None) -> list[Claim]:
    return [
        factories.ClaimFactory(order__seller=seller, **({"filed_at": filed_at} if filed_at else {}))
        for _ in range(count)
    ]


def walk(client: APIClient, url: str, params: dict | None = None, *, between=None) -> list[dict]:
    """Every page by its ``next`` link; ``between(n)`` runs after the n-th page."""
    pages, response = [], client.get(url, params or {})
    while True:
        assert response.status_code == 200, response.content
        pages.append(response.json())
        if between is not None:
            between(len(pages))
        if pages[-1]["next"] is None:
            return pages
        response = client.get(pages[-1]["next"])


def ids(pages: list[dict]) -> list[int]:
    return [row["id"] for page in pages for row in page["results"]]


# --- Instants ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["created_after", "created_before", "updated_after", "updated_before"])
@pytest.mark.parametrize(
    "value",
    ["2025-03-01", "2025-03-01T09:30:00", "yesterday", "2025-02-30T09:30:00Z", "9999-01-01T00:00:00Z"],
)
def test_a_date_alone_a_time_without_zone_or_nonsense_is_a_400_naming_the_parameter(seller_api, name, value):
    response = seller_api.get(CLAIMS, {name: value})
    assert response.status_code == 400
    assert fields_in_error(response) == {name} and response.json()[name] == [NOT_AN_INSTANT]


def test_created_after_includes_its_instant_and_created_before_excludes_it(seller, seller_api):
    noon = datetime(2025, 3, 1, 12, tzinfo=UTC)
    before, at, after = (claims(seller, 1, filed_at=noon + timedelta(seconds=s))[0] for s in (-1, 0, 1))
    found = seller_api.get(CLAIMS, {"created_after": "2025-03-01T12:00:00Z"}).json()
    assert {row["id"] for row in found["results"]} == {at.pk, after.pk}
    found = seller_api.get(CLAIMS, {"created_before": "2025-03-01T13:00:00+01:00"}).json()
    assert [row["id"] for row in found["results"]] == [before.pk]


def test_an_offset_whose_plus_was_not_encoded_is_read_as_a_plus(seller, seller_api):
    [claim] = claims(seller, 1, filed_at=datetime(2025, 3, 1, 12, tzinfo=UTC))
    # "+01:00" sent raw in a query string arrives as " 01:00".
    response = seller_api.get(CLAIMS + "?created_after=2025-03-01T12:30:00+01:00")
    assert [row["id"] for row in response.json()["results"]] == [claim.pk]


def test_updated_after_finds_the_rows_changed_since_and_nothing_else(seller, seller_api):
    with time_machine.travel(datetime(2025, 3, 1, 9, tzinfo=UTC), tick=False):
        untouched, changed = claims(seller, 2)
    with time_machine.travel(datetime(2025, 3, 2, 9, tzinfo=UTC), tick=False):
        changed.seller_response = "Delivered to the porter."
        changed.save(update_fields=["seller_response"])
    found = seller_api.get(CLAIMS, {"updated_after": "2025-03-02T00:00:00Z"}).json()
    assert [row["id"] for row in found["results"]] == [changed.pk]
    assert found["results"][0]["updated_at"] == "2025-03-02T09:00:00Z"
    found = seller_api.get(CLAIMS, {"updated_before": "2025-03-02T00:00:00Z"}).json()
    assert [row["id"] for row in found["results"]] == [untouched.pk]


def test_the_date_filters_of_the_contract_still_work_beside_the_instants(seller, seller_api):
    old = claims(seller, 1, filed_at=timezone.now() - timedelta(days=10))[0]
    claims(seller, 1)
    since = (timezone.now() - timedelta(days=11)).date().isoformat()
    until = (timezone.now() - timedelta(days=9)).date().isoformat()
    response = seller_api.get("/api/v1/seller/returns/", {"since": since, "until": until})
    assert response.status_code == 200
    assert seller_api.get(CLAIMS, {"created_before": timezone.now().isoformat()}).json()["count"] == 2
    assert old.pk in ids([seller_api.get(CLAIMS, {"created_after": "2000-01-01T00:00:00Z"}).json()])


# --- Cursor pages -----------------------------------------------------------------------
def test_the_cursor_walks_every_row_once_in_the_lists_order_ties_included(seller, seller_api):
    same_moment = timezone.now() - timedelta(days=1)
    rows = claims(seller, 7, filed_at=same_moment) + claims(seller, 5)
    pages = walk(seller_api, CLAIMS, {"page_size": 3})
    assert [len(page["results"]) for page in pages] == [3, 3, 3, 3]
    expected = sorted(rows, key=lambda c: (c.filed_at, c.pk), reverse=True)
    assert ids(pages) == [c.pk for c in expected]
    assert {page["count"] for page in pages} == {12}
    assert pages[0]["previous"] is None and all("cursor=" in page["previous"] for page in pages[1:])


def test_previous_links_lead_back_through_the_same_pages(seller, seller_api):
    claims(seller, 8)
    pages = walk(seller_api, CLAIMS, {"page_size": 3})
    back = seller_api.get(pages[2]["previous"]).json()
    assert [row["id"] for row in back["results"]] == [row["id"] for row in pages[1]["results"]]
    first = seller_api.get(back["previous"]).json()
    assert [row["id"] for row in first["results"]] == [row["id"] for row in pages[0]["results"]]
    assert first["previous"] is None and first["next"] is not None


def test_a_sync_walk_misses_and_repeats_nothing_while_rows_change_between_pages(seller, seller_api):
    """Given rows that changed after the last sync, when the integrator walks them 2 a page
    while the buyer and the seller keep changing rows — ones served, ones still ahead, ones
    the walk had not matched — and a new claim comes, then every row that matched when the
    walk began comes exactly once, in its latest state; the next walk, from the moment this
    one began, brings everything changed since."""
    with time_machine.travel(datetime(2025, 3, 1, 9, tzinfo=UTC), tick=False):
        stale = claims(seller, 3)
    with time_machine.travel(datetime(2025, 3, 2, 9, tzinfo=UTC), tick=False):
        matched = claims(seller, 9)
    began = datetime(2025, 3, 3, 9, tzinfo=UTC)
    changes = {
        1: [matched[-1], matched[0]],  # the first page's row (newest) and one far ahead
        2: [stale[0]],  # a row the walk did not match starts matching
        3: [matched[4], matched[5]],  # rows around the cursor, updated in one bulk write
    }
    clock = time_machine.travel(began, tick=True)
    clock.start()

    def change(page: int) -> None:
        for claim in changes.get(page, []):
            claim.seller_response = f"changed after page {page}"
            claim.save(update_fields=["seller_response"])
        if page == 2:
            claims(seller, 1)  # created during the walk: the next walk's

    try:
        pages = walk(
            seller_api, CLAIMS, {"updated_after": "2025-03-02T00:00:00Z", "page_size": 2}, between=change
        )
    finally:
        clock.stop()
    served = ids(pages)
    assert sorted(served) == sorted({c.pk for c in matched} | {stale[0].pk}) == sorted(set(served))
    latest = {row["id"]: row["seller_response"] for page in pages for row in page["results"]}
    assert latest[matched[0].pk] == "changed after page 1"  # served after it changed
    # The next walk starts where this one began: the rows changed during it, and the new one.
    again = ids(walk(seller_api, CLAIMS, {"updated_after": began.isoformat()}))
    changed_since = {c.pk for page_changes in changes.values() for c in page_changes}
    assert changed_since <= set(again) and len(again) == len(changed_since) + 1


def test_a_tampered_or_foreign_cursor_is_a_400_naming_cursor(seller, seller_api):
    claims(seller, 3)
    next_link = seller_api.get(CLAIMS, {"page_size": 1}).json()["next"]
    cursor = next_link.split("cursor=", 1)[1]
    for mangled in ["abc", cursor[:-2] + "xx", cursor.replace("%3A", ":", 1)[:-1]]:
        response = seller_api.get(CLAIMS, {"cursor": mangled})
        assert (response.status_code, fields_in_error(response), response.json()["cursor"]) == (
            400,
            {"cursor"},
            [NOT_A_CURSOR],
        )
    # Another list's cursor is refused too: a cursor is signed for the list that gave it.
    response = seller_api.get("/api/v1/seller/returns/?cursor=" + cursor)
    assert (response.status_code, fields_in_error(response), response.json()["cursor"]) == (
        400,
        {"cursor"},
        [NOT_A_CURSOR],
    )


def test_numbered_pages_still_work_and_page_with_cursor_is_a_400(seller, seller_api):
    claims(seller, 4)
    numbered = seller_api.get(CLAIMS, {"page": 2, "page_size": 3}).json()
    assert (numbered["count"], len(numbered["results"])) == (4, 1)
    assert numbered["previous"].endswith("page_size=3") and numbered["next"] is None
    cursor = seller_api.get(CLAIMS, {"page_size": 3}).json()["next"].split("cursor=", 1)[1]
    response = seller_api.get(CLAIMS + f"?page=1&cursor={cursor}")
    assert (response.status_code, fields_in_error(response)) == (400, {"cursor"})
    assert response.json()["cursor"] == ["Give page or cursor, not both."]


def test_a_cursor_page_costs_the_same_queries_however_deep_and_counts_once(seller, django_assert_num_queries):
    claims(seller, 9)
    user = factories.seller_user(seller)

    def as_a_new_request() -> APIClient:  # the membership is cached on the request's user
        client = APIClient()
        client.force_authenticate(type(user).objects.get(pk=user.pk))
        return client

    client = as_a_new_request()
    # the seller's membership, the count, the claims (joined with their orders and buyers)
    with django_assert_num_queries(3):
        first = client.get(CLAIMS, {"page_size": 3}).json()
    # deeper: the membership and the claims; the count came with the cursor
    client = as_a_new_request()
    with django_assert_num_queries(2):
        second = client.get(first["next"]).json()
    client = as_a_new_request()
    with django_assert_num_queries(2):
        third = client.get(second["next"]).json()
    assert first["count"] == second["count"] == third["count"] == 9
    assert len(ids([first, second, third])) == len(set(ids([first, second, third]))) == 9
