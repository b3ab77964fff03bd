"""Headless Chromium (Debian's, never a download) against pytest-django's live server."""

import json
import os
from pathlib import Path

import pytest

from .. import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # page + live_server + ORM in one test

ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
AXE = Path(__file__).resolve().parents[2] / "var" / "axe" / "axe.min.js"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": ARGS}


@pytest.fixture(autouse=True)
def no_csp_violations(request):
    """Every page of a story keeps to the Content Security Policy (nothing inline is refused)."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield
    assert refused == [], refused


@pytest.fixture
def no_dialogs(page):
    """Any alert/confirm/prompt means script ran: the test fails."""
    opened = []
    page.on("dialog", lambda dialog: (opened.append(dialog.message), dialog.dismiss()))
    yield opened
    assert opened == [], f"a script opened dialogs: {opened}"


@pytest.fixture
def axe(page):
    """Run axe-core on the current page: no serious or critical violation."""

    def check(context: str = "", tab=None) -> None:
        """``tab``: another tab of the story (a second user's), instead of ``page``."""
        tab = tab or page
        if not AXE.exists():
            pytest.fail("axe-core is missing: run `make e2e` (it fetches the pinned version)")
        tab.evaluate(AXE.read_text())  # through the DevTools protocol: not an inline <script>
        result = tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, f"{context or tab.url}: " + json.dumps(
            [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in bad], indent=1
        )

    return check


@pytest.fixture
def screenshot():
    """Save a tab as a PNG for the README's gallery when `make screenshots` runs the stories
    (SCREENSHOTS_DIR set); otherwise nothing. A story calls it where its screen is worth showing."""
    folder = os.environ.get("SCREENSHOTS_DIR")

    def save(tab, name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)

    return save


@pytest.fixture
def world(seller, customer):
    """The seed's world: Luca bought the Kingston card from Test UK Seller 4 Luca."""
    seller_user = factories.seller_user(seller, username="seller", email="orders@test-uk-seller.example.net")
    customer.user.username = "luca"
    customer.user.save()
    order = factories.OrderFactory(seller=seller, customer=customer, order_id="202-0697275-2144321")
    factories.OrderItemFactory(
        order=order,
        quantity=1,
        product__asin="B0000F2F36",
        product__title="Kingston - Flash memory card - 8 GB - Class 4 - SDHC",
    )
    factories.return_address(seller)
    return {"seller": seller, "seller_user": seller_user, "customer": customer, "order": order}


def sign_in(page, live_server, *, who: str, seller: bool) -> None:
    page.goto(live_server.url + ("/seller/signin/" if seller else "/signin/"))
    page.fill("#id_username", who)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
