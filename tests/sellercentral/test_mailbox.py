"""The development mailbox keeps what the product sent and shows it to staff only."""

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
    # The HTML part is shown in a script-less sandbox, escaped into srcdoc.
    assert "sandbox srcdoc=" in detail
    assert "<script>" not in detail


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
