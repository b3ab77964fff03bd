"""A seller reads Seller Central in the language picked in its header, a buyer the storefront
in theirs; both menus work without JavaScript and fit a phone."""

from playwright.sync_api import expect

from commerce.models import Customer, SellerMembership

from .conftest import sign_in


def _fits_a_phone(browser, live_server, *, who: str, seller: bool, path: str) -> None:
    phone = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(phone, live_server, who=who, seller=seller)
    phone.goto(live_server.url + path)
    width = phone.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 375, f"{path} is {width}px wide"


def test_the_seller_and_the_buyer_each_pick_their_language(
    world, live_server, page, browser, axe, screenshot
):
    sign_in(page, live_server, who="seller", seller=True)
    page.goto(live_server.url + "/seller/orders/")
    menu = page.locator("form.language-menu select")
    expect(menu).to_have_value("en-gb")
    axe("Seller Central with its language menu")
    menu.select_option("fr")
    page.click("button:has-text('Change language')")
    expect(page).to_have_url(live_server.url + "/seller/orders/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("form.language-menu select")).to_have_value("fr")
    assert SellerMembership.objects.get(user__username="seller").language == "fr"
    screenshot(page, "32-seller-language-menu")
    page.goto(live_server.url + "/seller/language/")
    axe("The seller's language page")
    _fits_a_phone(browser, live_server, who="seller", seller=True, path="/seller/")

    page.context.clear_cookies()
    sign_in(page, live_server, who="luca", seller=False)
    page.locator("form.language-menu select").select_option("de")
    page.click("button:has-text('Change language')")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator(".sf-nav")).to_contain_text("Meine Bestellungen")
    assert Customer.objects.get(user__username="luca").chosen_language == "de"
    axe("The storefront in German")
    screenshot(page, "33-buyer-language-menu")
    _fits_a_phone(browser, live_server, who="luca", seller=False, path="/orders/")
