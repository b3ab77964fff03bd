"""The storefront's returns pages and the buyer's e-mails in the marketplace's language; the
catalogues themselves: complete, never fuzzy, compiled, placeholders kept (what is not yet
marked for translation at all is found by tests/i18n)."""

import re
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from commerce.formats import day, money
from returns import services

from .. import factories

pytestmark = pytest.mark.django_db
LOCALE = Path(__file__).resolve().parents[2] / "locale"
EXPECTED = {
    # language: (returns form heading, a return reason, authorisation e-mail subject start)
    "en-gb": ("Select Items for Return", "Missing parts or accessories", "Return authorised for order"),
    "fr": (
        "Sélectionnez les articles à retourner",
        "Pièces ou accessoires manquants",
        "Retour autorisé pour la commande",
    ),
    "de": (
        "Artikel für die Rücksendung auswählen",
        "Fehlende Teile oder Zubehör",
        "Rücksendung genehmigt für Bestellung",
    ),
    "it": (
        "Seleziona gli articoli da restituire",
        "Parti o accessori mancanti",
        "Reso autorizzato per l'ordine",
    ),
    "es": (
        "Selecciona los artículos a devolver",
        "Faltan piezas o accesorios",
        "Devolución autorizada para el pedido",
    ),
}
MARKETPLACE = {"en-gb": "uk", "fr": "fr", "de": "de", "it": "it", "es": "es"}


@pytest.mark.parametrize("language", list(EXPECTED))
def test_the_returns_form_and_the_authorisation_email_in_each_language(language, seller, on_commit):
    from .conftest import ADDRESS

    code = MARKETPLACE[language]
    seller.marketplaces.add(factories.marketplace(code))
    seller_user = factories.seller_user(seller)
    buyer = factories.CustomerFactory(marketplace=factories.marketplace(code))
    order = factories.order_with_items(seller=seller, customer=buyer, marketplace=factories.marketplace(code))
    services.save_return_address(seller=seller, marketplace=None, data=ADDRESS)
    client = Client()
    client.force_login(buyer.user)
    heading, reason, subject = EXPECTED[language]
    html = client.get(reverse("returns:return_items", args=[order.order_id])).content.decode()
    assert heading in html and reason in html
    assert f'lang="{language}"' in html
    item = order.items.get()
    request, _ = services.request_return(
        order=order, customer=buyer, items=[services.RequestedItem(item.pk, 1, "missing_parts")]
    )
    mail.outbox.clear()
    on_commit(services.authorise_return, return_request=request, actor=seller_user)
    [to_buyer] = mail.outbox
    assert to_buyer.subject.startswith(subject), to_buyer.subject
    assert request.order.order_id in to_buyer.subject


def test_a_french_buyer_sees_the_returns_centre_in_french(customer, buyer_client):
    customer.marketplace = factories.marketplace("fr")
    customer.save()
    html = buyer_client.get("/returns/").content.decode()
    assert "Centre de retours" in html and "Retourner un cadeau" in html


def test_the_seller_side_stays_in_the_sellers_language(seller_client):
    assert "Manage Orders" in seller_client.get("/seller/").content.decode()


def test_dates_and_money_follow_the_locale():
    from datetime import date

    with translation.override("en-gb"):
        assert (day(date(2012, 11, 21)), money(Decimal("0.04"), "GBP")) == ("21 Nov 2012", "£0.04")
    with translation.override("fr"):
        assert (day(date(2012, 11, 21)), money(Decimal("0.04"), "EUR")) == ("21 nov. 2012", "0,04\u00a0€")


def test_the_api_answers_in_the_language_the_caller_asks_for(customer, buyer_client, order):
    customer.marketplace = factories.marketplace("de")
    customer.save()
    # No language asked for: the contract's English, whatever the buyer's marketplace.
    reasons = buyer_client.get("/api/v1/return-reasons/")
    assert reasons["Content-Language"] == "en-gb"
    assert {"code": "missing_parts", "label": "Missing parts or accessories"} in reasons.json()
    german = buyer_client.get("/api/v1/return-reasons/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert german["Content-Language"] == "de" and "Accept-Language" in german["Vary"]
    assert {"code": "missing_parts", "label": "Fehlende Teile oder Zubehör"} in german.json()  # codes stay

    # A refusal: the framework's words and the product's own, in French; nothing changes.
    path = f"/api/v1/buyer/orders/{order.order_id}/returns/"
    item = order.items.first()
    too_many = {"items": [{"order_item": item.pk, "quantity": 99, "reason": "missing_parts", "comment": ""}]}
    refused = buyer_client.post(path, too_many, content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr")
    assert refused.status_code == 400 and refused["Content-Language"] == "fr"
    with translation.override("fr"):
        expected = gettext("Choose a quantity from 1 to %(most)s.") % {"most": item.quantity}
    assert expected != f"Choose a quantity from 1 to {item.quantity}."
    assert expected in str(refused.json())
    empty = buyer_client.post(path, {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Ce champ est obligatoire." in str(empty.json())  # Django REST framework's own catalogue
    assert not order.return_requests.exists()


TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def _strings(entry: polib.POEntry | polib.MOEntry) -> tuple[str, ...]:
    return tuple(entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural)) or (entry.msgstr,)


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogues_match_their_sources(language):
    """A stale .mo (the .po changed, ``compilemessages`` not run) serves old words."""
    po = catalogue(language)
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    translated = {(e.msgctxt, e.msgid): _strings(e) for e in po.translated_entries()}
    assert {(e.msgctxt, e.msgid): _strings(e) for e in mo if e.msgid} == translated


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_catalogue_entry_is_translated_and_none_is_fuzzy(language):
    """An empty msgstr shows English; a fuzzy one is left out of the .mo and shows English too."""
    po = catalogue(language)
    empty = [e.msgid for e in po if not e.obsolete and not e.fuzzy and not all(_strings(e))]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not empty, f"{language}: empty msgstr for {empty}"
    assert not fuzzy, f"{language}: fuzzy (check, then drop the flag) {fuzzy}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_their_placeholders(language):
    """A translation that drops or renames ``%(order_id)s`` breaks the page that formats it."""
    for entry in catalogue(language).translated_entries():
        for source, strings in [
            (entry.msgid, _strings(entry)[:1]),
            (entry.msgid_plural, _strings(entry)[1:]),
        ]:
            for text in strings:
                assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), (
                    f"{language}: {entry.msgid!r} → {text!r}"
                )


@pytest.mark.parametrize(
    "language, denial, claim, message",
    [
        ("en-gb", "At most 3,000 characters.", "At most 2,000 characters.", "4,000"),
        ("de", "Höchstens 3.000 Zeichen.", "Höchstens 2.000 Zeichen.", "4.000"),
    ],
)
def test_the_length_limits_read_in_the_readers_language_and_number_format(language, denial, claim, message):
    from django.core.exceptions import ValidationError

    from messaging import policy as messaging_policy

    order = factories.order_with_items()
    with translation.override(language):
        with pytest.raises(ValidationError) as denied:
            services.clean_denial(reason="other", message="x" * 3001)
        with pytest.raises(ValidationError) as refused:
            services.file_claim(order=order, customer=order.customer, reason="not_received", body="x" * 2001)
        assert denied.value.message_dict["message"] == [denial]
        assert refused.value.message_dict["body"] == [claim]
        assert message in str(messaging_policy.BODY_TOO_LONG)
