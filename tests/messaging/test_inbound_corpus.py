"""Every corpus mail is stored or refused with the right code; none raises, none leaks."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from messaging import services
from messaging.models import Message
from tests.privacy import assert_no_real_address

from .. import factories
from ..mailauth import stamped
from .conftest import BUYER_REAL
from .corpus import CORPUS

pytestmark = pytest.mark.django_db


def _raw(template: str, order) -> bytes:
    seller_alias = services.seller_alias(seller=order.seller, marketplace=order.marketplace)
    text = template.replace("{to}", seller_alias.address).replace("{sender}", BUYER_REAL)
    return text.replace("{sender_upper}", BUYER_REAL.upper()).encode("utf-8", "surrogateescape")


def _post(raw: bytes, **headers):
    return Client().post(
        "/api/v1/inbound-email/",
        stamped(raw),
        content_type="message/rfc822",
        HTTP_X_INBOUND_SECRET="dev-inbound-secret",
        **headers,
    )


@pytest.mark.parametrize(("name", "template", "expected"), CORPUS, ids=[c[0] for c in CORPUS])
def test_corpus_mail_through_the_webhook(name, template, expected, order, on_commit, settings):
    settings.INBOUND_EMAIL_SECRET = "dev-inbound-secret"
    services.contact_seller(order=order, subject="enquiry", body="hello")  # the buyer knows the seller
    mail.outbox.clear()
    before = Message.objects.count()
    response = on_commit(_post, _raw(template, order))
    if isinstance(expected, int):
        assert response.status_code == expected, response.content
        assert Message.objects.count() == before
        assert mail.outbox == []
        return
    assert response.status_code == 202, response.content
    stored = Message.objects.latest("id")
    assert Message.objects.count() == before + 1
    assert stored.is_auto_reply == (expected == "automatic")
    assert stored.needs_response == (expected == "stored")
    assert (
        "<script" not in stored.body_html
        and "onerror" not in stored.body_html
        and "javascript:" not in stored.body_html
    )
    assert "\x00" not in stored.body_text
    assert BUYER_REAL not in stored.body_text.lower() and BUYER_REAL not in stored.body_html.lower()
    if expected == "automatic":
        assert mail.outbox == []
    else:
        [relayed] = mail.outbox
        assert_no_real_address(relayed, [BUYER_REAL])
        assert "\n" not in relayed.subject and "\r" not in relayed.subject


def test_the_same_corpus_mail_twice_is_stored_once(order, settings):
    settings.INBOUND_EMAIL_SECRET = "dev-inbound-secret"
    services.contact_seller(order=order, subject="enquiry", body="hello")
    raw = _raw(CORPUS[0][1], order)
    assert _post(raw).status_code == 202
    assert _post(raw).status_code == 202
    assert Message.objects.filter(channel="email").count() == 1


def test_a_wrong_secret_is_refused_and_nothing_is_stored(order):
    response = Client().post(
        "/api/v1/inbound-email/",
        _raw(CORPUS[0][1], order),
        content_type="message/rfc822",
        HTTP_X_INBOUND_SECRET="guess",
    )
    assert response.status_code == 403
    assert not Message.objects.exists()


def test_attachments_over_10_mb_in_all_are_refused(order, settings):
    settings.INBOUND_EMAIL_SECRET = "dev-inbound-secret"
    settings.INBOUND_EMAIL_MAX_BYTES = 30 * 1024 * 1024
    services.contact_seller(order=order, subject="enquiry", body="hello")
    import base64

    blob = base64.encodebytes(b"\x89" * (10 * 1024 * 1024 + 1)).decode().replace("\n", "\r\n")
    template = (
        "From: {sender}\r\nTo: {to}\r\nSubject: big\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n"
        "--z\r\nContent-Type: text/plain\r\n\r\nbig file\r\n--z\r\nContent-Type: application/octet-stream\r\n"
        f'Content-Disposition: attachment; filename="big.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n{blob}--z--\r\n'
    )
    response = _post(_raw(template, order))
    assert response.status_code == 413
    assert Message.objects.filter(channel="email").count() == 0


def test_attachments_are_stored_with_a_safe_name_and_relayed(order, on_commit, settings):
    settings.INBOUND_EMAIL_SECRET = "dev-inbound-secret"
    services.contact_seller(order=order, subject="enquiry", body="hello")
    mail.outbox.clear()
    template = next(c[1] for c in CORPUS if c[0] == "attachment")
    assert on_commit(_post, _raw(template, order)).status_code == 202
    attachment = Message.objects.latest("id").attachments.get()
    assert attachment.filename == "passwd.png"
    assert attachment.file.read() == b"\x89PNG\r\n\x1a\n"
    [relayed] = mail.outbox
    assert [a[0] for a in relayed.attachments] == ["passwd.png"]


def test_attachments_download_for_the_two_parties_only(order, settings, seller_client, buyer_client):
    settings.INBOUND_EMAIL_SECRET = "dev-inbound-secret"
    services.contact_seller(order=order, subject="enquiry", body="hello")
    template = next(c[1] for c in CORPUS if c[0] == "attachment")
    _post(_raw(template, order))
    attachment = Message.objects.latest("id").attachments.get()
    buyer_client.force_login(order.customer.user)
    for client, name in [
        (seller_client, "messaging:seller_attachment"),
        (buyer_client, "messaging:buyer_attachment"),
    ]:
        response = client.get(reverse(name, args=[attachment.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"\x89PNG\r\n\x1a\n"
        assert response["Content-Type"] == "application/octet-stream"
        assert 'attachment; filename="passwd.png"' in response["Content-Disposition"]
    outsider = Client()
    outsider.force_login(factories.seller_user())
    assert outsider.get(reverse("messaging:seller_attachment", args=[attachment.pk])).status_code == 404
    stranger = Client()
    stranger.force_login(factories.CustomerFactory().user)
    assert stranger.get(reverse("messaging:buyer_attachment", args=[attachment.pk])).status_code == 404
