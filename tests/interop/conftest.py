"""Real mail software around the relay (``make mail-interop``): the world every test here shares.

Once per session: a DNS server of the tests' own on loopback (``tests/dnsserver.py``) with the
SPF, DKIM and DMARC records of the buyer's and seller's domains and the product's DKIM keys;
the real relay SMTP server (``relay_controller``, in this process); two private Postfix
instances (``messaging/postfix.py``): the MX in front of the relay and the product's
smarthost holding the buyers' and sellers' mailboxes. The product sends through the smarthost
with its real DKIM-signing backend. Clients on 127.0.0.2 are the Internet: outside Postfix's
``mynetworks``, and named by the MX to the relay with XFORWARD.
"""

from __future__ import annotations

import ipaddress
import shutil
import smtplib
import tempfile
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import pytest
from django.conf import settings as django_settings
from django.test import override_settings

from messaging import dkim as relay_dkim
from messaging import postfix
from messaging.smtpd import relay_controller
from sellercentral.processes import free_port

from .. import factories
from ..dnsserver import RunningDNS
from ..mailauth import Key

SELLER_REAL = "orders@test-uk-seller.example.net"
BUYER_REAL = "luca.depasqua@example.com"
ATTACKER = "mallory@evil.example"
GONE_BUYER = "gone.buyer@example.com"  # a customer whose mailbox no longer exists
INTERNET = "127.0.0.2"  # where the tests' "Internet" clients connect from
SENDERS = {"example.com": "mail.example.com", "test-uk-seller.example.net": "mx.test-uk-seller.example.net"}


def pytest_collection_modifyitems(items):
    why = postfix.available()
    for item in items:
        if why and "interop" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=why))


@dataclass
class World:
    dns: object
    mx: postfix.Postfix
    smarthost: postfix.Postfix
    relay_port: int
    keys: dict[str, Key]
    settings: dict[str, object]  # in force during each interop test only (not for the rest of a run)
    figures: dict[str, list] = field(default_factory=dict)

    def send(self, raw: bytes, *, envelope_from: str, to: list[str], source: str = INTERNET, helo: str = ""):
        """Deliver ``raw`` to the MX as a server on the Internet does; the MX's replies."""
        helo = helo or SENDERS.get(envelope_from.rpartition("@")[2], "mail.evil.example")
        with smtplib.SMTP(
            "127.0.0.1", self.mx.port, local_hostname=helo, source_address=(source, 0)
        ) as client:
            return client.sendmail(envelope_from, to, raw)


FIGURES: dict[str, list] = {}


@pytest.fixture(scope="session")
def world(django_db_setup):  # torn down first: the relay's connection closed
    relay_port, mx_port, smarthost_port = free_port(), free_port(), free_port()
    relay_domains = sorted({*django_settings.RELAY_DOMAINS.values(), django_settings.RELAY_BASE_DOMAIN})
    key_dir = tempfile.mkdtemp(prefix="dkim-")
    with RunningDNS() as dns:
        world_settings = {
            "RELAY_DNS_NAMESERVERS": [(dns.host, dns.port)],
            "RELAY_TRUSTED_NETWORKS": (),  # nothing is trusted: SPF and DKIM decide
            "RELAY_MX_NETWORKS": (ipaddress.ip_network("127.0.0.1/32"),),
            "RELAY_DKIM_KEY_DIR": key_dir,
            "INBOUND_EMAIL_MAX_BYTES": 2 * 1024 * 1024,
        }
        overrides = override_settings(**world_settings)  # while the keys are made
        overrides.enable()
        for domain in relay_dkim.our_domains():
            relay_dkim.ensure_key(domain)
            name, _, record = relay_dkim.dns_record(domain).partition(" TXT ")
            dns.publish_txt(name, record.strip('"'))
        keys = {domain: Key(dns, domain) for domain in SENDERS}
        for domain in [*SENDERS, "evil.example"]:
            dns.publish_txt(domain, f"v=spf1 ip4:{INTERNET} -all")
            dns.publish_txt(f"_dmarc.{domain}", "v=DMARC1; p=reject")
        smarthost = postfix.smarthost(
            port=smarthost_port,
            mailboxes=[SELLER_REAL, BUYER_REAL, ATTACKER],
            relay_domains=relay_domains,
            mx_port=mx_port,
        )
        mx = postfix.mx(
            port=mx_port,
            relay_port=relay_port,
            relay_domains=relay_domains,
            relayhost=f"[127.0.0.1]:{smarthost_port}",  # the Internet, for the MX's own bounces
        )
        overrides.disable()
        relay = relay_controller(host="127.0.0.1", port=relay_port)
        relay.start()
        try:
            with smarthost, mx:
                yield World(
                    dns=dns,
                    mx=mx,
                    smarthost=smarthost,
                    relay_port=relay_port,
                    keys=keys,
                    settings=world_settings,
                    figures=FIGURES,
                )
        finally:
            relay.stop()
            shutil.rmtree(key_dir, ignore_errors=True)


@pytest.fixture(autouse=True)
def _product_mails_through_the_smarthost(request, settings):
    """After the suite's own fixtures (which catch mail in memory): the world's settings, and the
    real DKIM-signing SMTP backend to the smarthost, for this test alone."""
    if "world" not in request.fixturenames:
        return
    world = request.getfixturevalue("world")
    for name, value in world.settings.items():
        setattr(settings, name, value)
    smarthost = world.smarthost
    settings.EMAIL_BACKEND = "messaging.mailer.DKIMSigningSMTPBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", smarthost.port, 30
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


@pytest.fixture
def order(seller):
    """Luca bought a Kingston card from Test UK Seller 4 Luca (a return address set up)."""
    factories.seller_user(seller, email=SELLER_REAL)
    customer = factories.CustomerFactory(name="Luca de Pasqua", email=BUYER_REAL)
    factories.return_address(seller)
    return factories.order_with_items(seller=seller, customer=customer, order_id="202-0697275-2144321")


def internet_mail(*, sender: str, to: str, subject: str, body: str, **headers) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">"))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def wait_for(condition, *, timeout: float = 30, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.05)
    return result


def pytest_terminal_summary(terminalreporter):
    for title, lines in FIGURES.items():
        terminalreporter.write_sep("-", title)
        for line in lines:
            terminalreporter.write_line(line)
