"""Rough edges of the returns pages: errors said once, real labels, a message where nothing
happened, buttons that say what they do."""

import re

import pytest
from django.urls import reverse

from returns import tokens
from returns.models import ReturnRequest

from .. import factories

pytestmark = pytest.mark.django_db


def test_the_authorise_form_says_each_missing_field_once(make_request, seller_client):
    # Given a new address with every field left empty
    request = make_request()
    response = seller_client.post(reverse("returns:authorise", args=[request.pk]), {"address_choice": "new"})
    html = response.content.decode()
    # Then each required field has its error once (the form's and the service's are the same)
    assert response.status_code == 400
    assert "This field is required. This field is required." not in html
    assert html.count('id="id_name_error"') == 1
    name_error = html[html.index('id="id_name_error"') :].split("</p>", 1)[0]
    assert name_error.count("This field is required.") == 1
    assert ReturnRequest.objects.get(pk=request.pk).status == "authorisation_required"


def test_the_exception_dropdown_has_a_real_empty_label(seller, seller_client):
    seller.marketplaces.add(factories.marketplace("fr"))
    html = seller_client.get(reverse("returns:account_info")).content.decode()
    assert "---------" not in html and "- select a marketplace -" in html
    assert 'name="add" value="1"' in html


def test_add_with_no_marketplace_chosen_says_what_to_do(seller, seller_client):
    seller.marketplaces.add(factories.marketplace("fr"))
    response = seller_client.get(reverse("returns:account_info"), {"marketplace": "", "add": "1"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_marketplace_error" role="alert">Select the marketplace to add an exception for.' in html
    # A marketplace chosen opens its form, as before
    chosen = seller_client.get(reverse("returns:account_info"), {"marketplace": "fr", "add": "1"})
    assert chosen.status_code == 200 and "Return address for Amazon.fr" in chosen.content.decode()


def test_the_close_quick_link_button_says_close(make_request, seller_client):
    request = make_request()
    html = seller_client.get(tokens.action_url(request, "close")).content.decode()
    assert "Close Request" in html and ">Close request</button>" in html
    assert "Deny request</button>" not in html


def _described_by_nothing(html: str) -> list[str]:
    """The ids fields name in aria-describedby that no element of the page has."""
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    named = [i for value in re.findall(r'aria-describedby="([^"]+)"', html) for i in value.split()]
    return [i for i in named if i not in ids]


def test_every_fields_help_text_is_the_one_its_field_is_described_by(make_request, seller_client):
    # Django names a field's help "<id>_helptext" in aria-describedby: the help must carry that id,
    # or a screen reader reads the field without its help ("Street address. Enter …").
    request = make_request()
    seller_client.post(reverse("returns:authorise", args=[request.pk]), {})
    for url in [
        reverse("returns:account_info"),
        reverse("returns:refund", args=[request.pk]),
        reverse("returns:settings"),
    ]:
        html = seller_client.get(url).content.decode()
        assert 'class="field__help"' in html and "_helptext" in html, url
        assert _described_by_nothing(html) == [], url
