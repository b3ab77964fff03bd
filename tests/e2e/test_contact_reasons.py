"""A buyer opts out of sellers' unsolicited messages; the seller writes first about an order,
with a reason its state offers, and only a critical one reaches that buyer."""

from playwright.sync_api import expect

from messaging.models import Message

from .conftest import sign_in

ORDER = "202-0697275-2144321"


def _fits_a_phone(browser, live_server, *, who: str, seller: bool, path: str) -> None:
    phone = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(phone, live_server, who=who, seller=seller)
    phone.goto(live_server.url + path)
    width = phone.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 375, f"{path} is {width}px wide"


def test_the_buyer_opts_out_and_the_seller_may_send_only_what_completes_the_order(
    world, live_server, page, browser, axe, screenshot
):
    sign_in(page, live_server, who="luca", seller=False)
    page.click("text=Communication preferences")
    expect(page.locator("h1")).to_have_text("Communication preferences")
    axe("Communication preferences")
    page.check("text=Do not send me unsolicited messages from sellers")
    page.click("button:has-text('Save preferences')")
    expect(page.locator(".flash")).to_contain_text("Your communication preferences have been saved.")
    expect(page.locator("#id_opted_out_of_unsolicited_messages")).to_be_checked()
    screenshot(page, "23-buyer-communication-preferences")

    page.context.clear_cookies()  # the same tab, so axe checks the seller's pages too
    seller = page
    sign_in(seller, live_server, who="seller", seller=True)
    seller.goto(f"{live_server.url}/seller/orders/{ORDER}/")
    seller.click("text=Contact buyer")
    expect(seller.locator("h1")).to_have_text("Contact Luca de Pasqua")
    expect(seller.locator("[role=note]")).to_contain_text("has chosen not to receive unsolicited messages")
    # A delivered order: delivery reasons, not fulfilment ones.
    expect(seller.locator("fieldset")).to_contain_text("Delivery information")
    expect(seller.locator("fieldset")).not_to_contain_text("Unexpected problem with fulfilment")
    axe("Contact buyer")
    screenshot(seller, "22-contact-buyer-reasons")

    seller.get_by_label("Delivery information", exact=True).check()
    seller.fill("#id_body", "Our summer sale starts today!")
    seller.click("button:has-text('Send')")
    expect(seller.locator(".alert--error")).to_contain_text("nothing was sent")
    axe("Contact buyer, refused")
    assert not Message.objects.exists()

    seller.get_by_label("Additional information required", exact=True).check()
    seller.fill("#id_body", "Which colour would you like?")
    seller.click("button:has-text('Send')")
    expect(seller.locator(".flash")).to_contain_text("Your message has been sent to Luca de Pasqua.")
    expect(seller.locator("h1")).to_contain_text("[Important] Additional information required")
    assert Message.objects.get().direction == "sent"

    _fits_a_phone(browser, live_server, who="luca", seller=False, path="/account/communication-preferences/")
    _fits_a_phone(
        browser, live_server, who="seller", seller=True, path=f"/seller/orders/{ORDER}/contact-buyer/"
    )
