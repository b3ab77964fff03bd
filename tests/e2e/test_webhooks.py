"""Webhooks, clicked through in headless Chromium: the seller finds them in the Settings menu,
adds one (a refused URL first), copies the secret shown once, sends a test event that their
endpoint receives signed with that secret, and deletes the webhook; on a phone's width too."""

import json

from playwright.sync_api import expect

from integrations.signatures import signature

from ..integrations.conftest import endpoint  # noqa: F401 (the seller's endpoint on loopback)
from .conftest import sign_in


def test_seller_adds_tests_and_deletes_a_webhook(world, live_server, page, axe, screenshot, endpoint):  # noqa: F811
    sign_in(page, live_server, who="seller", seller=True)
    page.click("summary:has-text('SETTINGS')")
    page.click("a:has-text('Webhooks')")
    expect(page.locator("h1")).to_have_text("Webhooks")
    expect(page.locator("table")).to_contain_text("No webhooks yet.")
    axe("Webhooks, none yet")

    # A URL of our own network is refused beside its field, and nothing is saved.
    page.fill("#id_url", "http://10.0.0.8/hooks")
    page.click("button:has-text('Add webhook')")
    expect(page.locator(".field--invalid").first).to_contain_text("The URL must start with https://.")
    expect(page.locator("fieldset")).to_contain_text("Choose at least one event.")
    axe("Webhook form with errors")

    page.fill("#id_url", endpoint.url)
    page.fill("#id_description", "Our order system")
    page.check("label:has-text('Return requested') input")
    page.click("button:has-text('Add webhook')")
    expect(page.locator("h1")).to_have_text("Webhook added")
    secret = page.input_value("#webhook-secret")
    assert secret.startswith("whsec_")
    axe("Webhook added, with its secret")
    screenshot(page, "30-webhook-added")

    page.click("a:has-text('Done')")
    page.click("button:has-text('Send test event')")
    expect(page.locator(".flash")).to_contain_text("Test event sent: its delivery is in the log below.")
    expect(page.locator("table")).to_contain_text("Delivered")
    expect(page.locator("table")).to_contain_text("HTTP 204")
    axe("Webhook with its delivery log")
    screenshot(page, "31-webhook-delivery-log")
    [received] = endpoint.received
    headers = {name.lower(): value for name, value in received.headers.items()}
    expected = signature(
        secret,
        webhook_id=headers["webhook-id"],
        timestamp=int(headers["webhook-timestamp"]),
        body=received.body,
    )
    assert headers["webhook-signature"] == expected
    assert json.loads(received.body)["type"] == "webhook.test"

    page.click("button:has-text('Delete webhook')")
    expect(page.locator(".flash")).to_contain_text("Webhook deleted.")
    expect(page.locator("table")).to_contain_text("No webhooks yet.")


def test_the_webhook_pages_and_the_open_menu_fit_a_phone(world, browser, live_server, endpoint):  # noqa: F811
    from integrations import services

    subscription = services.create_subscription(
        seller=world["seller"], url=endpoint.url, event_types=["return.requested"]
    )
    page = browser.new_context(viewport={"width": 375, "height": 800}).new_page()
    sign_in(page, live_server, who="seller", seller=True)

    def sideways() -> int:
        return page.evaluate("document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth")

    # The detail page's heading is the endpoint's URL: one long word.
    for address in ("/seller/settings/webhooks/", f"/seller/settings/webhooks/{subscription.pk}/"):
        page.goto(live_server.url + address)
        assert sideways() <= 0, f"{address} scrolls sideways by {sideways()}px"
    # Each dropdown of the menu, open, stays on the screen (the menu wraps on a phone).
    for group in page.locator("details[data-menu] summary").all():
        group.click()
        assert sideways() <= 0, f"the open {group.inner_text()} menu reaches past the screen"
        for link in group.locator("xpath=..").locator("a").all():
            box = link.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, link.inner_text()
