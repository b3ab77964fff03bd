"""Every kind of e-mail the product sends, each read in the pseudo language (``pseudo.py``):
the kinds are read from the code (``flows.kinds_in_code``), the flows driven through the
services and timers (``flows.send_every_kind``), and every sent mail's subject, text and
HTML body checked with the Rule of ``test_untranslated``. A kind the code can send that the
flows never produce fails the test, so a new e-mail cannot go unchecked."""

from __future__ import annotations

import re
import time
from collections import Counter

import pytest
from django.core import mail

from commerce.models import SellerMembership
from messaging import outbox
from messaging.models import OutboundEmail
from messaging.services import relay
from returns.models import Refund

from .. import factories
from ..security.routes import build_world
from . import flows
from .reading import assert_all_translated, crawl_mails, world_rule

pytestmark = pytest.mark.django_db


def test_the_kinds_are_read_from_the_code():
    kinds = flows.kinds_in_code()
    # One of each source the reading relies on: notes_for's branches, the claim subjects,
    # the message directions, a key written outside returns.
    assert {
        ("return", "reminder"),
        ("claim", "granted"),
        ("relay", "sent"),
        ("deadline-warning", ""),
    } <= kinds
    assert ("relay", "system") not in kinds  # system messages are never relayed
    assert flows.templates_in_code() >= {"notification", "relayed_message"}


def test_only_the_outbox_sends_mail():
    """Any other way of sending (``send_mail``, a message built elsewhere) would escape the
    kinds above: only messaging/outbox.py may use Django's mail (backends deliver, not write)."""
    senders = [
        str(path.relative_to(path.parents[1]))
        for path in flows._sources()
        if re.search(r"django\.core\.mail(?!\.backends)\b|\bsend_mail\(|\bmail_admins\(", path.read_text())
    ]
    assert senders == ["messaging/outbox.py"]


def test_every_kind_of_email_is_read_in_the_readers_language(
    pseudo_language, django_capture_on_commit_callbacks, monkeypatch, capsys
):
    started = time.monotonic()
    rendered: set[str] = set()
    for module in (outbox, relay):  # which templates the mails were rendered from

        def spy(name, context=None, *args, _render=module.render_to_string, **kwargs):
            rendered.add(name.rsplit("/", 1)[-1].rsplit(".", 1)[0])
            return _render(name, context, *args, **kwargs)

        monkeypatch.setattr(module, "render_to_string", spy)
    mail.outbox.clear()

    def committed():
        return django_capture_on_commit_callbacks(execute=True)

    with committed():
        world = build_world(buyer_marketplace=factories.marketplace("uk"))
    SellerMembership.objects.update(language=pseudo_language)  # each seller user's own language
    flows.send_every_kind(world, committed)

    rows = list(OutboundEmail.objects.select_related("message"))
    assert {row.status for row in rows} == {OutboundEmail.Status.SENT}
    assert len(mail.outbox) == len(rows)
    assert {row.headers["Content-Language"] for row in rows} == {pseudo_language}
    kinds = Counter(flows.kind_of(row) for row in rows)
    missing = flows.kinds_in_code() - set(kinds)
    assert not missing, f"e-mails the code sends that the crawl never produced: {sorted(missing)}"
    assert rendered == flows.templates_in_code()
    assert set(Refund.objects.values_list("destination", flat=True)) == set(Refund.Destination.values)

    found = {key: runs for key, runs in sorted(crawl_mails(world_rule()).items()) if runs}
    with capsys.disabled():
        print(
            f"\ni18n mail crawl: {len(mail.outbox)} e-mails of {len(kinds)} kinds "
            f"({', '.join(f'{cause}:{what}' if what else cause for cause, what in sorted(kinds))}) "
            f"in {time.monotonic() - started:.0f} s; {sum(map(len, found.values()))} untranslated texts"
        )
    assert_all_translated(found, "e-mail")
