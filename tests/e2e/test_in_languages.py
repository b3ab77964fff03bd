"""The stories in the reader's language (issue 17): a buyer on Amazon.fr walks the storefront in
French, a seller user who picked German walks Seller Central in German, and every one of the
five languages leaves screenshots of a seller page and a buyer page.

The expected words come from the catalogues (``gettext`` under ``translation.override``), never
typed here, so the stories follow the translators; each also checks the English text is gone."""

import io
import os
import re

import pytest
from django.utils import translation
from playwright.sync_api import expect
from pypdf import PdfReader

from commerce.formats import day
from commerce.models import Customer, SellerMembership
from messaging.models import Message
from returns import services as returns
from returns.models import ReturnRequest

from .. import factories
from .conftest import sign_in

LANGUAGES = ["en-gb", "fr", "de", "it", "es"]


def tr(language: str, msgid: str, **values: object) -> str:
    """``msgid`` as the catalogue of ``language`` reads it, with ``values`` filled in."""
    with translation.override(language):
        text = translation.gettext(msgid)
    return text % values if values else text


def reads(tab, language: str, *msgids: str) -> None:
    """The page is in ``language``: its html says so, and each of ``msgids`` has a translation
    that shows while its English words are nowhere on the page."""
    expect(tab.locator("html")).to_have_attribute("lang", language)
    body = tab.locator("body")
    for msgid in msgids:
        translated = tr(language, msgid)
        assert translated != msgid, f"{msgid!r} has no {language} translation"
        expect(body).to_contain_text(translated)
        # A whole-word match: "Send" is the start of German "Senden".
        expect(body).not_to_contain_text(re.compile(rf"(?<!\w){re.escape(msgid)}(?!\w)"))


def press(tab, selector: str, language: str, msgid: str) -> None:
    """Click the ``selector`` whose text is ``msgid`` in ``language`` (quotes and all)."""
    tab.locator(selector, has_text=tr(language, msgid)).first.click()


def buy_on_amazon_fr(world) -> None:
    """Luca's home storefront is Amazon.fr and the Kingston card was bought there, in euros."""
    france = factories.marketplace("fr")
    world["seller"].marketplaces.add(france)
    Customer.objects.filter(pk=world["customer"].pk).update(marketplace=france)
    order = world["order"]
    order.marketplace, order.currency = france, "EUR"
    order.total = sum(item.line_total for item in order.items.all())  # the world's order has none
    order.save(update_fields=["marketplace", "currency", "total"])


