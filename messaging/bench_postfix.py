"""Relay throughput behind a real Postfix MX (``manage.py bench``), beside Postfix alone.

One private Postfix MX (``messaging/postfix.py``, the instance ``make mail-interop`` tests)
takes mail from the "Internet" (clients on 127.0.0.2, outside its ``mynetworks``) over
``connections`` connections at once, in one run:

- to a maildir on the MX itself: what Postfix alone does here (the baseline);
- to a seller's masked address: Postfix hands each mail to one ``relay_smtpd`` process with
  XFORWARD, and the relay authenticates it for real (SPF for the forwarded client, the
  DKIM signature every mail carries, DMARC), then stores it and queues its relay copy.

Each figure runs from the first connection until the last mail is in the maildir, or stored.
The DNS answers come from a server of the bench's own on loopback (``tests/dnsserver.py``,
dnslib from the dev lock) publishing the buyer's SPF, DKIM key and DMARC policy.
"""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from email.utils import formatdate

from django.conf import settings
from django.test import override_settings

from commerce.models import SellerAccount
from sellercentral.processes import free_port

from . import postfix
from .authentication import authenticate
from .bench import cpu_seconds, production_env
from .bench_leftovers import mail_undone
from .models import Message, Thread

INTERNET = "127.0.0.2"
MAILDIR = "bench@maildir.test"


def _authentication_ms(dns, *, sender: str, raw: bytes, runs: int = 50) -> float:
    """Milliseconds to authenticate one mail, as the relay does for each (in this process)."""
    with override_settings(RELAY_DNS_NAMESERVERS=[(dns.host, dns.port)], RELAY_TRUSTED_NETWORKS=()):
        check = lambda: authenticate(client_ip=INTERNET, helo="mail.example", envelope_from=sender, raw=raw)  # noqa: E731
        assert check().authenticated, "the bench's mail must pass authentication"
        started = time.perf_counter()
        for _ in range(runs):
            check()
        return (time.perf_counter() - started) / runs * 1000


def _send_all(port: int, batches: list[list[tuple[str, str, bytes]]], done: Callable[[], bool]) -> float:
    """Mails per second from the first connection until ``done()``."""

    def send(batch) -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=120, source_address=(INTERNET, 0)) as client:
            for sender, to, raw in batch:
                client.sendmail(sender, [to], raw)

    started = time.perf_counter()
    with ThreadPoolExecutor(len(batches)) as pool:
        list(pool.map(send, batches))
    deadline = time.monotonic() + 600
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the mails did not all arrive within 10 minutes")
        time.sleep(0.02)
    return sum(map(len, batches)) / (time.perf_counter() - started)


def bench_postfix_relay(
    seller: SellerAccount, *, count: int, connections: int, report: Callable[[str], None], figure: Callable
) -> None:
    why = postfix.available()
    if why:
        report(f"relay behind Postfix: skipped, {why}")
        return
    # The tests' DNS server and signing key (dnslib: a dev dependency, as `make bench` installs).
    from tests.dnsserver import RunningDNS
    from tests.mailauth import Key

    thread = (
        Thread.objects.filter(seller=seller).select_related("customer", "seller_alias__marketplace").first()
    )
    sender, alias = thread.customer.email, thread.seller_alias.address
    domain = sender.rpartition("@")[2]
    relay_domains = sorted({*settings.RELAY_DOMAINS.values(), settings.RELAY_BASE_DOMAIN})
    # Records with a TTL, as published in the world (5 minutes): the relay keeps the answers
    # for it, as it would a caching resolver's.
    # The mails it stores are deleted at the end: the inbox figures read this seller.
    with RunningDNS(ttl=300) as dns, mail_undone([thread]):
        dns.publish_txt(domain, f"v=spf1 ip4:{INTERNET} -all")
        dns.publish_txt(f"_dmarc.{domain}", "v=DMARC1; p=reject")
        sign = Key(dns, domain, selector="bench").sign  # as the buyer's own server signs

        def mails(to: str, n: int) -> list[list[tuple[str, str, bytes]]]:
            made = []
            for i in range(n):
                message = EmailMessage()
                message["From"], message["To"], message["Subject"] = sender, to, f"Re: {thread.subject}"
                message["Date"] = formatdate()
                message["Message-ID"] = f"<bench-postfix-{time.time_ns()}-{i}@{domain}>"
                message.set_content("Thanks, and one more question about my order. " * 5)
                made.append((sender, to, sign(message.as_bytes())))
            return [made[c::connections] for c in range(connections)]

        relay_port = free_port()
        env = {
            **production_env(),
            "RELAY_MX_NETWORKS": "127.0.0.1/32",
            "RELAY_TRUSTED_NETWORKS": "",  # authentication on: nothing counts as a pass by address
            "RELAY_DNS_NAMESERVERS": f"{dns.host}:{dns.port}",
        }
        relay = subprocess.Popen(  # noqa: S603 (our own command line)
            [sys.executable, "manage.py", "relay_smtpd", "--port", str(relay_port)],
            cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        mx = postfix.mx(
            port=free_port(), relay_port=relay_port, relay_domains=relay_domains,
            mailboxes=[MAILDIR], mailbox_domains=[MAILDIR.rpartition("@")[2]],
        )  # fmt: skip
        try:
            with mx:
                time.sleep(3)  # the relay listening
                stored = Message.objects.count
                # One of each first: Postfix's recipient probes (cached) are not part of the figure.
                before = stored()
                _send_all(mx.port, mails(alias, 1)[:1], lambda: stored() > before)
                _send_all(mx.port, mails(MAILDIR, 1)[:1], lambda: len(mx.delivered(MAILDIR)) >= 1)
                alone = _send_all(
                    mx.port, mails(MAILDIR, count), lambda: len(mx.delivered(MAILDIR)) >= count + 1
                )
                before, cpu = stored(), cpu_seconds(relay.pid)
                relayed = _send_all(mx.port, mails(alias, count), lambda: stored() >= before + count)
                cpu = None if cpu is None else (cpu_seconds(relay.pid) - cpu) / count * 1000
                # Where the time goes: the same mails straight into the relay (the client's own
                # address checked, no Postfix), and the authentication of one mail alone.
                before = stored()
                direct = _send_all(relay_port, mails(alias, count), lambda: stored() >= before + count)
                checking = _authentication_ms(dns, sender=sender, raw=mails(alias, 1)[0][0][2])
        finally:
            relay.terminate()
            relay.wait(20)
    ratio = relayed / alone
    report(
        f"{count} mails from the Internet through Postfix (MX) over {connections} connections: into the relay "
        f"(1 process, XFORWARD, SPF + DKIM + DMARC checked) {relayed:.0f} mails/s; into a maildir on the same "
        f"Postfix {alone:.0f} mails/s ({ratio:.0%})"
    )
    report(
        f"  where the time goes: the same mails straight into the relay (no Postfix) {direct:.0f} mails/s; "
        f"the relay process used {'?' if cpu is None else f'{cpu:.1f}'} ms of CPU a mail behind Postfix, "
        f"of which authenticating (SPF + DKIM + DMARC, DNS answers cached) {checking:.1f} ms; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    figure(
        f"relay behind Postfix MX, 1 process, {connections} connections", f"{relayed:.0f} mails/s",
        f"Postfix → maildir {alone:.0f} mails/s", f"{ratio:.0%}", "≥ 100 mails/s and ≥ 20 %",
        relayed >= 100 and ratio >= 0.2,
    )  # fmt: skip
