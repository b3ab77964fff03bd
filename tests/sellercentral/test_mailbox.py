"""The development mailbox keeps what the product sent and shows it to staff only: the HTML
part as its recipient sees it, styled, in a sandboxed frame that runs no script."""

import re

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client

from sellercentral import mailbox

from .. import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def dev_mailbox(settings, tmp_path):
    settings.EMAIL_BACKEND = "sellercentral.mailbox.MailboxBackend"
    settings.DEV_MAILBOX_DIR = tmp_path / "mailbox"
    settings.DEV_TOOLS = True
    return settings.DEV_MAILBOX_DIR


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(factories.UserFactory(is_staff=True))
    return client


def _send(subject="Return authorised", html='<p>Hello <script>alert("x")</script></p>'):
    message = EmailMultiAlternatives(
        subject, "Your RMA is DKp8qHPMRRMA", "returns@sellercentral.test", ["luca@example.com"]
    )
    message.attach_alternative(html, "text/html")
    message.send()


def test_sent_mail_is_stored_and_listed_newest_first(dev_mailbox):
    _send("first")
    _send("second")
    keys = mailbox.list_mail_keys()
    assert [mailbox.load_mail(k).subject for k in keys] == ["second", "first"]
    stored = mailbox.load_mail(keys[0])
    assert stored.text.strip() == "Your RMA is DKp8qHPMRRMA"
    assert stored.recipients == "luca@example.com"


def test_staff_see_the_mailbox_and_each_mail(dev_mailbox, staff_client):
    _send()
    page = staff_client.get("/dev/mailbox/").content.decode()
    assert "Return authorised" in page
    key = mailbox.list_mail_keys()[0]
    detail = staff_client.get(f"/dev/mailbox/{key}/").content.decode()
    assert "Your RMA is DKp8qHPMRRMA" in detail
    assert "<script>" not in detail  # the HTML part is not in the page: framed from its own


def _frame(detail: str) -> str:
    return re.search(r"<iframe [^>]*>", detail).group(0)


def test_the_html_part_is_framed_in_a_sandbox_from_a_page_of_its_own(dev_mailbox, staff_client):
    _send(html='<p style="color: #c40000">Hello</p><script>document.title = "ran"</script>')
    key = mailbox.list_mail_keys()[0]
    frame = _frame(staff_client.get(f"/dev/mailbox/{key}/").content.decode())
    # An empty sandbox: no allow-scripts, no allow-same-origin, nothing else.
    assert re.search(r"\ssandbox(\s|>)", frame) and "allow-" not in frame
    assert f'src="/dev/mailbox/{key}/html/"' in frame and 'title="' in frame


def test_the_frame_keeps_the_mails_styles_and_forbids_scripts(dev_mailbox, staff_client):
    _send(html='<p style="color: #c40000">Hello</p><script>document.title = "ran"</script>')
    key = mailbox.list_mail_keys()[0]
    response = staff_client.get(f"/dev/mailbox/{key}/html/")
    assert response.status_code == 200 and response["Content-Type"] == "text/html; charset=utf-8"
    # The mail as sent: its inline style is kept (the site's own policy would strip it) …
    assert '<p style="color: #c40000">Hello</p>' in response.content.decode()
    policy = {
        name: value
        for name, _, value in (
            part.partition(" ") for part in response["Content-Security-Policy"].split("; ")
        )
    }
    assert policy["style-src"] == "'unsafe-inline'"
    assert policy["img-src"] == "'self' data:"
    # … its script never runs: none is allowed, and the page is a sandbox even opened alone.
    assert policy["script-src"] == "'none'" and policy["default-src"] == "'none'"
    assert "sandbox" in policy and policy["sandbox"] == ""
    assert policy["frame-ancestors"] == "'self'" and response["X-Frame-Options"] == "SAMEORIGIN"
    # The site's pages keep the site's policy.
    page = staff_client.get(f"/dev/mailbox/{key}/")
    assert "'unsafe-inline'" not in page["Content-Security-Policy"] and page["X-Frame-Options"] == "DENY"


def test_the_frame_is_the_dev_mailboxs_only(dev_mailbox, staff_client, buyer_client, settings):
    _send()
    key = mailbox.list_mail_keys()[0]
    assert buyer_client.get(f"/dev/mailbox/{key}/html/").status_code == 302
    _send(html="")  # no HTML part: nothing to frame
    plain = mailbox.list_mail_keys()[0]
    assert staff_client.get(f"/dev/mailbox/{plain}/html/").status_code == 404
    settings.DEV_TOOLS = False
    assert staff_client.get(f"/dev/mailbox/{key}/html/").status_code == 404


def test_the_text_part_keeps_its_line_breaks_one_link_a_line(dev_mailbox, staff_client):
    text = "Your return is authorised.\n\nPrint the label: http://sc.test/l/1\nView the return: http://sc.test/r/1\n"
    EmailMultiAlternatives("Links", text, "returns@sellercentral.test", ["luca@example.com"]).send()
    key = mailbox.list_mail_keys()[0]
    detail = staff_client.get(f"/dev/mailbox/{key}/").content.decode()
    shown = re.search(r'<pre class="mail-text">(.*?)</pre>', detail, re.S).group(1)
    assert 'Print the label: <a href="http://sc.test/l/1"' in shown
    assert '</a>\nView the return: <a href="http://sc.test/r/1"' in shown
    assert "<iframe" not in detail  # a text-only mail has no frame


def test_non_staff_are_sent_to_the_admin_sign_in(dev_mailbox, buyer_client):
    response = buyer_client.get("/dev/mailbox/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_mailbox_does_not_exist_outside_development(dev_mailbox, settings, staff_client):
    settings.DEV_TOOLS = False
    assert staff_client.get("/dev/mailbox/").status_code == 404


def test_unknown_or_crafted_keys_are_404(dev_mailbox, staff_client):
    assert staff_client.get("/dev/mailbox/nope/").status_code == 404
    assert staff_client.get("/dev/mailbox/..%2Fsecret_key/").status_code == 404


def test_tests_use_djangos_in_memory_outbox():
    _send()
    assert len(mail.outbox) == 1