def test_a_french_buyer_returns_a_card_contacts_the_seller_and_files_a_claim_in_french(
    world, live_server, page, axe, screenshot
):
    buy_on_amazon_fr(world)
    order_id = world["order"].order_id
    sign_in(page, live_server, who="luca", seller=False)

    # Your orders, in French without Luca ever choosing: Amazon.fr's language.
    expect(page.locator("h1")).to_have_text(tr("fr", "Your orders"))
    reads(page, "fr", "Your orders", "Return items", "Contact seller", "Available actions")
    axe("Your orders, in French")
    screenshot(page, "fr-buyer-orders")

    press(page, "a", "fr", "Return items")
    expect(page.locator("h1")).to_have_text(tr("fr", "Select Items for Return"))
    page.select_option("select[name$=-reason]", "missing_parts")
    page.select_option("select[name$=-quantity]", "1")
    page.fill("textarea[name$=-comment]", "L'adaptateur manque")
    remaining = tr("fr", "character remaining|characters remaining").split("|")[1]
    expect(page.locator(".counter").first).to_have_text(f"181 {remaining}")
    reads(page, "fr", "Select Items for Return", "Submit for approval")
    axe("Select items, in French")
    screenshot(page, "fr-buyer-return-request")
    press(page, "button", "fr", "Submit for approval")

    notified = "We have received your return request and the seller has been notified."
    expect(page.locator("#return-status h1")).to_have_text(tr("fr", notified))
    reads(page, "fr", notified, "Continue shopping")
    axe("Pending page, in French")
    screenshot(page, "fr-buyer-pending")
    request = ReturnRequest.objects.get()
    assert request.items.get().comment == "L'adaptateur manque"

    # The seller authorises (through the service): the label is the buyer's to print.
    returns.authorise_return(return_request=request, actor=world["seller_user"])
    request.refresh_from_db()
    page.goto(live_server.url + "/returns/your-returns/")
    reads(page, "fr", "Return Authorizations created in the past 2 months", "Print Label")
    axe("Your returns, in French")
    screenshot(page, "fr-buyer-your-returns")
    press(page, "a", "fr", "Print Label")
    expect(page.locator(".return-label__rma")).to_have_text(request.rma)
    title = "Print this return authorisation and include a copy in your return package"
    expect(page.locator(".return-label h1")).to_have_text(tr("fr", title))
    reads(page, "fr", title, "Return address", "Download PDF")
    axe("Return label, in French")
    screenshot(page, "fr-buyer-label")

    pdf_url = page.locator("a", has_text=tr("fr", "Download PDF")).get_attribute("href")
    pdf = page.request.get(live_server.url + pdf_url)
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert tr("fr", "Return authorisation number (RMA): %(rma)s", rma=request.rma) in text
    assert tr("fr", "Return address") in text and "Return address" not in text
    with translation.override("fr"):
        return_by = day(request.return_by)  # "30 déc. 2026", as the page writes it
    assert tr("fr", "All the items must be returned by %(day)s.", day=return_by) in text

    # Contact seller, from the order's card.
    page.goto(live_server.url + "/orders/")
    press(page, ".order-card a", "fr", "Contact seller")
    seller_name = world["seller"].name
    expect(page.locator("h1")).to_have_text(tr("fr", "Contact %(seller)s", seller=seller_name))
    page.select_option("#id_subject", "order_delivery")
    page.fill("#id_body", "Où est l'adaptateur ?")
    reads(page, "fr", "Send e-mail")
    axe("Contact seller, in French")
    screenshot(page, "fr-buyer-contact-seller")
    press(page, "button", "fr", "Send e-mail")
    sent = tr("fr", "Your message has been sent to %(seller)s.", seller=seller_name)
    expect(page.locator(".flash")).to_contain_text(sent)
    expect(page.locator("h1")).to_have_text(tr("fr", "Your e-mails with %(seller)s", seller=seller_name))
    expect(page.locator("body")).to_contain_text("Où est l'adaptateur ?")

    # An A-to-z claim on the same order.
    page.goto(f"{live_server.url}/orders/{order_id}/claim/")
    reads(page, "fr", "A-to-z Guarantee claim", "File a claim", "File claim")
    page.select_option("#id_reason", "not_received")
    page.fill("#id_body", "Toujours pas de remboursement.")
    press(page, "button", "fr", "File claim")
    expect(page.locator("h1")).to_have_text(tr("fr", "A-to-z Guarantee claim"))
    reads(page, "fr", "We will e-mail you our decision once we have read both sides.", "Your words")
    axe("The buyer's claim, in French")
    screenshot(page, "fr-buyer-claim")


def _requests_for_the_seller(world) -> tuple[ReturnRequest, ReturnRequest, Message]:
    """Two buyers' requests waiting for authorisation, and a buyer's message waiting for an answer."""
    from messaging import services as messaging

    first_item = world["order"].items.get()
    world["order"].total = first_item.line_total  # the world's order has none
    world["order"].save(update_fields=["total"])
    first, _ = returns.request_return(
        order=world["order"],
        customer=world["customer"],
        items=[returns.RequestedItem(first_item.pk, 1, "missing_parts", "Der Adapter fehlt")],
    )
    other = factories.order_with_items(seller=world["seller"], order_id="202-1111111-2222222")
    second, _ = returns.request_return(
        order=other,
        customer=other.customer,
        items=[returns.RequestedItem(other.items.get().pk, 1, "unwanted", "")],
    )
    message = messaging.contact_seller(
        order=world["order"], subject="order_delivery", body="Wo ist meine Karte?"
    )
    return first, second, message


