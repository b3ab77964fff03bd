"""The seller's order page and Manage Inventory, clicked through in headless Chromium, with
axe-core on every page."""

from io import BytesIO

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from messaging import services as messaging
from returns import services as returns

from .. import factories
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


def _card_picture() -> bytes:
    """A memory card, drawn: a product's picture."""
    picture = Image.new("RGB", (96, 96), "white")
    ImageDraw.Draw(picture).polygon([(24, 12), (60, 12), (72, 24), (72, 84), (24, 84)], fill="#1f3a93")
    ImageDraw.Draw(picture).rectangle([(32, 52), (64, 76)], fill="#f0f0f0")
    out = BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def test_seller_sorts_and_searches_manage_inventory(world, live_server, page, axe, screenshot):
    request = _history(world)
    returns.authorise_return(return_request=request, actor=world["seller_user"])
    seller = world["seller"]
    bigger = factories.ProductFactory(
        seller=seller,
        asin="B0047T79VS",
        sku="KING-16GB",
        title="Kingston - Flash memory card - 16 GB - SDHC",
        image=ContentFile(_card_picture(), name="king-16gb.png"),
    )
    factories.OrderItemFactory(order__seller=seller, product=bigger, quantity=3)
    factories.ProductFactory(
        seller=seller, asin="B00BBBDVD1", sku="DVD-OPENED", title="Photo editing software - DVD",
        category="Software", is_returnable=False,
    )  # fmt: skip
    sign_in(page, live_server, who="seller", seller=True)
    page.click("summary:has-text('INVENTORY')")
    page.click("details[open] a:has-text('Manage Inventory')")
    expect(page.locator("h1")).to_have_text("Manage Inventory")
    row = page.locator("tbody tr", has_text="B0000F2F36")
    expect(row).to_contain_text("100%")  # one sold, one on its way back
    picture = page.locator("tbody tr", has_text="KING-16GB").locator("img")
    expect(picture).to_have_js_property("naturalWidth", 96)  # served to its seller
    axe("Manage Inventory")
    screenshot(page, "27-manage-inventory")
    page.click("th a:has-text('Return rate')")
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Return rate")
    expect(page.locator("tbody tr").first).to_contain_text("B0000F2F36")  # 100% first
    expect(page.locator("tbody tr").last).to_contain_text("DVD-OPENED")  # never sold: last
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
