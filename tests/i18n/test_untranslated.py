"""What is left untranslated, found without a list: every page of the URLconf (GET for the
buyer, the seller or a visitor; then each page's own form sent empty, for its errors), the
e-mails the world's actions send and the return label's PDF, in a pseudo language
(``tests/i18n/pseudo.py``). The text a base template shows on most pages is counted once,
under its layout. The findings go to ``var/i18n-untranslated.json``.

Text a person reads outside the pseudo language's markers was never marked for translation,
unless a rule says it is not the product's words: numbers, dates, money, ids, e-mail
addresses, brand names (the marketplaces' names, the product's sender name) and what the
world's users typed (names, titles, messages, addresses).

The baseline (``untranslated_baseline.json``) is a temporary measure while the product is
being marked for translation: it ratchets. A page or e-mail showing text the baseline does
not list fails (a regression); a baseline entry no longer found fails too, so the baseline
shrinks as the work lands. Once it is empty, delete it and the ratchet with it. Regenerate it
with ``I18N_BASELINE_UPDATE=1 .venv/bin/pytest tests/i18n -p no:cacheprovider``.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from datetime import datetime
from email.utils import parseaddr
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import resolve
from django.utils import translation
from django.utils.translation import gettext, ngettext

from commerce.middleware import ENGLISH_ONLY
from commerce.models import Customer, Marketplace, Order, Product, SellerAccount, SellerMembership
from messaging.models import AlternateAddress, Attachment, Message, ReplyTemplate, Thread
from metrics.models import OrderFeedback
from returns.models import Claim, ReturnAddress, ReturnItem, ReturnRequest

from .. import factories
from ..security.routes import all_routes, build_world, path_of
from . import pseudo

pytestmark = pytest.mark.django_db

BASELINE = Path(__file__).with_name("untranslated_baseline.json")
REPORT = Path(settings.BASE_DIR) / "var" / "i18n-untranslated.json"
UPDATE = os.environ.get("I18N_BASELINE_UPDATE") == "1"

# The fields users write, and the ids the world drew: their values are never the product's words.
WORLD = {
    SellerAccount: ["name"],
    Customer: ["name", "email"],
    Product: ["title", "brand", "category", "sku", "asin"],
    Order: ["order_id", "recipient_name", "tracking_number", "gift_receipt_number"],
    Thread: ["subject"],
    AlternateAddress: ["email"],
    Attachment: ["filename"],
    ReplyTemplate: ["name", "body"],
    ReturnAddress: ["name", "line1", "line2", "city", "region", "postcode", "country", "phone"],
    ReturnItem: ["comment"],
    ReturnRequest: ["rma", "deny_message", "buyer_rating_comment"],
    Claim: ["body", "seller_response", "decision_note"],
    OrderFeedback: ["comment"],
}


def world_rule() -> pseudo.Rule:
    typed = [
        value for model, fields in WORLD.items() for value in model.objects.values_list(*fields, flat=False)
    ]
    people = Message.objects.exclude(direction=Message.Direction.SYSTEM)
    typed += list(people.values_list("sender_name", "subject", "body_text"))
    brands = list(Marketplace.objects.values_list("name", flat=True))
    brands += [name.split(".")[0] for name in brands]  # "Amazon"
    brands += list(Marketplace.objects.values_list("currency", flat=True).distinct())  # "GBP"
    product = parseaddr(settings.DEFAULT_FROM_EMAIL)[0]  # "Seller Central", the logo's "sellercentral"
    brands += [product, product.replace(" ", "")]
    brands += [name for _code, name in settings.LANGUAGES]  # a language's own name for itself
    brands += list(settings.RELAY_DOMAINS.values())
    # The time zone's names in winter and summer ("GMT", "BST"): the baseline holds all year.
    zone = ZoneInfo(settings.TIME_ZONE)
    brands += [datetime(2024, month, 1, tzinfo=zone).tzname() or "" for month in (1, 7)] + ["UTC"]
    return pseudo.Rule(typed=[text for row in typed for text in row], brands=brands)


def test_the_pseudo_language_wraps_every_catalogued_string_and_keeps_placeholders(pseudo_language):
    with translation.override(pseudo_language):
        assert gettext("Reason for return") == "⟦Reason for return⟧"
        assert (
            gettext("Return requested for order %(order_id)s") % {"order_id": "1"}
            == "⟦Return requested for order 1⟧"
        )
        assert ngettext("%(num)d minute", "%(num)d minutes", 2) % {"num": 2} == "⟦2 minutes⟧"  # Django's own
    with translation.override("fr"):
        assert gettext("Reason for return") == "Motif du retour"


def test_the_rule_finds_words_outside_markers_only():
    rule = pseudo.Rule(typed=["Luca de Pasqua", "Return"], brands=["Amazon.co.uk", "Amazon"])
    page = "<h1>⟦Your <b>orders</b>⟧</h1><p>Hello Luca de Pasqua</p><td>Return</td><td>Return window</td>"
    page += '<img alt="Amazon.co.uk"><p>Order 202-1234567-1234567, 21 Nov 2012, £4.20, a@b.example</p>'
    page += '<script>const hidden = "words";</script><input type="submit" value="Send">'
    page += '<input type="text" value="typed" placeholder="⟦Search⟧"><a title="Help">?</a>'
    expected = ["Hello …", "Return window", "Order …, …, …, …", "Send", "Help"]
    assert rule.untranslated(pseudo.read_html(page)) == expected


SENDS_ITSELF = re.compile(r'<form(?![^>]*\baction="[^"]+")[^>]*\bmethod="post"', re.I)


def crawl_pages(world: dict, rule: pseudo.Rule) -> tuple[dict[str, list[str]], int, list[str]]:
    seller, buyer, anonymous = Client(), Client(), Client(HTTP_ACCEPT_LANGUAGE=pseudo.PSEUDO)
    seller.force_login(world["seller_user"])
    buyer.force_login(world["buyer_user"])
    found, skipped, crawled, forms = {}, [], 0, []
    for route in all_routes():
        path = path_of(route, world)
        if route.startswith("api/") or path.startswith(ENGLISH_ONLY):
            continue  # English by design: the API's contract, the admin, the developer's tools
        client = seller if path.startswith("/seller/") else buyer
        response = client.get(path)
        if response.status_code in {301, 302}:  # a page for visitors who are not signed in
            client = anonymous
            response = client.get(path)
        if response.status_code != 200:
            skipped.append(f"{route} ({response.status_code})")
            continue
        crawled += 1
        kind = response.get("Content-Type", "")
        if kind.startswith("text/html"):
            texts = pseudo.read_html(response.content.decode())
        elif kind.startswith("application/pdf"):
            texts = [pdf_text(response.content)]
        else:
            continue  # pictures, downloads: no sentence to read
        area = resolve(path).func.__module__.split(".")[0]
        found[f"{area} /{route}"] = sorted(set(rule.untranslated(texts)))
        if kind.startswith("text/html") and SENDS_ITSELF.search(response.content.decode()):
            forms.append((f"{area} /{route}", client, path))
    shared = layouts(found)
    # Then each page's own form, sent empty: its error messages, and the notice the page it
    # leads to shows, are words too (what any page shows anyway is not counted twice). After
    # every GET, so what a form changes cannot change another page's text.
    seen = {text for texts in [*found.values(), *shared.values()] for text in texts}
    for key, client, path in forms:
        response = client.post(path, {}, follow=True)
        if response.status_code in {200, 400} and response.get("Content-Type", "").startswith("text/html"):
            errors = set(rule.untranslated(pseudo.read_html(response.content.decode()))) - seen
            found[f"{key} sent empty"] = sorted(errors)
    return {**found, **shared}, crawled, skipped


def layouts(pages: dict[str, list[str]]) -> dict[str, list[str]]:
    """The text of a base template (the menu, the footer) counted once: what at least four in
    five of Seller Central's pages, or of the storefront's, show moves to its layout's entry."""
    shared = {}
    for layout, party in [("layout /seller/", True), ("layout /", False)]:
        keys = [key for key in pages if (" /seller/" in key) == party and not key.endswith(".pdf")]
        counts = Counter(text for key in keys for text in pages[key])
        common = {text for text, n in counts.items() if n >= 0.8 * len(keys)}
        for key in keys:
            pages[key] = [text for text in pages[key] if text not in common]
        shared[layout] = sorted(common)
    return shared


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    # The label's font has no glyph for the markers: both come out as the same black square.
    # Which one it was shows from where it stands, as markers nest ("■… by 30 ■Dec■ 2026.■",
    # a date's month inside a sentence): one opening a word, else one closing it.
    text = re.sub(r"(?:(?<=\s)|^)■(?=[^\s■])", pseudo.OPEN, text, flags=re.M)
    return text.replace("■", pseudo.CLOSE)