def test_a_german_seller_works_through_the_to_dos_in_german(world, live_server, page, axe, screenshot):
    # German chosen first: the system messages the requests leave are written in it.
    SellerMembership.objects.filter(user=world["seller_user"]).update(language="de")
    first, second, message = _requests_for_the_seller(world)
    sign_in(page, live_server, who="seller", seller=True)

    # Home with its to-dos.
    page.goto(live_server.url + "/seller/")
    expect(page.locator("h1")).to_have_text(tr("de", "Welcome, %(name)s", name=world["seller"].name))
    reads(page, "de", "Today's to-dos", "Returns awaiting authorisation", "Recent orders")
    returns_todo = page.locator(
        ".todo", has=page.locator("h3", has_text=tr("de", "Returns awaiting authorisation"))
    )
    expect(returns_todo.locator(".todo__count")).to_have_text("2")
    axe("Seller home, in German")
    screenshot(page, "de-seller-home")

    # The inbox, a message awaiting a response: open the thread and reply.
    page.goto(live_server.url + "/seller/messages/")
    reads(page, "de", "Buyer-Seller Messages", "Received messages", "Awaiting response")
    axe("Buyer-Seller Messages, in German")
    screenshot(page, "de-seller-inbox")
    page.goto(f"{live_server.url}/seller/messages/threads/{message.thread_id}/")
    expect(page.locator("body")).to_contain_text("Wo ist meine Karte?")
    reads(page, "de", "Reply", "Send")
    axe("Thread, in German")
    screenshot(page, "de-seller-thread")
    page.fill("#id_body", "Sie ist unterwegs.")
    press(page, "button", "de", "Send")
    expect(page.locator(".flash")).to_contain_text(tr("de", "Your reply has been sent."))

    # Manage Returns: authorise the first request.
    page.goto(live_server.url + "/seller/returns/")
    reads(page, "de", "Manage Returns", "Filter returns by:", "Authorise", "Deny request")
    axe("Manage Returns, in German")
    screenshot(page, "de-seller-returns")
    page.goto(f"{live_server.url}/seller/returns/{first.pk}/authorise/")
    reads(page, "de", "Authorise Request", "Confirm Your Return Address")
    axe("Authorise, in German")
    press(page, "button", "de", "Authorise request")
    expect(page.locator("h1")).to_have_text(tr("de", "Return Authorisation Successful"))
    screenshot(page, "de-seller-authorised")

    # Deny the second, with a reason and the live character counter.
    page.goto(f"{live_server.url}/seller/returns/{second.pk}/deny/")
    reads(page, "de", "Deny Request", "Reason for not authorising this return request")
    page.select_option("#id_reason", index=1)
    page.fill("#id_message", "Geöffnet")
    remaining = tr("de", "character remaining|characters remaining").split("|")[1]
    expect(page.locator(".counter")).to_have_text(f"2992 {remaining}")
    axe("Deny, in German")
    screenshot(page, "de-seller-deny")
    press(page, "button", "de", "Deny request")
    expect(page.locator("h1")).to_have_text(tr("de", "Deny Successful"))
    reads(page, "de", "You have successfully denied the return request.")

    # Refund the authorised one, after the confirmation page.
    page.goto(f"{live_server.url}/seller/returns/{first.pk}/refund/")
    reads(page, "de", "Issue refund", "Refund per item")
    axe("Issue refund, in German")
    press(page, "button", "de", "Issue refund")
    expect(page.locator("h1")).to_have_text(tr("de", "Confirm refund"))
    reads(page, "de", "Change the amounts")
    axe("Confirm refund, in German")
    screenshot(page, "de-seller-confirm-refund")
    page.click("button[name=confirmed][value=yes]")
    issued = tr("de", "Refund of %(amount)s issued for order %(order_id)s.")
    before, after = issued.split("%(amount)s")
    expect(page.locator(".flash")).to_contain_text(
        re.compile(re.escape(before) + ".+" + re.escape(after % {"order_id": world["order"].order_id}))
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.close_reason, second.close_reason) == ("refunded", "denied_by_seller")

    # Account Health and Business Reports.
    page.goto(live_server.url + "/seller/performance/account-health/")
    expect(page.locator("h1")).to_have_text(tr("de", "Account Health"))
    reads(page, "de", "Performance Checklist", "Contact Response Time", "Return Dissatisfaction Rate")
    axe("Account Health, in German")
    screenshot(page, "de-seller-account-health")
    page.goto(live_server.url + "/seller/reports/business/")
    expect(page.locator("h1")).to_have_text(tr("de", "Business Reports"))
    reads(page, "de", "Business Reports")
    axe("Business Reports, in German")
    screenshot(page, "de-seller-business-reports")


@pytest.mark.skipif(not os.environ.get("SCREENSHOTS_DIR"), reason="make screenshots only")
def test_screenshots_in_every_language(world, live_server, page, browser, screenshot):
    """For the README: one seller page and one buyer page (two of each) in each language."""
    _requests_for_the_seller(world)
    buyer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(buyer, live_server, who="luca", seller=False)
    sign_in(page, live_server, who="seller", seller=True)
    for language in LANGUAGES:
        SellerMembership.objects.filter(user=world["seller_user"]).update(language=language)
        Customer.objects.filter(pk=world["customer"].pk).update(chosen_language=language)
        for tab, name, path, heading in [
            (page, "seller-home", "/seller/", "Today's to-dos"),
            (page, "seller-returns", "/seller/returns/", "Manage Returns"),
            (buyer, "buyer-orders", "/orders/", "Your orders"),
            (
                buyer,
                "buyer-returns",
                "/returns/your-returns/",
                "Return Authorizations created in the past 2 months",
            ),
        ]:
            tab.goto(live_server.url + path)
            expect(tab.locator("html")).to_have_attribute("lang", language)
            expect(tab.locator("body")).to_contain_text(tr(language, heading))
            screenshot(tab, f"lang-{language}-{name}")
