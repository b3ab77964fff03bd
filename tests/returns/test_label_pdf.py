"""The label PDF in each of the five languages: a font with every character they write (and
the pseudo language's markers), dates in the reader's named format, text that extracts intact."""

from datetime import date
from io import BytesIO

import pytest
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFont

from returns import labels, services
from returns.models import ReturnRequest

pytestmark = pytest.mark.django_db

# Every letter French, German, Italian and Spanish add to ASCII, their punctuation and quotes,
# the euro, and the markers the i18n crawl wraps translated strings in.
CHARACTERS = (
    "àâäæçéèêëîïôöœùûüÿÀÂÄÆÇÉÈÊËÎÏÔÖŒÙÛÜŸ"  # French
    "äöüßÄÖÜẞ„“\u201a\u2018"  # German
    "àèéìíîòóùúÀÈÉÌÍÎÒÓÙÚ"  # Italian
    "áéíóúüñÁÉÍÓÚÜÑ¿¡ºª"  # Spanish
    "«»€£\u2013—\u2019…\u00a0\u27e6\u27e7"
)
RETURN_BY = date(2026, 12, 3)
EXPECTED_RETURN_BY = {
    "en-gb": "3 Dec 2026",
    "fr": "3 déc. 2026",
    "de": "3. Dez. 2026",
    "it": "3 dic 2026",
    "es": "3 dic 2026",
}


@pytest.mark.parametrize("file", ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"])
def test_the_bundled_fonts_carry_every_character_the_five_languages_write(file):
    face = TTFont("probe", str(labels.FONTS_DIR / file)).face
    missing = [char for char in CHARACTERS if ord(char) not in face.charToGlyph]
    assert missing == []


def test_the_fonts_ship_with_their_licence():
    licence = (labels.FONTS_DIR / "LICENSE").read_text()
    assert "Bitstream Vera" in licence and "public domain" in licence


@pytest.fixture
def authorised(make_request, seller_account_user, card) -> ReturnRequest:
    card.product.title = "Œuvres complètes - Straße 5 € ¿sí? «Ñandú»"
    card.product.save(update_fields=["title"])
    request = services.authorise_return(return_request=make_request(), actor=seller_account_user)
    ReturnRequest.objects.filter(pk=request.pk).update(return_by=RETURN_BY)
    request.refresh_from_db()
    return request


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


@pytest.mark.parametrize("language", EXPECTED_RETURN_BY)
def test_the_label_pdf_reads_intact_in_each_language(language, authorised):
    with translation.override(language):
        text = pdf_text(labels.label_pdf(authorised))
        title = gettext(str(labels.TITLE))
        return_by = gettext("All the items must be returned by %(day)s.") % {
            "day": EXPECTED_RETURN_BY[language]
        }
    if language != "en-gb":
        assert title != str(labels.TITLE)  # the catalogue has it: the test reads a translation
    assert title in " ".join(text.split())
    assert return_by in text
    assert "Œuvres complètes - Straße 5 € ¿sí? «Ñandú»" in text
    assert authorised.rma in text


def test_every_string_on_the_label_is_drawn_in_the_bundled_font(authorised):
    content = labels.label_pdf(authorised)
    fonts = {
        str(font["/BaseFont"]).split("+")[-1]
        for page in PdfReader(BytesIO(content)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts == {"DejaVuSans", "DejaVuSans-Bold"}
