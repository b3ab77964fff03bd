"""The seed's stories, clicked through in headless Chromium, with axe-core on every page."""

import os
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from messaging import services as messaging
from messaging.models import Message
from returns import services as returns
from returns.models import ReturnRequest

from .conftest import sign_in

XSS = [
    '<script>alert("xss-script")</script>',
    "<img src=x onerror=\"alert('xss-img')\">",
    "<svg onload=\"alert('xss-svg')\">",
    "<a href=\"javascript:alert('xss-link')\">click</a>",
]


def _request_return(world, comment="comment"):
    item = world["order"].items.get()
    request, _ = returns.request_return(
        order=world["order"],
        customer=world["customer"],
        items=[returns.RequestedItem(item.pk, 1, "missing_parts", comment)],
    )
    return request


def test_buyer_requests_a_return_and_sees_the_pending_page(world, live_server, page, axe):
    sign_in(page, live_server, who="luca", seller=False)
    expect(page.locator("h1")).to_have_text("Your orders")
    axe("Your orders")
    page.click("text=Return items")
    expect(page.locator("h1")).to_have_text("Select Items for Return")
    page.select_option("select[name$=-reason]", label="Missing parts or accessories")
    page.select_option("select[name$=-quantity]", "1")
    page.fill("textarea[name$=-comment]", "The adapter is missing")
    expect(page.locator(".counter").first).to_have_text("178 characters remaining")
    expect(page.locator("body")).to_contain_text("We aren't able to offer policy exceptions")
    axe("Select items")
    page.click("text=Submit for approval")
    expect(page.locator("body")).to_contain_text("typically within 48 hours")
    axe("Pending page")
    assert ReturnRequest.objects.get().items.get().comment == "The adapter is missing"


def test_seller_authorises_and_the_buyer_prints_the_label(world, live_server, page, browser, axe):
    _request_return(world)
    sign_in(page, live_server, who="seller", seller=True)
    page.click("summary:has-text('ORDERS')")
    page.click("details[open] a:has-text('Manage Returns')")  # the menu's link, not its badge's words
    axe("Manage Returns")
    page.click(".filter-list >> text=Authorisation required")
    page.click(".return-card__actions a:has-text('Authorise')")
    expect(page.locator("h2", has_text="Confirm Your Return Address")).to_be_visible()
    axe("Authorise")
    page.click("button:has-text('Authorise request')")
    expect(page.locator("h1")).to_have_text("Return Authorisation Successful")
    rma = ReturnRequest.objects.get().rma
    buyer = browser.new_context().new_page()
    sign_in(buyer, live_server, who="luca", seller=False)
    buyer.goto(live_server.url + "/returns/your-returns/")
    buyer.click("text=Print Label")
    expect(buyer.locator(".return-label__rma")).to_have_text(rma)
    expect(buyer.locator("body")).to_contain_text(
        "Print this return authorisation and include a copy in your return package"
    )
    # and the seller refunds it
    page.goto(live_server.url + "/seller/returns/")
    page.click(".return-card__actions a:has-text('Issue refund')")
    axe("Issue refund")
    page.click("button:has-text('Issue refund')")
    expect(page.locator("h1")).to_have_text("Confirm refund")  # money leaves only after a yes
    page.click("button[name=confirmed][value=yes]")
    expect(page.locator(".flash")).to_contain_text("Refund of £")
    assert ReturnRequest.objects.get().close_reason == "refunded"


def test_seller_denies_with_the_character_counter(world, live_server, page, axe):
    _request_return(world)
    sign_in(page, live_server, who="seller", seller=True)
    page.goto(live_server.url + "/seller/returns/")
    page.click("text=Deny request")
    page.select_option("#id_reason", label="Media or software has been opened")
    page.fill("#id_message", "Opened")
    expect(page.locator(".counter")).to_have_text("2994 characters remaining")
    axe("Deny")
    page.click("button:has-text('Deny request')")
    expect(page.locator("h1")).to_have_text("Deny Successful")


def test_buyer_cancels_before_the_seller_acts(world, live_server, page, axe):
    _request_return(world)
    sign_in(page, live_server, who="luca", seller=False)
    page.goto(live_server.url + "/returns/your-returns/")
    page.click("a:has-text('Cancel Return')")
    expect(page.locator("h1")).to_have_text("Cancel your return?")
    axe("Cancel your return?")
    page.click("button:has-text('Yes, cancel this return')")
    expect(page.locator(".flash")).to_contain_text("cancelled")
    expect(page.locator("body")).to_contain_text("Cancelled by the buyer")


