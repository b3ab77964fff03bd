"""Masking real addresses: whole addresses only, however they are written."""

from messaging import mime
from messaging.masking import masked_html as _masked_html

REAL = {"bob.smith@example.com": "tok@marketplace.uk.sellercentral.test"}


def test_only_whole_addresses_are_replaced():
    text = "Write to bob.smith@example.com, not xbob.smith@example.com.au or bob.smith@example.community"
    assert mime.replace_addresses(text, REAL) == (
        "Write to tok@marketplace.uk.sellercentral.test, not xbob.smith@example.com.au or bob.smith@example.community"
    )


def test_encoded_forms_are_replaced():
    for written in ["bob.smith&#64;example.com", "bob.smith&#x40example.com", "BOB.SMITH%40EXAMPLE.COM"]:
        assert (
            mime.replace_addresses(f"mail {written} now", REAL)
            == "mail tok@marketplace.uk.sellercentral.test now"
        )


def test_html_that_still_shows_an_address_is_dropped_for_text():
    for html in [
        "<p>bob.smith@<span>example.com</span></p>",
        '<a href="mailto:bob%2Esmith%40example.com">me</a>',
    ]:
        assert _masked_html(html, REAL) == ""
    assert _masked_html("<p>Hello <b>there</b></p>", REAL) == "<p>Hello <b>there</b></p>"
