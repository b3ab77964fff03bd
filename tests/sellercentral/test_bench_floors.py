"""The bench's floors (``manage.py bench``, part "pages"): the same queries and rows as the page."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from sellercentral import bench_floors
from tests import factories

SUBJECTS = ["Parcel late", "Wrong size", "Refund please"]


@pytest.fixture
def inbox_client(seller) -> Client:
    for subject in SUBJECTS:
        factories.BuyerMessageFactory(order__seller=seller, subject=subject)
    factories.BuyerMessageFactory(subject="Another seller's question")
    client = Client()
    client.force_login(factories.seller_user(seller))
    return client


@pytest.mark.django_db
def test_the_floor_runs_the_pages_queries_and_renders_every_row_they_fetch(inbox_client):
    url = reverse("messaging:inbox")
    with bench_floors.bench_urlconf():
        address = bench_floors.floor_for(inbox_client, "inbox", url)
        with CaptureQueriesContext(connection) as page:
            assert inbox_client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as floor:
            response = inbox_client.get(address)
    assert response.status_code == 200
    # The middleware's own statements (session, user) run once, not once more replayed.
    assert len(floor) == len(page)
    with connection.cursor() as cursor:
        fetched = 0
        for sql in bench_floors.FLOOR_STATEMENTS["inbox"]:
            cursor.execute(sql)
            fetched += len(cursor.fetchall())
    html = response.content.decode()
    assert html.count("<tr>") == fetched
    assert all(subject in html for subject in SUBJECTS)
    assert "Another seller's question" not in html


@pytest.mark.django_db
def test_the_floor_is_only_in_the_benchs_urlconf(inbox_client):
    with pytest.raises(NoReverseMatch):
        reverse("bench_floor", args=["seller", "inbox"])
    with bench_floors.bench_urlconf():
        address = reverse("bench_floor", args=["seller", "no-such-page"])
        assert inbox_client.get(address).status_code == 404


@pytest.mark.django_db
def test_a_page_figure_stands_beside_its_floor(inbox_client):
    figure = bench_floors.measure(inbox_client, "inbox", reverse("messaging:inbox"), runs=2)
    assert len(figure.page) == len(figure.floor) == len(figure.sql) == 2
    assert figure.queries == figure.floor_queries
    assert "page ÷ floor" in figure.line("inbox") and "the floor's SQL alone" in figure.line("inbox")


def test_the_ratio_is_page_over_floor():
    assert bench_floors.ratio_text(45.0, 15.0) == "3.0x"
    assert bench_floors.ratio_text(10.0, 4.0) == "2.5x"
    assert bench_floors.ratio_text(10.0, 0.0) == "—"
    figure = bench_floors.Figure(page=[30.0] * 20, floor=[10.0] * 20, queries=5, floor_queries=5)
    assert figure.ratio == pytest.approx(3.0)
    assert figure.ratio <= bench_floors.GOAL


@pytest.mark.django_db
def test_gunicorns_floor_captures_the_page_on_its_first_request(inbox_client, settings):
    """The web figure's floor (``load.urls``): a worker captures the inbox's statements itself."""
    settings.ROOT_URLCONF = "load.urls"
    bench_floors.FLOOR_STATEMENTS.pop("messages", None)
    response = inbox_client.get("/seller/bench-floor/messages/")
    assert response.status_code == 200
    assert bench_floors.FLOOR_STATEMENTS["messages"], "the inbox's reads, to replay"
    html = response.content.decode()
    assert all(subject in html for subject in SUBJECTS) and "Another seller's question" not in html
