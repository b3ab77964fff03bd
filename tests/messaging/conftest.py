import smtplib
from email.message import EmailMessage

import pytest

from commerce.models import Order
from messaging.smtpd import relay_controller
from sellercentral.processes import free_port

from .. import factories
from ..dnsserver import RunningDNS

SELLER_REAL = "orders@test-uk-seller.example.net"
BUYER_REAL = "luca.depasqua@example.com"


@pytest.fixture
def order(seller) -> Order:
    """The seed's order: Luca bought the Kingston card from Test UK Seller 4 Luca."""
    factories.seller_user(seller, email=SELLER_REAL)
    customer = factories.CustomerFactory(name="Luca de Pasqua", email=BUYER_REAL)
    order = factories.order_with_items(seller=seller, customer=customer, order_id="202-0697275-2144321")
    item = order.items.get()
    item.product.asin, item.product.title = (
        "B0000F2F36",
        "Kingston - Flash memory card - 8 GB - Class 4 - SDHC",
    )
    item.product.save()
    return order


@pytest.fixture
def relay_server(settings):
    """The real relay SMTP server (aiosmtpd) on a free port, for the length of a test."""
    settings.INBOUND_EMAIL_MAX_BYTES = 2 * 1024 * 1024
    port = free_port()
    controller = relay_controller(host="127.0.0.1", port=port)
    controller.start()
    yield port
    controller.stop()


@pytest.fixture
def smtp(relay_server):
    with smtplib.SMTP("127.0.0.1", relay_server, timeout=30) as client:
        yield client


def plain_mail(*, sender, to, subject="Re: your order", body="Hello", **headers) -> EmailMessage:
    """A plain-text mail as a mail client sends it (``In_Reply_To=`` becomes ``In-Reply-To``)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


@pytest.fixture
def relay_dns(settings):
    """A DNS server of the test's own on loopback (``tests/dnsserver.py``), empty at first.

    Every SPF, DKIM and DMARC look-up of the relay goes to it; the test publishes records
    with ``relay_dns.publish_txt(name, record)`` and may set ``relay_dns.mode``.
    """
    with RunningDNS() as records:
        settings.RELAY_DNS_NAMESERVERS = [(records.host, records.port)]
        yield records
