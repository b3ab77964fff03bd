"""A seller's working day in headless Chromium: the home's to-dos and the menu's counts, and an
A-to-z claim from the buyer's filing to the refund they see."""

import re

from playwright.sync_api import expect

from messaging import services as messaging
from returns import services as returns
from returns.models import Claim

from .. import factories
from .conftest import sign_in


def _waiting_work(world):
    item = world["order"].items.get()
    returns.request_return(
        order=world["order"],
        customer=world["customer"],
        items=[returns.RequestedItem(item.pk, 1, "missing_parts", "The box had no adapter")],
    )
    messaging.contact_seller(order=world["order"], subject="order_delivery", body="Where is my card?")


def test_the_home_lists_the_to_dos_and_each_is_one_click_from_the_work(
    world, live_server, page, axe, screenshot
):
    _waiting_work(world)
    sign_in(page, live_server, who="seller", seller=True)
    page.goto(live_server.url + "/seller/")
    returns_todo = page.locator(".todo", has=page.locator("h3", has_text="Returns awaiting authorisation"))
    expect(returns_todo.locator(".todo__count")).to_have_text("1")
    messages_todo = page.locator(".todo", has=page.locator("h3", has_text="Buyer messages"))
    expect(messages_todo.locator(".todo__deadline")).to_contain_text("Oldest due in")
    axe("seller home")
    screenshot(page, "19-seller-home")

    orders_menu = page.locator("details[data-menu]", has=page.locator("summary", has_text="ORDERS"))
    expect(orders_menu.locator("summary .badge")).to_have_text("1")  # seen without opening the menu
    orders_menu.locator("summary").click()
    expect(orders_menu).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(orders_menu).not_to_have_attribute("open", "")

    returns_todo.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/seller/returns/\?status=authorisation_required&since="))
    expect(page.locator(".return-card, article")).to_have_count(1)


def test_a_claim_answered_by_the_seller_and_granted_refunds_the_buyer(
    world, live_server, page, browser, axe, screenshot
):
    buyer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(buyer, live_server, who="luca", seller=False)
    buyer.goto(f"{live_server.url}/orders/{world['order'].order_id}/claim/")
    buyer.select_option("#id_reason", "not_received")
    buyer.fill("#id_body", "Three weeks and no parcel.")
    buyer.click("button:has-text('File claim')")
    expect(buyer.locator("h1")).to_have_text("A-to-z Guarantee claim")

    sign_in(page, live_server, who="seller", seller=True)
    page.goto(live_server.url + "/seller/returns/claims/?show=to_answer")
    claim = page.locator("article.card")
    expect(claim).to_contain_text("Three weeks and no parcel.")
    claim.locator("textarea").fill(
        "Tracking shows it delivered on 3 Nov; photo attached to the carrier's record."
    )
    axe("claims to answer")
    screenshot(page, "30-a-to-z-claims")
    claim.locator("button:has-text('Send response')").click()
    expect(page.locator("body")).to_contain_text("Tracking shows it delivered")
    expect(page.locator("textarea[name=response]")).to_have_count(0)  # one answer only

    staff = factories.UserFactory(is_staff=True)
    returns.grant_claim(claim=Claim.objects.get(), staff=staff, note="No proof of delivery to the buyer.")

    buyer.goto(f"{live_server.url}/orders/{world['order'].order_id}/claim/")
    expect(buyer.locator("body")).to_contain_text("£")
    expect(buyer.locator("body")).to_contain_text("No proof of delivery to the buyer.")
    expect(buyer.locator("form:has(#id_reason)")).to_have_count(0)  # no second claim form
    axe("the buyer's decided claim", tab=buyer)
    screenshot(buyer, "31-claim-decided")
