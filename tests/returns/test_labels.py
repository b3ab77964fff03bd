"""The return label as a page and as a PDF (parsed back)."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from commerce.formats import day
from returns import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def authorised(make_request, seller_account_user):
    return services.authorise_return(return_request=make_request(), actor=seller_account_user)


def test_the_label_page_has_everything_the_spec_lists(authorised, buyer_client):
    html = buyer_client.get(reverse("returns:label", args=[authorised.pk])).content.decode()
    for text in [
        "Print this return authorisation and include a copy in your return package",
        f"All the items must be returned by <strong>{day(authorised.return_by)}</strong>",
        "1 of B0000F2F36: Missing parts or accessories",
        "202-0697275-2144321",
        "Action Requested</dt><dd>Refund",
        authorised.rma,
        f'src="/returns/{authorised.pk}/barcode.svg"',
        "WC2A 2HD",
    ]:
        assert text in html, text


def test_the_barcode_is_an_svg_image_of_the_rma(authorised, buyer_client):
    response = buyer_client.get(reverse("returns:label_barcode", args=[authorised.pk]))
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content and authorised.rma.encode() in response.content


def test_the_pdf_carries_the_rma_and_the_return_address(authorised, buyer_client):
    response = buyer_client.get(reverse("returns:label_pdf", args=[authorised.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert authorised.rma in text
    assert f"All the items must be returned by {day(authorised.return_by)}" in text
    assert (
        "Missing parts or accessories" in text and "WC2A 2HD" in text and "Action Requested: Refund" in text
    )


def test_no_label_before_authorisation_and_none_for_others(make_request, buyer_client):
    request = make_request()
    assert buyer_client.get(reverse("returns:label", args=[request.pk])).status_code == 404
    from django.test import Client

    from .. import factories

    stranger = Client()
    stranger.force_login(factories.CustomerFactory().user)
    assert stranger.get(reverse("returns:label_pdf", args=[request.pk])).status_code == 404


def test_the_pdf_writes_its_dates_in_the_buyers_language(authorised):
    """A French buyer's label reads "30 déc. 2026", as its page does, never "30 Dec 2026"."""
    from commerce.formats import day
    from returns import labels

    with translation.override("fr"):
        text = PdfReader(BytesIO(labels.label_pdf(authorised))).pages[0].extract_text()
        returned_by, requested_on = day(authorised.return_by), day(authorised.requested_at)
        return_by_line = translation.gettext("All the items must be returned by %(day)s.") % {
            "day": returned_by
        }
        date_line = translation.gettext("Date: %(day)s") % {"day": requested_on}
    assert return_by_line in text and date_line in text
    assert f"{authorised.return_by:%b %Y}" not in text
