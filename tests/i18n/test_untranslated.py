"""What is left untranslated, found without a list: every page of the URLconf (GET for the
buyer, the seller or a visitor; then each page's own form sent empty, for its errors), the
e-mails the world's actions send and the return label's PDF, in a pseudo language
(``tests/i18n/pseudo.py``). The text a base template shows on most pages is counted once,
under its layout. The findings go to ``var/i18n-untranslated.json``. Every other kind of
e-mail is read by ``test_untranslated_mails``, the API's words by ``test_untranslated_api``.

Text a person reads outside the pseudo language's markers was never marked for translation,
unless a rule says it is not the product's words: numbers, dates, money, ids, e-mail
addresses, brand names (the marketplaces' names, the product's sender name), the "Re:" of a
reply's subject (RFC 5322's, the same in every language) and what the world's users typed
(names, titles, messages, addresses).

Any such text fails the test: there is no list of exceptions, only the rules.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import resolve
from django.utils import translation
from django.utils.translation import gettext, ngettext

from commerce.middleware import ENGLISH_ONLY
from commerce.models import SellerMembership

from .. import factories
from ..security.routes import all_routes, build_world, path_of
from . import pseudo
from .reading import assert_all_translated, crawl_mails, world_rule

pytestmark = pytest.mark.django_db

REPORT = Path(settings.BASE_DIR) / "var" / "i18n-untranslated.json"


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
    # HTML's translate="no" (a logo, an address) keeps an element's words as they are; not its siblings'.
    page += '<p>⟦Ship to⟧ <span translate="no">Flat 2, <b>Baker</b> Street<br>London</span> now</p>'
    expected = ["Hello …", "Return window", "Order …, …, …, …", "now", "Send", "Help"]
    assert rule.untranslated(pseudo.read_html(page)) == expected


SENDS_ITSELF = re.compile(r'<form(?![^>]*\baction="[^"]+")[^>]*\bmethod="post"', re.I)


def crawl_pages(world: dict, rule: pseudo.Rule) -> tuple[dict[str, list[str]], int, list[str]]:
    seller, buyer, anonymous = Client(), Client(), Client(HTTP_ACCEPT_LANGUAGE=pseudo.PSEUDO)
    seller.force_login(world["seller_user"])
    buyer.force_login(world["buyer_user"])
    found, skipped, crawled, forms = {}, [], 0, []
    for route in all_routes():
        path = path_of(route, world)
        if route.startswith(("api/", "admin/")) or path.startswith(ENGLISH_ONLY):
            # Not pages of the product's own: the API answers in the language asked for
            # (tests/commerce/test_api_language.py), the admin is Django's, the developer's
            # tools are English.
            continue
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

    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def test_no_page_or_email_shows_untranslated_text(
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

    assert_all_translated(found, f"page ({REPORT})")
    assert crawled >= 40
