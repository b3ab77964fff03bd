"""Reply templates, clicked through in headless Chromium: the seller saves a template, picks it
in a conversation's Reply box, sees it filled in for the buyer and sends it."""

from playwright.sync_api import expect

from messaging import services as messaging
from messaging.models import Message

from .conftest import sign_in

TEMPLATE = "Hello {buyer_name},\n\nYour order {order_id} was dispatched yesterday.\n\nKind regards"


def test_seller_creates_a_template_and_replies_with_it(world, live_server, page, axe, screenshot):
    message = messaging.contact_seller(
        order=world["order"], subject="order_delivery", body="Where is my card?"
    )
    sign_in(page, live_server, who="seller", seller=True)
    page.goto(live_server.url + "/seller/messages/")
    page.click("a:has-text('Reply templates')")
    expect(page.locator("h1")).to_have_text("Reply templates")
    axe("Reply templates, empty")
    page.click("text=Create a template")
    expect(page.locator("h1")).to_have_text("Create a template")
    page.fill("#id_name", "Dispatched")
    page.fill("#id_body", "Hello {buyer}")
    page.click("button:has-text('Save template')")
    expect(page.locator(".field__error")).to_contain_text("Unknown placeholder {buyer}")
    axe("Template form with an error")
    page.fill("#id_body", TEMPLATE)
    page.click("button:has-text('Save template')")
    expect(page.locator(".flash")).to_contain_text("Your template “Dispatched” was saved.")
    expect(page.locator("table")).to_contain_text("Dispatched")
    axe("Reply templates")
    screenshot(page, "20-reply-templates")

    page.goto(live_server.url + f"/seller/messages/threads/{message.thread_id}/")
    # With JavaScript, choosing fills the reply at once: the "Use this template" button is hidden.
    expect(page.locator("[data-template-apply]")).to_be_hidden()
    page.select_option("#reply-template", label="Dispatched")
    rendered = (
        f"Hello Luca,\n\nYour order {world['order'].order_id} was dispatched yesterday.\n\nKind regards"
    )
    expect(page.locator("#id_body")).to_have_value(rendered)
    expect(page.locator(".counter")).to_have_text(f"{4000 - len(rendered)} characters remaining")
    assert "/threads/" in page.url and "template=" not in page.url  # no reload
    axe("Thread with a template in the reply")
    screenshot(page, "21-reply-with-template")
    page.click("button:has-text('Send')")
    expect(page.locator(".flash")).to_contain_text("Your reply has been sent.")
    sent = Message.objects.get(direction=Message.Direction.SENT)
    assert sent.body_text.replace("\r\n", "\n") == rendered and world["customer"].email not in sent.body_text


def test_the_picker_works_without_javascript(world, browser, live_server):
    message = messaging.contact_seller(order=world["order"], subject="return_policy", body="Can I return it?")
    messaging.create_reply_template(
        seller=world["seller"], name="Return authorised", language="en-gb", body="Your RMA is {rma}."
    )
    messaging.create_reply_template(
        seller=world["seller"],
        name="Return policy",
        language="en-gb",
        body="Yes {buyer_name}, within 30 days.",
    )
    page = browser.new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, who="seller", seller=True)
    page.goto(live_server.url + f"/seller/messages/threads/{message.thread_id}/")
    # The order has no authorised return: the template needing its number cannot be chosen.
    expect(page.locator("option:has-text('Return authorised')")).to_be_disabled()
    page.select_option("#reply-template", label="Return policy")
    page.click("button:has-text('Use this template')")
    expect(page.locator("#id_body")).to_have_value("Yes Luca, within 30 days.")
    page.click("button:has-text('Send')")
    expect(page.locator(".flash")).to_contain_text("Your reply has been sent.")
    assert Message.objects.get(direction=Message.Direction.SENT).body_text == "Yes Luca, within 30 days."


def test_the_template_pages_work_at_375_pixels_wide(world, browser, live_server):
    message = messaging.contact_seller(order=world["order"], subject="enquiry", body="Is it Class 10?")
    template = messaging.create_reply_template(
        seller=world["seller"],
        name="A rather long template name for a phone",
        language="en-gb",
        body="x" * 400,
    )
    phone = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(phone, live_server, who="seller", seller=True)
    for path in [
        "/seller/messages/templates/",
        "/seller/messages/templates/new/",
        f"/seller/messages/templates/{template.pk}/delete/",
        f"/seller/messages/threads/{message.thread_id}/",
    ]:
        phone.goto(live_server.url + path)
        width = phone.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide"