def crawl_mails(rule: pseudo.Rule) -> dict[str, list[str]]:
    buyers = set(Customer.objects.values_list("email", flat=True))
    found: dict[str, list[str]] = {}
    for message in mail.outbox:
        to = "buyer" if set(message.to) & buyers else "seller"
        texts = [
            message.subject,
            message.body,
            *(body for body, kind in message.alternatives if "html" in kind),
        ]
        key = f"mail to {to}: {rule.mask(message.subject)}"
        untranslated = set(rule.untranslated([message.subject, message.body]))
        for html in texts[2:]:
            untranslated |= set(rule.untranslated(pseudo.read_html(html)))
        found[key] = sorted(untranslated | set(found.get(key, [])))
    return found


def test_no_page_or_email_shows_untranslated_text_beyond_the_baseline(
    pseudo_language, django_capture_on_commit_callbacks, capsys
):
    started = time.monotonic()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        world = build_world(buyer_marketplace=factories.marketplace("uk"))
    SellerMembership.objects.update(language=pseudo_language)  # Seller Central's language: the user's
    rule = world_rule()
    pages, crawled, skipped = crawl_pages(world, rule)
    found = {**pages, **crawl_mails(rule)}
    found = {key: runs for key, runs in sorted(found.items()) if runs}
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n")

    areas = Counter()
    for key, runs in found.items():
        areas[key.split(" ")[0] if not key.startswith("mail") else "e-mails"] += len(runs)
    with capsys.disabled():
        print(
            f"\ni18n crawl: {crawled} pages and {len(mail.outbox)} e-mails in {time.monotonic() - started:.0f} s; "
            f"{sum(areas.values())} untranslated texts in {len(found)} pages, layouts and e-mails "
            f"({', '.join(f'{area} {n}' for area, n in areas.most_common())}); report: {REPORT}"
        )
        if skipped:
            print(f"i18n crawl: not crawled (no page for a GET): {', '.join(skipped)}")

    if UPDATE:
        BASELINE.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n")
        return
    baseline = json.loads(BASELINE.read_text())
    new = {key: sorted(set(runs) - set(baseline.get(key, []))) for key, runs in found.items()}
    new = {key: runs for key, runs in new.items() if runs}
    gone = {key: sorted(set(runs) - set(found.get(key, []))) for key, runs in baseline.items()}
    gone = {key: runs for key, runs in gone.items() if runs}
    regenerate = "regenerate with I18N_BASELINE_UPDATE=1 .venv/bin/pytest tests/i18n -p no:cacheprovider"
    assert not new, (
        f"untranslated text not in {BASELINE.name} (mark it for translation; {REPORT}):\n{_lines(new)}"
    )
    assert not gone, f"translated since the baseline: well done; shrink it ({regenerate}):\n{_lines(gone)}"
    assert crawled >= 40


def _lines(runs: dict[str, list[str]]) -> str:
    return "\n".join(f"  {key}: {text!r}" for key, texts in runs.items() for text in texts)