def test_contact_seller_reply_and_the_relayed_mail_in_the_dev_mailbox(
    world, live_server, page, browser, settings, tmp_path, axe
):
    from .. import factories

    settings.EMAIL_BACKEND = "sellercentral.mailbox.MailboxBackend"
    settings.DEV_MAILBOX_DIR = tmp_path / "mailbox"
    settings.DEV_TOOLS = True
    sign_in(page, live_server, who="luca", seller=False)
    page.goto(live_server.url + "/orders/202-0697275-2144321/")
    page.click("text=Contact seller")
    page.select_option("#id_subject", label="Order delivery inquiry")
    page.fill("#id_body", "Where is my card?")
    axe("Contact seller")
    page.click("text=Send e-mail")
    seller = browser.new_context().new_page()
    sign_in(seller, live_server, who="seller", seller=True)
    seller.goto(live_server.url + "/seller/messages/")
    seller.click("text=Order delivery inquiry")
    expect(seller.locator("body")).to_contain_text("Where is my card?")
    seller.fill("#id_body", "It is on its way.")
    expect(seller.locator("#id_no_response_needed")).not_to_be_checked()
    seller.click("button:has-text('Send')")
    expect(seller.locator(".flash")).to_contain_text("Your reply has been sent.")
    staff = browser.new_context().new_page()
    factories.UserFactory(username="staff", is_staff=True, is_superuser=True)
    staff.goto(live_server.url + "/admin/login/?next=/dev/mailbox/")
    staff.fill("#id_username", "staff")
    staff.fill("#id_password", factories.PASSWORD)
    staff.click("input[type=submit]")
    staff.click("text=Re: Order delivery inquiry")
    expect(staff.locator("body")).to_contain_text("It is on its way.")
    # To the buyer's real address, from the seller's masked one; the seller's real address nowhere.
    expect(staff.locator("body")).to_contain_text(world["customer"].email)
    expect(staff.locator("body")).to_contain_text("@marketplace.uk.sellercentral.test")
    expect(staff.locator("body")).not_to_contain_text("orders@test-uk-seller.example.net")
    assert mail.outbox == []  # the mail went through the dev mailbox backend


def test_seller_marks_a_thank_you_as_no_response_needed(world, live_server, page):
    message = messaging.contact_seller(order=world["order"], subject="other", body="Thank you, all good!")
    sign_in(page, live_server, who="seller", seller=True)
    page.goto(live_server.url + f"/seller/messages/threads/{message.thread_id}/")
    page.check("#id_no_response_needed")
    page.click("button:has-text('Send')")
    expect(page.locator(".flash")).to_contain_text("Marked as no response needed.")
    message.refresh_from_db()
    assert message.no_response_needed and Message.objects.count() == 1


def test_account_health_shows_the_figures(world, live_server, page, axe):
    messaging.contact_seller(order=world["order"], subject="enquiry", body="Hello")
    sign_in(page, live_server, who="seller", seller=True)
    page.click("summary:has-text('PERFORMANCE')")
    page.click("text=Account Health")
    expect(page.locator("h1")).to_have_text("Account Health")
    expect(page.locator("table.crt")).to_contain_text("Response times under 24 hours")
    expect(page.locator("body")).to_contain_text(
        "You have 1 message that you have not responded to in the past 7 days."
    )
    axe("Account Health")


def test_authorise_all_makes_the_next_request_authorised_without_the_seller(
    world, live_server, page, browser
):
    sign_in(page, live_server, who="seller", seller=True)
    page.goto(live_server.url + "/seller/settings/returns/")
    page.check("input[value=uk]")
    page.check("input[value=all]")
    page.click("text=Save Settings")
    expect(page.locator(".flash")).to_contain_text("saved")
    buyer = browser.new_context().new_page()
    sign_in(buyer, live_server, who="luca", seller=False)
    buyer.goto(live_server.url + "/orders/202-0697275-2144321/return/")
    buyer.select_option("select[name$=-reason]", label="Defective/Does not work properly")
    buyer.click("text=Submit for approval")
    expect(buyer.locator("body")).to_contain_text("Your return has been authorised")


def test_stored_xss_never_runs_in_the_sellers_browser(world, live_server, page, no_dialogs):
    for payload in XSS:
        messaging.contact_seller(order=world["order"], subject="enquiry", body=payload)
    item = world["order"].items.get()
    returns.request_return(
        order=world["order"],
        customer=world["customer"],
        items=[returns.RequestedItem(item.pk, 1, "unwanted", XSS[1][:200])],
    )
    sign_in(page, live_server, who="seller", seller=True)
    for path in [
        "/seller/messages/",
        f"/seller/messages/threads/{Message.objects.first().thread_id}/",
        "/seller/returns/",
    ]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        page.mouse.move(10, 10)
    expect(page.locator("body")).to_contain_text("onerror")  # shown as text, not run


