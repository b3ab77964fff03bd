"""The seller's order page and Manage Inventory, clicked through in headless Chromium, with
axe-core on every page."""

from playwright.sync_api import expect

from messaging import services as messaging
from returns import services as returns

from .conftest import sign_in


def _history(world):
    """Luca asked to return the card and wrote to the seller about it."""
    order = world["order"]
    request, _ = returns.request_return(
        order=order,
        customer=world["customer"],
        items=[returns.RequestedItem(order.items.get().pk, 1, "missing_parts", "The adapter is missing")],
    )
    messaging.contact_seller(order=order, subject="return_policy", body="Can I send the card back?")
    return request


def test_seller_reads_what_happened_to_an_order_and_acts_on_it(world, live_server, page, axe, screenshot):
    _history(world)
    sign_in(page, live_server, who="seller", seller=True)
    page.click("summary:has-text('ORDERS')")
    page.click("details[open] a:has-text('Manage Orders')")
    page.click("a.order-id:has-text('202-0697275-2144321')")
    expect(page.locator("h1")).to_have_text("Order 202-0697275-2144321")
    returns_section = page.locator("#order-returns")
    expect(returns_section).to_contain_text("Authorisation required")
    expect(returns_section).to_contain_text("The adapter is missing")
    expect(page.locator("#order-messages")).to_contain_text("Can I send the card back?")
    expect(page.locator("#order-refunds")).to_contain_text("No refunds for this order.")
    expect(page.locator("#order-claims")).to_contain_text("No A-to-z Guarantee claims on this order.")
    axe("Seller order page")
    screenshot(page, "26-seller-order")
    page.click("#order-messages a:has-text('Open the conversation')")
    expect(page.locator("body")).to_contain_text("Can I send the card back?")
    page.go_back()
    returns_section.locator("a:has-text('Authorise')").click()
    expect(page.locator("h2", has_text="Confirm Your Return Address")).to_be_visible()


def test_seller_sorts_and_searches_manage_inventory(world, live_server, page, axe, screenshot):
    request = _history(world)
    returns.authorise_return(return_request=request, actor=world["seller_user"])
    sign_in(page, live_server, who="seller", seller=True)
    page.click("summary:has-text('INVENTORY')")
    page.click("details[open] a:has-text('Manage Inventory')")
    expect(page.locator("h1")).to_have_text("Manage Inventory")
    row = page.locator("tbody tr", has_text="B0000F2F36")
    expect(row).to_contain_text("100%")  # one sold, one on its way back
    axe("Manage Inventory")
    screenshot(page, "27-manage-inventory")
    page.click("th a:has-text('Return rate')")
    expect(page.locator("th[aria-sort=descending]")).to_have_text("Return rate")
    page.fill("#inventory-q", "no such product")
    page.press("#inventory-q", "Enter")
    expect(page.locator("tbody")).to_contain_text("No products match this search.")
    axe("Manage Inventory, nothing found")


def test_the_order_page_and_inventory_work_at_375_pixels_wide(world, live_server, browser):
    _history(world)
    phone = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(phone, live_server, who="seller", seller=True)
    for path in ["/seller/orders/202-0697275-2144321/", "/seller/inventory/"]:
        phone.goto(live_server.url + path)
        width = phone.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide"
