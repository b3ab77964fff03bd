"""The suite-wide privacy scan (tests/privacy.py) really catches a leaked address."""

import pytest
from django.core import mail

from tests import factories, privacy


@pytest.mark.django_db
@pytest.mark.parametrize(
    "where",
    ["body", "subject", "encoded-word", "html"],
)
def test_a_real_address_in_a_sent_mail_is_reported(where):
    buyer = factories.CustomerFactory(email="luca.real@example.com")
    other = factories.CustomerFactory(email="jan.real@example.org")
    subject, body = "Your order", "Hello"
    if where == "body":
        body = f"Write to {buyer.email}"
    elif where == "subject":
        subject = f"From {buyer.email}"
    elif where == "encoded-word":
        subject = f"Ünïcode {buyer.email}"  # sent as an RFC 2047 word
    message = mail.EmailMultiAlternatives(subject, body, "relay@example.net", [other.email])
    if where == "html":
        message.attach_alternative(f"<p><a href='mailto:{buyer.email}'>mail</a></p>", "text/html")
    message.send()

    found, privacy.leaks_found[:] = list(privacy.leaks_found), []  # else the autouse check fails
    assert found
    assert all(leak.startswith("luca.real@example.com leaked in") for leak in found)


@pytest.mark.django_db
def test_the_recipients_own_address_in_to_is_not_a_leak():
    buyer = factories.CustomerFactory(email="luca.real@example.com")
    mail.EmailMessage("Your order", "Hello", "relay@example.net", [buyer.email]).send()

    assert privacy.leaks_found == []
    assert len(mail.outbox) == 1
