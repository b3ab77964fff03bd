"""Postfix as the product's smarthost, delivering into the buyers' and sellers' maildirs.

Every mail type the product sends is made here for real (relay copies both ways, from the web
and by e-mail through the MX, and the returns notifications), and each delivered copy is
checked as its recipient's world would: its DKIM signature by an independent verifier
(Perl's Mail::DKIM, ``dkim_verify.pl``: another implementation than the dkimpy that signs,
in its own process, reading the key from the tests' DNS server like any receiver), its
SpamAssassin score (``-L``, ALL_TRUSTED zeroed: every hop here is loopback), and every byte
for a real address other than the recipient's own (``tests/privacy.py``). A reply to a
mailbox that is gone comes back as Postfix's DSN to the VERP address, through the MX.
"""

import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest

from messaging import selectors, services
from messaging.models import Message, OutboundEmail
from messaging.services.bounces import NOTICE_SUBJECT
from returns import services as returns

from .. import factories
from ..privacy import leaks_in_bytes, real_addresses_known
from .conftest import BUYER_REAL, GONE_BUYER, SELLER_REAL, internet_mail, wait_for

pytestmark = [pytest.mark.interop, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
VERIFIER = Path(__file__).with_name("dkim_verify.pl")
MAX_SPAM_SCORE = 1.0


def _new_deliveries(world, seen: dict, label: str, delivered: list) -> None:
    """Wait for the smarthost's queue to empty, then label each mail new in a mailbox."""
    world.smarthost.wait_until(lambda: world.smarthost.queued() == 0, timeout=20, what="delivered")
    for address, who in ((BUYER_REAL, "buyer"), (SELLER_REAL, "seller")):
        files = world.smarthost.delivered(address)
        delivered += [(f"{label} → {who}", address, path) for path in files[seen.get(address, 0) :]]
        seen[address] = len(files)


def _through_the_mx(world, *, key: str, sender: str, envelope: str, last, body: str) -> None:
    """Answer the mail ``last`` (as delivered) from ``sender``'s own server, through the MX."""
    reply_to = last["Reply-To"].addresses[0].addr_spec
    answer = internet_mail(
        sender=sender,
        to=reply_to,
        subject=f"Re: {last['Subject']}",
        body=body,
        In_Reply_To=last["Message-ID"],
    )
    world.send(world.keys[key].sign(answer.as_bytes()), envelope_from=envelope, to=[reply_to])


def _every_mail_type(world, order) -> list[tuple[str, str, Path]]:
    delivered: list = []
    # The mailboxes live for the session: only what this test makes is labelled.
    seen = {address: len(world.smarthost.delivered(address)) for address in (BUYER_REAL, SELLER_REAL)}
    thread = services.contact_seller(order=order, subject="enquiry", body="Is it Class 10?").thread
    _new_deliveries(world, seen, "relay copy, buyer's contact form", delivered)
    services.reply_to_thread(thread=thread, body="It is Class 4, sorry.", author=order.seller.users.first())
    _new_deliveries(world, seen, "relay copy, seller's Reply box", delivered)
    _through_the_mx(
        world, key="example.com", sender=BUYER_REAL, envelope=BUYER_REAL,
        last=world.smarthost.messages(BUYER_REAL)[-1], body="Then I will return it.",
    )  # fmt: skip
    wait_for(lambda: len(world.smarthost.delivered(SELLER_REAL)) > seen[SELLER_REAL], what="relayed")
    _new_deliveries(world, seen, "relay copy, buyer's e-mail via the MX", delivered)
    _through_the_mx(
        world, key="test-uk-seller.example.net", sender=SELLER_REAL, envelope=SELLER_REAL,
        last=world.smarthost.messages(SELLER_REAL)[-1], body="Fine, the label follows.",
    )  # fmt: skip
    wait_for(lambda: len(world.smarthost.delivered(BUYER_REAL)) > seen[BUYER_REAL], what="relayed")
    _new_deliveries(world, seen, "relay copy, seller's e-mail via the MX", delivered)

    item = order.items.get()
    ask = returns.RequestedItem(order_item_id=item.pk, quantity=1, reason="missing_parts", comment="No card")
    request, _ = returns.request_return(order=order, customer=order.customer, items=[ask])
    _new_deliveries(world, seen, "return requested", delivered)
    returns.authorise_return(return_request=request, actor=None)
    _new_deliveries(world, seen, "return authorised", delivered)
    returns.issue_refund(
        return_request=request, actor=None, idempotency_key="interop", amount=Decimal("1.00")
    )
    _new_deliveries(world, seen, "refund issued", delivered)
    return delivered


def _dkim(dns_port: int, paths: list[Path]) -> dict[Path, tuple[str, str, str]]:
    """Path → (result, d=, detail) from the independent verifier, in one process."""
    done = subprocess.run(
        ["perl", str(VERIFIER), str(dns_port), *map(str, paths)], capture_output=True, text=True, check=True
    )
    results = {}
    for line in done.stdout.splitlines():
        path, result, domain, detail = line.split(" ", 3)
        results[Path(path)] = (result, domain, detail)
    return results


def _spamassassin(path: Path) -> tuple[float, list[str]]:
    """(score, the rules that fired with their points) of ``spamassassin -L -t``."""
    done = subprocess.run(
        ["spamassassin", "-L", "-t", "--cf=score ALL_TRUSTED 0"],
        input=path.read_bytes(), capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    text = done.stdout.decode("utf-8", "replace")
    score = float(re.search(r"^X-Spam-Status: \w+, score=(-?[\d.]+)", text, re.M).group(1))
    report = text[text.find("Content analysis details:") :]
    rules = [
        f"{name} {points}" for points, name in re.findall(r"^\s*(-?\d+\.\d+)\s+([A-Z0-9_]+)\s", report, re.M)
    ]
    return score, rules


def test_every_delivered_mail_verifies_scores_low_and_shows_no_real_address(world, order):
    delivered = _every_mail_type(world, order)
    types = {label.split(" → ")[0] for label, _, _ in delivered}
    assert len(types) == 7, sorted(types)

    dkim = _dkim(world.dns.port, [path for _, _, path in delivered])
    with ThreadPoolExecutor(2) as pool:  # two cores: SpamAssassin's start-up is most of its time
        scores = dict(zip(delivered, pool.map(lambda row: _spamassassin(row[2]), delivered), strict=True))
    real = real_addresses_known()
    leaks = [leak for _, to, path in delivered for leak in leaks_in_bytes(path.read_bytes(), real - {to})]

    rows = [f"{'mail type':<52} {'DKIM':<5} {'d=':<33} SpamAssassin  rules that fired"]
    for row in delivered:
        label, _, path = row
        score, rules = scores[row]
        rows.append(
            f"{label:<52} {dkim[path][0]:<5} {dkim[path][1]:<33} {score:>5.1f}         {', '.join(rules)}"
        )
    passed = sum(result == "pass" for result, _, _ in dkim.values())
    world.figures["delivered mail (Postfix smarthost → maildirs)"] = [
        *rows,
        f"DKIM (Perl Mail::DKIM against the published records): {passed}/{len(delivered)} pass",
        f"real addresses in delivered bytes: {len(leaks)} (in {len(delivered)} mails scanned)",
    ]
    assert passed == len(delivered), {str(p): r for p, r in dkim.items() if r[0] != "pass"}
    assert {label: s for (label, _, _), (s, _) in scores.items() if s > MAX_SPAM_SCORE} == {}
    assert leaks == []


def test_a_reply_to_a_mailbox_that_is_gone_comes_back_through_verp_and_shows_in_the_thread(world, seller):
    factories.seller_user(seller, email=SELLER_REAL)
    customer = factories.CustomerFactory(name="Gone Buyer", email=GONE_BUYER)
    order = factories.order_with_items(seller=seller, customer=customer, order_id="202-0000000-0000001")
    question = services.contact_seller(order=order, subject="enquiry", body="Still in stock?")
    reply = services.reply_to_thread(thread=question.thread, body="Yes.", author=seller.users.first())
    outbound = OutboundEmail.objects.get(message=reply)
    # The smarthost took it (a smarthost cannot know the mailbox is gone), then its DSN went to
    # the VERP address, through the MX, into the relay.
    wait_for(
        lambda: OutboundEmail.objects.filter(pk=outbound.pk, status="bounced").exists(),
        timeout=60,
        what=f"the bounce handled:\n{world.smarthost.log()[-3000:]}\n{world.mx.log()[-3000:]}",
    )
    assert re.search(r"to=<bounce\+[0-9a-z]+-[0-9a-z]+@marketplace\.", world.mx.log())
    [status] = selectors.with_delivery_status(Message.objects.filter(pk=reply.pk)).values_list(
        "delivery_status", flat=True
    )
    assert status == "bounced"
    notice = Message.objects.get(thread=question.thread, is_system=True, subject=NOTICE_SUBJECT)
    assert "5.1.1" in notice.body_text and GONE_BUYER not in notice.body_text
    world.figures["bounces"] = [
        f"a reply to a gone mailbox: Postfix DSN → VERP address → MX → relay: copy {status}, "
        f"thread notice {notice.subject!r}: {notice.body_text.splitlines()[0][:90]}"
    ]
