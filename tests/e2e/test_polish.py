"""Rough edges, seen in a browser: the site's icon at /favicon.ico; the dev mailbox shows a
mail's HTML part as its recipient sees it, styled, and never runs the mail's script."""

from django.core.mail import EmailMultiAlternatives
from playwright.sync_api import expect

from .. import factories

STYLED_MAIL = (
    '<p class="greeting" style="color: rgb(196, 0, 0); font-weight: 700">Your return is authorised</p>'
    "<style>.note { background-color: rgb(255, 216, 20) }</style>"
    '<p class="note">Print the label</p>'
    '<img alt="logo" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
    '<script>document.body.dataset.ran = "yes"; alert("ran")</script>'
    '<p><a href="#" onclick="alert(1)">Click</a></p>'
)


def test_staff_see_a_styled_mail_in_the_dev_mailbox_and_its_script_never_runs(
    live_server, page, settings, tmp_path, axe, screenshot, no_dialogs
):
    settings.EMAIL_BACKEND = "sellercentral.mailbox.MailboxBackend"
    settings.DEV_MAILBOX_DIR = tmp_path / "mailbox"
    settings.DEV_TOOLS = True
    text = "Your return is authorised.\n\nPrint the label: http://sc.test/l/1\nView the return: http://sc.test/r/1\n"
    message = EmailMultiAlternatives(
        "Return authorised", text, "returns@sellercentral.test", ["luca@example.com"]
    )
    message.attach_alternative(STYLED_MAIL, "text/html")
    message.send()
    factories.UserFactory(username="staff", is_staff=True, is_superuser=True)
    page.goto(live_server.url + "/admin/login/?next=/dev/mailbox/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", factories.PASSWORD)
    page.click("input[type=submit]")
    axe("Dev mailbox")
    page.click("text=Return authorised")
    expect(page.locator("h1")).to_have_text("Return authorised")
    frame = page.frame_locator("iframe.mail-html")
    # The mail's own styles, inline and in its <style>, as its recipient sees them.
    expect(frame.locator("p.greeting")).to_have_css("color", "rgb(196, 0, 0)")
    expect(frame.locator("p.note")).to_have_css("background-color", "rgb(255, 216, 20)")
    # Its script did not run (no mark, no dialog: ``no_dialogs``), nor its onclick.
    frame.locator("text=Click").click()
    expect(frame.locator("body")).not_to_have_attribute("data-ran", "yes")
    # The text part, one link a line as it was sent.
    text_part = page.locator("pre.mail-text")
    expect(text_part).to_contain_text(
        "Print the label: http://sc.test/l/1\nView the return: http://sc.test/r/1"
    )
    axe("A mail in the dev mailbox")
    screenshot(page, "50-dev-mailbox-mail")


def test_the_browser_finds_the_sites_icon_at_favicon_ico(live_server, page):
    # Browsers, bookmarks and feed readers ask for /favicon.ico whatever the pages link.
    response = page.request.get(live_server.url + "/favicon.ico")
    assert response.ok and response.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in response.text()
