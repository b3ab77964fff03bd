"""The demo shop in a browser: a buyer's orders with product pictures, the seller's Account
Health with 90 days behind it; axe-core on each page."""

from django.core.management import call_command
from playwright.sync_api import expect


def _sign_in(tab, live_server, *, who: str, seller: bool) -> None:
    tab.goto(live_server.url + ("/seller/signin/" if seller else "/signin/"))
    tab.fill("#id_username", who)
    tab.fill("#id_password", who)  # the demo's passwords are the usernames
    tab.click("button[type=submit]")


def test_the_demo_shop_shows_pictures_and_a_healthy_account(live_server, page, settings, axe, screenshot):
    settings.DEV_TOOLS = True
    call_command("seed_demo")
    _sign_in(page, live_server, who="luca", seller=False)
    expect(page.locator("h1")).to_have_text("Your orders")
    pictures = page.locator("img.order-item__thumb")
    expect(pictures.first).to_be_visible()
    # The picture loads as an image under the pages' policy (a broken one is 0 pixels wide).
    page.wait_for_function(
        "() => { const i = document.querySelector('img.order-item__thumb'); return i.complete && i.naturalWidth > 0; }",
        timeout=5000,
    )
    axe("Your orders with pictures")
    screenshot(page, "08-your-orders-with-pictures")
    _sign_in(page, live_server, who="seller", seller=True)  # the same tab, now as the seller
    page.goto(live_server.url + "/seller/performance/account-health/")
    expect(page.locator("h1")).to_have_text("Account Health")
    expect(page.locator(".status--good")).to_have_count(3)
    expect(page.locator(".status--risk")).to_have_count(0)
    axe("Account Health of the demo shop")
    screenshot(page, "19-account-health-demo-shop")
    page.goto(live_server.url + "/seller/returns/?status=closed")
    expect(page.locator("img.return-card__thumb").first).to_be_visible()
    axe("Manage Returns with pictures")