@pytest.mark.skipif(not os.environ.get("SCREENSHOTS_DIR"), reason="make screenshots only")
def test_screenshots_of_the_seed_screens(world, live_server, page, browser):
    """Every screen the seed shows, as a PNG in SCREENSHOTS_DIR (make screenshots)."""
    out = Path(os.environ["SCREENSHOTS_DIR"])
    out.mkdir(parents=True, exist_ok=True)
    waiting = _request_return(world)
    message = messaging.contact_seller(
        order=world["order"], subject="order_delivery", body="Where is my card?"
    )
    buyer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(buyer, live_server, who="luca", seller=False)

    def shoot(tab, name, path):
        tab.goto(live_server.url + path)
        tab.screenshot(path=str(out / f"{name}.png"), full_page=True)

    for name, path in [
        ("01-your-orders", "/orders/"),
        ("02-returns-support-centre", "/returns/"),
        ("03-select-items-for-return", "/orders/202-0697275-2144321/return/"),
        ("04-pending-response-from-seller", f"/returns/{waiting.pk}/pending/"),
        ("05-your-returns", "/returns/your-returns/"),
        ("06-contact-seller", "/orders/202-0697275-2144321/contact/"),
    ]:
        shoot(buyer, name, path)
    sign_in(page, live_server, who="seller", seller=True)
    for name, path in [
        ("10-buyer-seller-messages", "/seller/messages/"),
        ("11-thread-and-reply", f"/seller/messages/threads/{message.thread_id}/"),
        ("12-account-health", "/seller/performance/account-health/"),
        ("13-manage-returns", "/seller/returns/"),
        ("14-authorise-request", f"/seller/returns/{waiting.pk}/authorise/"),
        ("15-deny-request", f"/seller/returns/{waiting.pk}/deny/"),
        ("16-returns-settings", "/seller/settings/returns/"),
        ("17-account-info-return-addresses", "/seller/settings/account-info/"),
    ]:
        shoot(page, name, path)
    page.goto(live_server.url + f"/seller/returns/{waiting.pk}/authorise/")
    page.click("button:has-text('Authorise request')")
    page.screenshot(path=str(out / "18-return-authorisation-successful.png"), full_page=True)
    shoot(buyer, "07-return-label", f"/returns/{waiting.pk}/label/")


def test_pages_work_at_375_pixels_wide(world, live_server, browser):
    """No sideways scrolling on a phone, and the fields still reachable with the keyboard."""
    _request_return(world)
    phone = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(phone, live_server, who="luca", seller=False)
    for path in ["/orders/", "/returns/", "/orders/202-0697275-2144321/return/", "/returns/your-returns/"]:
        phone.goto(live_server.url + path)
        width = phone.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide"
    phone.goto(live_server.url + "/orders/202-0697275-2144321/return/")
    phone.keyboard.press("Tab")  # skip link first
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.tagName") in {"A", "SELECT", "BUTTON", "INPUT", "TEXTAREA"}
    seller = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(seller, live_server, who="seller", seller=True)
    for path in ["/seller/returns/", "/seller/messages/", "/seller/performance/account-health/"]:
        seller.goto(live_server.url + path)
        width = seller.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide"


def test_seller_confirms_a_refund_shown_in_pounds(world, live_server, page, axe):
    request = _request_return(world)
    sign_in(page, live_server, who="seller", seller=True)
    page.goto(live_server.url + f"/seller/returns/{request.pk}/refund/")
    page.fill("input[name^=item-]", "4.00")
    page.click("button:has-text('Issue refund')")
    expect(page.locator("h1")).to_have_text("Confirm refund")
    axe("Confirm refund")
    page.click("button:has-text('Refund £4.00')")
    expect(page.locator(".flash")).to_contain_text("Refund of £4.00 issued")


def test_an_auto_authorised_return_shows_the_label_without_a_reload(world, live_server, page, axe):
    from returns.models import MarketplaceReturnRule

    MarketplaceReturnRule.objects.create(
        seller=world["seller"], marketplace=world["order"].marketplace, rule="all"
    )
    sign_in(page, live_server, who="luca", seller=False)
    page.goto(live_server.url + "/orders/202-0697275-2144321/return/")
    page.select_option("select[name$=-reason]", label="Defective/Does not work properly")
    page.click("text=Submit for approval")
    expect(page.locator("#return-status")).to_contain_text("Your return has been authorised")
    expect(page.locator("#return-status")).not_to_contain_text("within 48 hours")
    axe("Pending page, authorised")


def test_the_sent_tab_fits_at_1280_pixels(world, live_server, browser):
    """Order ids on one line, the table inside its box (the Reference column on screen)."""
    order = world["order"]
    first = messaging.contact_seller(order=order, subject="enquiry", body="Where is it?")
    messaging.reply_to_thread(thread=first.thread, body="On its way, with a longer subject line.")
    seller = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(seller, live_server, who="seller", seller=True)
    seller.goto(live_server.url + "/seller/messages/?direction=sent")
    widths = seller.evaluate(
        "() => { const wrap = document.querySelector('.table-wrap');"
        " return [wrap.querySelector('table').scrollWidth, wrap.clientWidth]; }"
    )
    assert widths[0] <= widths[1], f"the table is {widths[0]}px in a {widths[1]}px box"
    lines = seller.evaluate(
        "() => { const id = document.querySelector('.order-id'); return id.getClientRects().length; }"
    )
    assert lines == 1
